/**
 * Runs one target's cases through a pool of sandboxes until the iterations, the deadline or
 * the finding budget runs out, and tallies what each case came to. Cases are numbered; case i
 * is made from its own generator, so the same seed gives the same inputs in any order.
 */
import { Findings } from './findings.js';
import { isBad, kindOf, type Verdict } from './outcomes.js';
import { Random } from './random.js';
import { Pool, type PooledRun } from './sandbox/pool.js';
import type { LateDeath } from './sandbox/sandbox.js';
import { Tally } from './tally.js';
import type { Target } from './target.js';

export interface Limits {
  /** A case running longer is a hang (issue 12: 2 s). */
  timeoutMs: number;
  /** Each child's V8 heap. */
  heapMb: number;
  /** A child over this RSS is stopped. */
  rssCapMb: number;
}

export const DEFAULT_LIMITS: Limits = { timeoutMs: 2_000, heapMb: 512, rssCapMb: 1_536 };

/**
 * The short campaigns of `npm test`: the same heap and RSS limits, but a hang there means no
 * answer in 10 s (twice): tests do not assert speed, and a CI machine may be busy. The 2 s bar
 * is `npm run fuzz`'s.
 */
export const CI_LIMITS: Limits = { ...DEFAULT_LIMITS, timeoutMs: 10_000 };

export interface CampaignOptions {
  seed: number;
  /** The first case's number (to replay one case: from i, 1 iteration). */
  from?: number;
  iterations: number;
  /** Stop starting cases after this time (Date.now() ms). */
  deadline?: number;
  /** Asked before each case: true stops the campaign (Ctrl-C). */
  interrupted?: () => boolean;
  limits: Limits;
  /** Where findings are kept; null: not kept. */
  findingsDir: string | null;
  /** Stop after this many bad outcomes (the CI test stops early: one is a failure). */
  maxBad?: number;
  /** Hang twice before counting (default true). */
  confirmHangs?: boolean;
  onProgress?: (tally: Tally) => void;
  /** Told each case as it ends (`--verbose`). */
  onCase?: (index: number, verdict: Verdict, run: PooledRun, testCase: unknown) => void;
}

export function verdictOf(target: Target, testCase: unknown, run: PooledRun): Verdict {
  switch (run.kind) {
    case 'result':
      return target.judge(testCase, run.result);
    case 'thrown':
      return {
        outcome: 'crash',
        kind: kindOf(run.error.split('\n')[0] ?? ''),
        detail: `an exception escaped: ${run.error.split('\n').slice(0, 6).join('\n')}`,
      };
    case 'hang':
      return {
        outcome: 'hang',
        detail: `still running after ${Math.round(run.ms)} ms, twice`,
        kind: target.caseKind(testCase),
      };
    case 'out-of-memory':
      return { outcome: 'out-of-memory', detail: run.detail, kind: target.caseKind(testCase) };
    case 'crash':
      return { outcome: 'crash', detail: run.detail, kind: target.caseKind(testCase) };
  }
}

export async function runCampaign(target: Target, options: CampaignOptions): Promise<Tally> {
  const tally = new Tally(target.name);
  const started = Date.now();
  const findings =
    options.findingsDir === null ? null : new Findings(options.findingsDir, options.seed);
  const pool = new Pool(
    { runner: target.runner, init: target.init, ...options.limits },
    target.children,
    options.confirmHangs ?? true,
  );
  const first = options.from ?? 0;
  const end = first + options.iterations;
  let next = first;
  let stopped = false;
  let lastProgress = Date.now();
  // A child that died after answering: the case it answered left something running that
  // killed the process (an unhandled rejection, a timer).
  const lateCrash = (death: LateDeath) =>
    tally.addLate(death.tag, {
      outcome: 'crash',
      detail: `after the answer, the child ${death.detail}`,
    });
  try {
    const info = await pool.start();
    tally.notes.push(...(target.notes?.(info) ?? []));
    const lane = async () => {
      while (
        !stopped &&
        options.interrupted?.() !== true &&
        next < end &&
        (options.deadline === undefined || Date.now() < options.deadline)
      ) {
        const index = next++;
        let testCase: unknown;
        try {
          testCase = target.generate(Random.forCase(options.seed, target.name, index), index, info);
        } catch (error) {
          throw new Error(`the fuzzer failed to make ${target.name} case ${index}`, {
            cause: error,
          });
        }
        const run = await pool.run(target.input(testCase), index);
        for (const death of run.lateDeaths) lateCrash(death);
        const verdict = verdictOf(target, testCase, run);
        if (run.hungOnceMs !== undefined) tally.hungOnce++;
        let saved: string | null = null;
        if (isBad(verdict.outcome) && findings)
          saved = findings.save(
            target.name,
            index,
            { ...verdict, outcome: verdict.outcome },
            target.finding(testCase),
          );
        tally.add(index, verdict, run, saved);
        options.onCase?.(index, verdict, run, testCase);
        if (options.maxBad !== undefined && tally.bad >= options.maxBad) stopped = true;
        if (options.onProgress && Date.now() - lastProgress > 5_000) {
          lastProgress = Date.now();
          options.onProgress(tally);
        }
      }
    };
    await Promise.all(Array.from({ length: target.children }, lane));
  } finally {
    tally.elapsedMs = Date.now() - started;
    for (const death of await pool.stop()) lateCrash(death);
    tally.childrenLost = pool.lost;
  }
  return tally;
}
