/**
 * forgeflow in the peers bench's main process: migrates the fresh database, starts runs through
 * a Runtime whose Db counts round trips (the worker process counts its own), and reads
 * forgeflow.runs to say when they finished.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { migrate } from '../../src/db/migrate.js';
import { openPg } from '../../src/db/pg.js';
import type { Event } from '../../src/events/event.js';
import type { Graph } from '../../src/compiler/index.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { compileOrThrow, CountingDb } from '../support.js';
import { chainPipeline, NOOP, SINGLE_NODE } from './forgeflow-pipelines.js';
import { succeededAtLeast, type Peer, type PeerSession } from './peer.js';
import { CONCURRENCY, FORGEFLOW_TUNING, type ForgeflowWorkerConfig } from './settings.js';

const WORKER = fileURLToPath(new URL('./forgeflow-worker.js', import.meta.url));

/**
 * Starts `count` runs before any worker runs: the windowed starts bench/runtime.ts uses. One
 * function so it can become a batch start (`Runtime.startMany`) when the runtime has one.
 */
/** All in one call: Runtime.startMany writes them set-based, many runs per transaction. */
async function preStartRuns(runtime: Runtime, graph: Graph, event: Event, count: number) {
  await runtime.startMany(Array.from({ length: count }, () => ({ graph, event })));
}

async function open(url: string): Promise<PeerSession> {
  const inner = openPg(url, { max: FORGEFLOW_TUNING.poolMax, applicationName: 'forgeflow-bench' });
  // From the repository root: the compiled copy in .bench-build/ has no migrations/ beside it.
  await migrate(inner, { dir: pathToFileURL(`${process.cwd()}/migrations/`) });
  const db = new CountingDb(inner, undefined);
  const runtime = new Runtime({ db });
  const event = manualEvent({ repo: 'bench/forgeflow', sha: 'b'.repeat(40) });
  const single = compileOrThrow(SINGLE_NODE, event, [NOOP]);
  const chains = new Map<number, Graph>();
  return {
    preStart: (count) => preStartRuns(runtime, single, event, count),
    startOne: async () => (await runtime.start(single, event)).runId,
    async startChain(steps) {
      let graph = chains.get(steps);
      if (!graph) chains.set(steps, (graph = compileOrThrow(chainPipeline(steps), event, [NOOP])));
      await runtime.start(graph, event);
    },
    // Not through the counting Db: the bench's own polling is no cost of forgeflow's.
    finished: (expected) =>
      succeededAtLeast(
        inner,
        `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok,
                count(*) FILTER (WHERE status IN ('failed', 'canceled', 'timed_out'))::int AS bad
           FROM forgeflow.runs`,
        'forgeflow runs',
        expected,
      ),
    worker: (report) => ({
      file: WORKER,
      config: {
        url,
        concurrency: CONCURRENCY,
        report,
        pollMs: FORGEFLOW_TUNING.pollMs,
        poolMax: FORGEFLOW_TUNING.poolMax,
      } satisfies ForgeflowWorkerConfig,
    }),
    takeStartCost() {
      const cost = db.snapshot();
      db.reset();
      return cost;
    },
    close: () => db.close(),
  };
}

export const forgeflowPeer: Peer = {
  name: 'forgeflow',
  /** The commit measured (the work tree may differ from it). */
  get version() {
    try {
      return `commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
    } catch {
      return 'this checkout';
    }
  },
  open,
};
