/** docs/errors.md lists every error code of src/contracts/problems.ts, with its status, and no other. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/contracts/problems.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
  m[1],
  Number(m[2]),
]);

describe('docs/errors.md', () => {
  it('documents exactly the codes the API answers, with their statuses, in its order', () => {
    expect(rows).toEqual(Object.entries(ERRORS).map(([code, { status }]) => [code, status]));
  });
});
