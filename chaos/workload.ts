/**
 * The chaos workload: one 7-node graph (fan-out to three builds, one of them failing its first
 * attempt, fan-in through a durable timer, then a chain of two), started N times at an even
 * pace over the chaos, so kills and the restart find runs at every stage. Run ids come from the
 * seeded generator, and each start has an idempotency key: a start that the restart cut off is
 * sent again and returns the run it may already have made, never a second one.
 */
import { pathToFileURL } from 'node:url';
import { HandlerError } from '../src/contracts/errors.js';
import type { Db } from '../src/db/db.js';
import { manualEvent } from '../src/forges/normalize.js';
import type { Handler } from '../src/handlers/types.js';
import type { Graph } from '../src/contracts/graph.js';
import { compileFor, pipeline, testRuntime } from '../test/support/runtime.js';
import type { Random } from '../fuzz/random.js';

export const HANDLERS_FILE = new URL('./recording-handlers.js', import.meta.url);

const RETRY = '{ maximum_attempts: 10, initial_interval: 100ms, backoff_coefficient: 1.5 }';
const step = (workMs: number, needs: string, extra = '') => `    uses: chaos.step
    with: { work_ms: ${workMs}${extra} }
    retry: ${RETRY}${needs ? `\n    needs: ${needs}` : ''}
`;

export const WORKLOAD = pipeline(`  checkout:
${step(100, '')}  build-a:
${step(300, 'checkout')}  build-b:
${step(200, 'checkout', ', fail_attempts: 1')}  build-c:
${step(400, 'checkout')}  settle:
    needs: [build-a, build-b, build-c]
    sleep: 500ms
  test:
${step(300, 'settle')}  report:
${step(100, 'test')}`);

/** The nodes that run `chaos.step` (all but the timer). */
export const ACTIVITY_NODES = ['checkout', 'build-a', 'build-b', 'build-c', 'test', 'report'];

/** The workload compiled against the very handlers file the workers load. */
export async function workloadGraph(): Promise<Graph> {
  const module = (await import(pathToFileURL(HANDLERS_FILE.pathname).href)) as {
    default: (tools: { HandlerError: typeof HandlerError }) => Handler[];
  };
  const handlers = module.default({ HandlerError });
  return compileFor(WORKLOAD, new Map(handlers.map((h) => [h.spec.name, h])));
}

/** A version-4-shaped uuid from the seeded generator. */
export function seededUuid(random: Random): string {
  const hex = Array.from({ length: 4 }, () => random.u32().toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface StartPlan {
  runs: number;
  /** Starts are spread evenly over this many ms. */
  overMs: number;
  /** Stop starting (the chaos failed elsewhere). */
  signal: AbortSignal;
}

/**
 * Starts the runs at an even pace; a start that fails (the server is restarting) is tried again
 * with the same key until it answers. Resolves with the run ids, in order.
 */
export async function startRuns(
  db: Db,
  graph: Graph,
  random: Random,
  plan: StartPlan,
): Promise<string[]> {
  const ids = Array.from({ length: plan.runs }, () => seededUuid(random));
  let next = 0;
  const runtime = testRuntime(db, { newRunId: () => ids[next]! });
  const event = manualEvent({ repo: 'chaos/workload', sha: 'c4a05'.padEnd(40, '0') });
  const began = Date.now();
  const started: string[] = [];
  for (; next < plan.runs && !plan.signal.aborted; next++) {
    const due = began + (plan.overMs * next) / plan.runs;
    if (due > Date.now()) await pause(due - Date.now(), plan.signal);
    started.push(
      await startOnce(() => runtime.start(graph, event, { idempotencyKey: `chaos-${next}` })),
    );
  }
  return started;
}

async function startOnce(start: () => Promise<{ runId: string }>): Promise<string> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    try {
      return (await start()).runId;
    } catch (error) {
      if (Date.now() > giveUpAt) throw error;
      await pause(200);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
