/**
 * docs/errors.md lists every error code of src/contracts/problems.ts, with its status, and no
 * other; and every error type of src/contracts/error-types.ts, with whether it is retryable and
 * its meaning, and no other. Both in their module's order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '../src/contracts/error-types.js';
import { ERRORS } from '../src/contracts/problems.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const [codes = '', types = ''] = doc.split(/^## Error types$/m);

describe('docs/errors.md', () => {
  it('documents exactly the codes the API answers, with their statuses, in its order', () => {
    const rows = [...codes.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(rows).toEqual(Object.entries(ERRORS).map(([code, { status }]) => [code, status]));
  });

  it('documents exactly the error types forgeflow produces, as the registry says them, in its order', () => {
    const rows = [...types.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\w+)\s*\|\s*(.*?)\s*\|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(rows).toEqual(
      Object.entries(ERROR_TYPES).map(([type, { retryable, meaning }]) => [
        type,
        retryable,
        meaning,
      ]),
    );
  });
});
