/**
 * The short run of `npm run fuzz`'s api target, in `npm test` (both backends): a fixed-seed
 * campaign of mutated parameters, bodies and tokens on every route of /api/v1, against the
 * real server (reads open, and reads behind the token) in a sandbox child. Fails on any hang,
 * crash or 5xx, a refusal that left rows behind, a write taken without the token, a guarded
 * read answered before the token was asked for, a forge path outside the repository, an
 * error that is not a problem document, or a misplaced diagnostic.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiTarget } from '../../fuzz/api/target.js';
import { CI_LIMITS, runCampaign } from '../../fuzz/campaign.js';
import { findingLines } from '../../fuzz/report.js';
import type { ServerInit } from '../../fuzz/server/setup.js';
import type { TestDb } from '../support/db.js';
import { fuzzServerDatabase } from '../support/fuzz-server.js';

const SEED = 12;
const CASES = 300;

let init: ServerInit;
let db: TestDb | null = null;
beforeAll(async () => {
  ({ init, db } = await fuzzServerDatabase());
});
afterAll(() => db?.close());

it(`answers ${CASES} mutated API requests (seed ${SEED}) without a 5xx or a broken rule`, async () => {
  const tally = await runCampaign(apiTarget(init, SEED), {
    seed: SEED,
    iterations: CASES,
    limits: CI_LIMITS,
    findingsDir: null,
    maxBad: 3,
  });
  expect(findingLines(tally, `npm run fuzz -- --target api --seed ${SEED}`)).toEqual([]);
  expect(tally.cases).toBe(CASES);
  expect(tally.counts.get('2xx')).toBeGreaterThan(0);
  expect(tally.counts.get('4xx')).toBeGreaterThan(0);
}, 600_000);
