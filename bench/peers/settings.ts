/**
 * The peers bench's sizes and each system's settings, in one place: the main process reads them,
 * hands each worker process its part as JSON (argv[2]) and prints them in docs/benchmarks.md.
 * Concurrency is the same for all three; each system's other knobs are what its own docs advise
 * for throughput (the URLs are in TUNING, and in the docs page).
 */

/** Items per throughput round (BENCH_PEERS_JOBS overrides it, for a quick look). */
export const JOBS = Number(process.env.BENCH_PEERS_JOBS) || 10_000;
/** Rounds of each measurement; the median is reported (BENCH_PEERS_REPEATS). */
export const REPEATS = Number(process.env.BENCH_PEERS_REPEATS) || 3;
export const DEFAULT_SIZES = JOBS === 10_000 && REPEATS === 3;

/** Handlers (forgeflow attempts, graphile-worker jobs, DBOS workflows) running at once, per worker. */
export const CONCURRENCY = 32;
/** Latency: starts, one at a time, paced at this rate against an idle worker. */
export const LATENCY_STARTS = 500;
export const LATENCY_PER_SECOND = 50;
export const CHAIN_STEPS = 200;
/** How often the main process asks the database whether everything has finished. */
export const DONE_POLL_MS = 20;
/** Starts in flight at once while pre-starting (forgeflow, DBOS), as bench/runtime.ts does. */
export const START_IN_FLIGHT = 50;
export const PGBENCH_SECONDS = 10;
export const PGBENCH_CLIENTS = [1, 8] as const;
/** A safety net per round, not a measurement. */
export const ROUND_TIMEOUT_MS = 300_000;

/** What every worker process is given. */
export interface WorkerBase {
  url: string;
  concurrency: number;
  /** Send each handler's entry (key and time) to the main process: latency and chain rounds. */
  report: boolean;
}

export interface ForgeflowWorkerConfig extends WorkerBase {
  pollMs: number;
  poolMax: number;
}

export interface GraphileWorkerConfig extends WorkerBase {
  maxPoolSize: number;
  localQueueSize: number;
  completeJobBatchDelay: number;
  failJobBatchDelay: number;
}

export interface DbosWorkerConfig extends WorkerBase {
  appName: string;
  appVersion: string;
  queue: string;
  minPollingIntervalMs: number;
  poolSize: number;
}

export const FORGEFLOW_TUNING = {
  /** openPg's default: what `forgeflow serve` runs with, and bench/runtime.ts. */
  poolMax: 10,
  /** A fallback only: workers wake on NOTIFY (bench/runtime.ts uses the same). */
  pollMs: 100,
};

/** https://worker.graphile.org/docs/performance: its perf-test preset, at our concurrency. */
export const GRAPHILE_TUNING = {
  /** The page's preset runs concurrentJobs 24 with maxPoolSize 25: concurrency + 1. */
  maxPoolSize: CONCURRENCY + 1,
  /** The page's preset: 500 (the option's own doc says concurrentJobs + 1 is a start). */
  localQueueSize: 500,
  /** Batched completion and failure, flushed on the next tick (the page's preset: 0). */
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
};

/** https://docs.dbos.dev/typescript/reference/queues: a database-backed queue. */
export const DBOS_TUNING = {
  appName: 'ffbench',
  appVersion: 'bench',
  queue: 'bench',
  /**
   * The queue's dispatch loop polls (no NOTIFY); its default minimum interval is 1,000 ms,
   * which would cap a 32-slot worker near 32 workflows/s and put ~500 ms on every start. 10 ms
   * keeps polling well under the other systems' wake-up paths; the queue backs off on its own
   * when the database reports contention.
   */
  minPollingIntervalMs: 10,
  /** systemDatabasePoolSize's default (10), the same as forgeflow's pool. */
  poolSize: 10,
};

/** The tuning as the docs page prints it: system → [setting, value, why/source]. */
export const TUNING: Record<string, [string, string, string][]> = {
  forgeflow: [
    ['worker concurrency', String(CONCURRENCY), 'the same for all'],
    ['pool max', String(FORGEFLOW_TUNING.poolMax), "openPg's default, as `forgeflow serve`"],
    ['pollMs', String(FORGEFLOW_TUNING.pollMs), 'fallback poll; workers wake on NOTIFY'],
  ],
  'graphile-worker': [
    ['concurrentJobs', String(CONCURRENCY), 'the same for all'],
    [
      'maxPoolSize',
      String(GRAPHILE_TUNING.maxPoolSize),
      'concurrentJobs + 1, as the performance page',
    ],
    ['localQueue.size', String(GRAPHILE_TUNING.localQueueSize), 'the performance page'],
    [
      'completeJobBatchDelay / failJobBatchDelay',
      `${GRAPHILE_TUNING.completeJobBatchDelay} / ${GRAPHILE_TUNING.failJobBatchDelay}`,
      'the performance page',
    ],
  ],
  dbos: [
    ['queue workerConcurrency', String(CONCURRENCY), 'the same for all'],
    [
      'queue minPollingIntervalMs',
      String(DBOS_TUNING.minPollingIntervalMs),
      'its default is 1000: see the introduction',
    ],
    ['systemDatabasePoolSize', String(DBOS_TUNING.poolSize), 'its default'],
  ],
};

export const SOURCES = [
  'https://worker.graphile.org/docs/performance',
  'https://docs.dbos.dev/typescript/reference/queues',
  'https://docs.dbos.dev/typescript/tutorials/queue-tutorial',
];
