/**
 * The short run of `npm run fuzz`'s configs target, in `npm test`: a fixed-seed campaign of
 * mutated and hostile pipeline.yaml and .packit.yaml files through the compiler's entry points,
 * each in a sandbox child. Any hang (no answer in CI_LIMITS' time, twice), crash, heap
 * explosion, internal compiler error or diagnostic without a line:col in the text fails it;
 * the message names each case and the command that replays it.
 */
import { expect, it } from 'vitest';
import { CI_LIMITS, runCampaign } from '../../fuzz/campaign.js';
import { configsTarget } from '../../fuzz/configs/target.js';
import { findingLines } from '../../fuzz/report.js';

const SEED = 12;
const CASES = 150;

it(`compiles ${CASES} mutated configs (seed ${SEED}) without a hang, a crash or a misplaced diagnostic`, async () => {
  const tally = await runCampaign(configsTarget(), {
    seed: SEED,
    iterations: CASES,
    limits: CI_LIMITS,
    findingsDir: null,
    maxBad: 3,
  });
  expect(findingLines(tally, `npm run fuzz -- --target configs --seed ${SEED}`)).toEqual([]);
  expect(tally.cases).toBe(CASES);
  // Each of these is a good answer; a campaign that reaches neither tests nothing.
  expect(tally.counts.get('ok')).toBeGreaterThan(0);
  expect(tally.counts.get('diagnostics')).toBeGreaterThan(0);
}, 600_000);
