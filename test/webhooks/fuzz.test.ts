/**
 * The short run of `npm run fuzz`'s webhooks target, in `npm test` (both backends): a
 * fixed-seed campaign of signed, mutated GitHub and GitLab deliveries against the real server
 * in a sandbox child. Fails on any hang, crash or 5xx (reading the delivery back included), a
 * refusal that left rows behind, or a correctly signed delivery refused as unsigned; the
 * message names each case and the command that replays it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CI_LIMITS, runCampaign } from '../../fuzz/campaign.js';
import { findingLines } from '../../fuzz/report.js';
import type { ServerInit } from '../../fuzz/server/setup.js';
import { webhooksTarget } from '../../fuzz/webhooks/target.js';
import type { TestDb } from '../support/db.js';
import { fuzzServerDatabase } from '../support/fuzz-server.js';

const SEED = 12;
const CASES = 200;

let init: ServerInit;
let db: TestDb | null = null;
beforeAll(async () => {
  ({ init, db } = await fuzzServerDatabase());
});
afterAll(() => db?.close());

it(`answers ${CASES} mutated deliveries (seed ${SEED}) with 2xx or a clean 4xx`, async () => {
  const tally = await runCampaign(webhooksTarget(init, SEED), {
    seed: SEED,
    iterations: CASES,
    limits: CI_LIMITS,
    findingsDir: null,
    maxBad: 3,
  });
  expect(findingLines(tally, `npm run fuzz -- --target webhooks --seed ${SEED}`)).toEqual([]);
  expect(tally.cases).toBe(CASES);
  expect(tally.counts.get('2xx')).toBeGreaterThan(0);
  expect(tally.counts.get('4xx')).toBeGreaterThan(0);
}, 600_000);
