/**
 * page/contract.js is the page's copy of the server's lists (run and node states, trigger
 * names): it must be exactly what scripts/page-contract.ts makes of src/ now, so a state added
 * to the runtime reaches the page's filters and types (`npm run schemas` rewrites it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as contract from '../page/contract.js';
import { pageContract } from '../scripts/page-contract.js';
import { TRIGGER_NAMES } from '../src/contracts/triggers.js';
import { ACTIVE_RUN_STATES, NODE_TRANSITIONS, RUN_STATUSES } from '../src/runtime/states.js';

describe('page/contract.js', () => {
  it('is what `npm run schemas` writes from the runtime and contracts today', async () => {
    const written = readFileSync(new URL('../page/contract.js', import.meta.url), 'utf8');
    expect(written).toBe(await pageContract());
  });

  it('holds the server’s own lists', () => {
    expect(contract.RUN_STATUSES).toEqual(RUN_STATUSES);
    expect(contract.ACTIVE_RUN_STATES).toEqual(ACTIVE_RUN_STATES);
    expect(contract.NODE_STATUSES).toEqual(Object.keys(NODE_TRANSITIONS));
    expect(contract.TRIGGERS).toEqual(TRIGGER_NAMES);
  });
});
