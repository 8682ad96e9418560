/**
 * The runtime on real PostgreSQL, one worker in this process (`BENCH_DATABASE_URL`, default
 * postgres://postgres@127.0.0.1:5432/test; the bench creates, migrates and drops its own
 * `ff_bench_<random>` database):
 *
 * 1. single-node runs (one node calling the no-op handler `bench.noop`): N runs started with
 *    the worker running, timed from the first start until every `run:finished` event; then,
 *    on emptied tables and with no worker, N runs started by start() calls, 50 in flight (which
 *    the runtime coalesces into shared transactions), and, on emptied tables again, N runs
 *    started by one startMany call (the start rates, and statements per run of each); the
 *    latter are drained by a worker started afterwards (the drain rate, and steps/s);
 * 2. step-to-step latency along a 200-job chain (`node:completed` of j(k) to `node:started`
 *    of j(k+1), both stamped with performance.now() in this process), three runs;
 * 3. a pgbench baseline in the same database: one-row INSERT transactions with as many
 *    clients as forgeflow's pool has connections.
 *
 * Every database round trip the runtime makes goes through a counting wrapper of the Db, so
 * the results also say how many transactions and statements a run costs, and which.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Graph } from '../src/compiler/index.js';
import type { Db } from '../src/db/db.js';
import type { Event } from '../src/events/event.js';
import { manualEvent } from '../src/forges/normalize.js';
import type { Handler, HandlerLogger } from '../src/handlers/types.js';
import { Runtime } from '../src/runtime/runtime.js';
import { START_BATCH_MAX } from '../src/runtime/start-queue.js';
import type { WorkerOptions } from '../src/runtime/worker.js';
import type { Bench } from './bench.js';
import { formatMs, percentile, table } from './stats.js';
import {
  ADMIN_URL,
  benchLogger,
  checkLogger as checkWorkerLogger,
  compileOrThrow,
  describe,
  emptyTables,
  finishedRuns as finishedRunsWithin,
  perSecond,
  startMany as startWindowed,
  UsageMeter,
  withBenchDatabase,
  type CountingDb,
  type DbCost,
} from './support.js';

export type { DbCost } from './support.js';
/** Runs per single-node round (BENCH_RUNS overrides it, for a quick look). */
const RUNS = Number(process.env.BENCH_RUNS) || 10_000;
/** Starts in flight at once: a window, refilled as each start returns. */
const START_IN_FLIGHT = 50;
const CONCURRENCY = 32;
const POLL_MS = 100;
/**
 * Connections in forgeflow's pool: openPg's default, what `forgeflow serve` runs with. The
 * worker's 32 slots, its claim loop and the starts all queue on these, so at most this many
 * forgeflow transactions are open at once: pgbench gets the same number of clients.
 */
const POOL_MAX = 10;
const CHAIN_NODES = 200;
const CHAIN_REPEATS = 3;
const PGBENCH_SECONDS = 10;
const PGBENCH_THREADS = 2;
/** A safety net per phase, not a measurement. */
const PHASE_TIMEOUT_MS = 600_000;

// ─── what it reports ────────────────────────────────────────────────────────────────────────

export interface PhaseCost {
  per_run: { transactions: number; round_trips: number };
  /** CPU time of this Node process (user + system) over the phase. */
  node_cpu_ms_per_run: number;
  node_cpu_share_of_wall: number;
  /**
   * Linux with a local server only (else null): CPU of the bench database's backends plus
   * Postgres' walwriter, checkpointer and background writer; and everything else on the
   * machine (other processes competing for the same cores), as shares of one core.
   */
  postgres_cpu_ms_per_run: number | null;
  postgres_cpu_share_of_wall: number | null;
  other_cpu_share_of_wall: number | null;
  db: DbCost;
}

export interface ChainResult {
  total_ms: number;
  /** From `start()` being called to `node:started` of j1. */
  first_start_ms: number;
  gaps: number;
  gap_min_ms: number;
  gap_p50_ms: number;
  gap_p99_ms: number;
  gap_max_ms: number;
  gap_mean_ms: number;
}

export interface PgbenchResult {
  command: string;
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latency_avg_ms: number | null;
  transactions: number | null;
}

export interface RuntimeResults {
  settings: {
    database: string;
    postgres: string;
    runs: number;
    start_in_flight: number;
    worker_concurrency: number;
    poll_ms: number;
    pool_max: number;
    client_count_note: string;
    cores: number;
    /** os.loadavg() when the bench began: other work on the machine skews every figure. */
    load_average_before: number[];
  };
  end_to_end: {
    runs: number;
    total_ms: number;
    runs_per_s: number;
    /** Starting all N while the worker drains them concurrently. */
    start_phase_ms: number;
    starts_per_s: number;
    cost: PhaseCost;
  };
  start_then_drain: {
    runs: number;
    /** N start() calls, START_IN_FLIGHT outstanding at a time, no worker. */
    start_ms: number;
    starts_per_s: number;
    start_cost: PhaseCost;
    /** N runs in one startMany call, no worker: the runs drained below. */
    batch_start_ms: number;
    batch_starts_per_s: number;
    batch_start_cost: PhaseCost;
    drain_ms: number;
    drain_runs_per_s: number;
    drain_steps_per_s: number;
    drain_cost: PhaseCost;
  };
  /** `cost` is per node here (all repeats together). */
  chain: { nodes: number; runs: ChainResult[]; cost: PhaseCost };
  pgbench: PgbenchResult | { skipped: string };
  /** drain_steps_per_s / pgbench tps. */
  steps_per_pgbench_tps: number | null;
}

export type RuntimeBenchResults = RuntimeResults | { skipped: string };

// ─── the handler, the pipelines ─────────────────────────────────────────────────────────────

const noopHandler: Handler = {
  spec: {
    name: 'bench.noop',
    description: 'Does nothing (bench only).',
    input: { type: 'object' },
  },
  run: () => Promise.resolve(null),
};
const handlers = new Map<string, Handler>([['bench.noop', noopHandler]]);

function singleNodePipeline(): string {
  return 'version: 1\nname: bench-single\non: [manual]\njobs:\n  noop:\n    uses: bench.noop\n';
}

/** j1 → j2 → … → j`count`. */
function chainPipeline(count: number): string {
  const jobs = Array.from({ length: count }, (_, i) =>
    [`  j${i + 1}:`, ...(i > 0 ? [`    needs: [j${i}]`] : []), '    uses: bench.noop'].join('\n'),
  );
  return `version: 1\nname: bench-chain\non: [manual]\njobs:\n${jobs.join('\n')}\n`;
}

function compile(text: string, event: Event): Graph {
  return compileOrThrow(text, event, [noopHandler.spec]);
}

// ─── helpers ────────────────────────────────────────────────────────────────────────────────

/** Resolves when `target` runs have finished (counting `run:finished`), rejects on a failed one. */
function finishedRuns(runtime: Runtime, target: number, what: string): Promise<number> {
  return finishedRunsWithin(runtime, target, what, PHASE_TIMEOUT_MS);
}

function checkLogger(logger: ReturnType<typeof benchLogger>, what: string): void {
  checkWorkerLogger(logger, 'runtime', what);
}

function workerOptions(logger: HandlerLogger): WorkerOptions {
  return {
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    handlers,
    handlerSettings: { execAllow: null, secrets: {} },
    logger,
  };
}

class CostMeter {
  private readonly usage: UsageMeter;

  constructor(db: CountingDb) {
    this.usage = new UsageMeter(db);
  }

  done(runs: number): PhaseCost {
    const {
      wall_ms: wall,
      node_cpu_ms: cpuMs,
      postgres_cpu_ms: pgMs,
      other_cpu_ms: otherMs,
      db,
    } = this.usage.done();
    return {
      per_run: { transactions: db.transactions / runs, round_trips: db.round_trips / runs },
      node_cpu_ms_per_run: cpuMs / runs,
      node_cpu_share_of_wall: cpuMs / wall,
      postgres_cpu_ms_per_run: pgMs === null ? null : pgMs / runs,
      postgres_cpu_share_of_wall: pgMs === null ? null : pgMs / wall,
      other_cpu_share_of_wall: otherMs === null ? null : otherMs / wall,
      db,
    };
  }
}

// ─── the phases ─────────────────────────────────────────────────────────────────────────────

async function endToEnd(db: CountingDb, graph: Graph, event: Event) {
  await emptyTables(db);
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  const worker = runtime.createWorker(workerOptions(logger));
  await worker.start();
  try {
    const finished = finishedRuns(runtime, RUNS, 'end to end');
    const meter = new CostMeter(db);
    const t0 = performance.now();
    await startWindowed(runtime, graph, event, RUNS, START_IN_FLIGHT);
    const started = performance.now();
    const end = await finished;
    const cost = meter.done(RUNS);
    checkLogger(logger, 'end to end');
    return {
      runs: RUNS,
      total_ms: end - t0,
      runs_per_s: perSecond(RUNS, end - t0),
      start_phase_ms: started - t0,
      starts_per_s: perSecond(RUNS, started - t0),
      cost,
    };
  } finally {
    await runtime.stopWorkers();
  }
}

async function startThenDrain(db: CountingDb, graph: Graph, event: Event) {
  await emptyTables(db);
  // Two runtimes on one pool: the worker's run cache starts empty, as in a worker process of its own.
  const starter = new Runtime({ db });
  const startMeter = new CostMeter(db);
  const t0 = performance.now();
  await startWindowed(starter, graph, event, RUNS, START_IN_FLIGHT);
  const startMs = performance.now() - t0;
  const startCost = startMeter.done(RUNS);

  await emptyTables(db);
  const inputs = Array.from({ length: RUNS }, () => ({ graph, event }));
  const batchMeter = new CostMeter(db);
  const tb = performance.now();
  const batch = await starter.startMany(inputs);
  const batchMs = performance.now() - tb;
  const batchCost = batchMeter.done(RUNS);
  if (batch.length !== RUNS || !batch.every((r) => r.created))
    throw new Error(`startMany: ${batch.length} results for ${RUNS} starts, not all created`);

  // This server may run with autovacuum off (it reports so): left without statistics, the
  // planner thinks the 10,000-task backlog is a handful of rows and sorts all of it on every
  // claim. Analyze it once, as autovacuum would on a production server.
  await db.query('ANALYZE forgeflow.tasks');
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  let steps = 0;
  const offSteps = runtime.events.on('node:completed', () => steps++);
  const finished = finishedRuns(runtime, RUNS, 'drain');
  const worker = runtime.createWorker(workerOptions(logger));
  try {
    const drainMeter = new CostMeter(db);
    const t1 = performance.now();
    await worker.start();
    const end = await finished;
    const drainMs = end - t1;
    const drainCost = drainMeter.done(RUNS);
    checkLogger(logger, 'drain');
    return {
      runs: RUNS,
      start_ms: startMs,
      starts_per_s: perSecond(RUNS, startMs),
      start_cost: startCost,
      batch_start_ms: batchMs,
      batch_starts_per_s: perSecond(RUNS, batchMs),
      batch_start_cost: batchCost,
      drain_ms: drainMs,
      drain_runs_per_s: perSecond(RUNS, drainMs),
      drain_steps_per_s: perSecond(steps, drainMs),
      drain_cost: drainCost,
    };
  } finally {
    offSteps();
    await runtime.stopWorkers();
  }
}

async function chain(
  db: CountingDb,
  graph: Graph,
  event: Event,
): Promise<{ runs: ChainResult[]; cost: PhaseCost }> {
  await emptyTables(db);
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  const worker = runtime.createWorker(workerOptions(logger));
  await worker.start();
  const results: ChainResult[] = [];
  const meter = new CostMeter(db);
  try {
    for (let repeat = 0; repeat < CHAIN_REPEATS; repeat++) {
      const started = new Map<string, number>();
      const completed = new Map<string, number>();
      const offs = [
        runtime.events.on('node:started', (e) => started.set(e.nodeId, performance.now())),
        runtime.events.on('node:completed', (e) => completed.set(e.nodeId, performance.now())),
      ];
      try {
        const finished = finishedRuns(runtime, 1, 'chain');
        const t0 = performance.now();
        await runtime.start(graph, event);
        const end = await finished;
        const gaps: number[] = [];
        for (let k = 1; k < CHAIN_NODES; k++) {
          const done = completed.get(`j${k}`);
          const next = started.get(`j${k + 1}`);
          if (done === undefined || next === undefined)
            throw new Error(`chain: no events for j${k} → j${k + 1}`);
          gaps.push(next - done);
        }
        const sorted = gaps.sort((a, b) => a - b);
        results.push({
          total_ms: end - t0,
          first_start_ms: (started.get('j1') ?? NaN) - t0,
          gaps: sorted.length,
          gap_min_ms: sorted[0]!,
          gap_p50_ms: percentile(sorted, 50),
          gap_p99_ms: percentile(sorted, 99),
          gap_max_ms: sorted[sorted.length - 1]!,
          gap_mean_ms: sorted.reduce((s, x) => s + x, 0) / sorted.length,
        });
      } finally {
        for (const off of offs) off();
      }
    }
    const cost = meter.done(CHAIN_NODES * CHAIN_REPEATS);
    checkLogger(logger, 'chain');
    return { runs: results, cost };
  } finally {
    await runtime.stopWorkers();
  }
}

async function pgbench(db: Db, url: string): Promise<PgbenchResult | { skipped: string }> {
  await db.exec('CREATE TABLE IF NOT EXISTS public.pgbench_one (v int)');
  const dir = mkdtempSync(join(tmpdir(), 'ff-bench-'));
  const script = join(dir, 'insert-one.sql');
  writeFileSync(script, 'INSERT INTO pgbench_one(v) VALUES (1);\n');
  const args = [
    '-n',
    '-c',
    String(POOL_MAX),
    '-j',
    String(PGBENCH_THREADS),
    '-T',
    String(PGBENCH_SECONDS),
    '-f',
    script,
    url,
  ];
  try {
    // On failure the error carries stderr.
    const { stdout } = await promisify(execFile)('pgbench', args, {
      timeout: (PGBENCH_SECONDS + 30) * 1000,
    });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
    if (!tps) return { skipped: `could not find the tps line in pgbench's output:\n${stdout}` };
    const latency = /latency average = ([\d.]+) ms/.exec(stdout);
    const processed = /number of transactions actually processed: (\d+)/.exec(stdout);
    return {
      command: `pgbench ${args.slice(0, -3).join(' ')} -f insert-one.sql <bench database>`,
      clients: POOL_MAX,
      threads: PGBENCH_THREADS,
      seconds: PGBENCH_SECONDS,
      tps: Number(tps[1]),
      latency_avg_ms: latency ? Number(latency[1]) : null,
      transactions: processed ? Number(processed[1]) : null,
    };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      return { skipped: 'pgbench is not installed (Debian: postgresql-15 or postgresql-contrib)' };
    return { skipped: `pgbench failed: ${e.message}${e.stderr ? `\n${e.stderr}` : ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────────

function measure(): Promise<RuntimeBenchResults> {
  return withBenchDatabase({ poolMax: POOL_MAX }, async ({ db, url, postgres: version }) => {
    const event = manualEvent({ repo: 'bench/forgeflow', sha: 'b'.repeat(40) });
    const single = compile(singleNodePipeline(), event);
    const chained = compile(chainPipeline(CHAIN_NODES), event);

    const load = loadavg();
    progress(`end to end: ${RUNS} single-node runs, worker running`);
    const e2e = await endToEnd(db, single, event);
    progress(`start ${RUNS} runs by start() calls, then in one startMany call, then drain them`);
    const drain = await startThenDrain(db, single, event);
    progress(`${CHAIN_REPEATS} runs of a ${CHAIN_NODES}-node chain`);
    const chains = await chain(db, chained, event);
    progress(`pgbench, ${PGBENCH_SECONDS} s`);
    await emptyTables(db);
    const base = await pgbench(db, url);
    return {
      settings: {
        database: describe(ADMIN_URL),
        postgres: version,
        runs: RUNS,
        start_in_flight: START_IN_FLIGHT,
        worker_concurrency: CONCURRENCY,
        poll_ms: POLL_MS,
        pool_max: POOL_MAX,
        client_count_note: CLIENT_NOTE,
        cores: cpus().length,
        load_average_before: load,
      },
      end_to_end: e2e,
      start_then_drain: drain,
      chain: { nodes: CHAIN_NODES, ...chains },
      pgbench: base,
      steps_per_pgbench_tps: 'tps' in base ? drain.drain_steps_per_s / base.tps : null,
    };
  });
}

const CLIENT_NOTE = `pgbench -c ${POOL_MAX}: forgeflow's pool holds ${POOL_MAX} connections (openPg's default), so however many of the worker's ${CONCURRENCY} slots are busy, at most ${POOL_MAX} forgeflow transactions run at once; pgbench gets the same ${POOL_MAX} concurrent sessions, each committing one one-row INSERT per transaction (the smallest durable write, fsync on commit like forgeflow's)`;

function progress(message: string): void {
  process.stderr.write(`  runtime: ${message}…\n`);
}

function render(r: RuntimeResults): string {
  const rate = (x: number, unit: string) => `${x.toFixed(0)} ${unit}`;
  const e = r.end_to_end;
  const d = r.start_then_drain;
  const base = r.pgbench;
  const rows: string[][] = [
    [
      `end to end: start ${e.runs} single-node runs, worker running`,
      rate(e.runs_per_s, 'runs/s'),
      formatMs(e.total_ms),
    ],
    [
      `  of which starting them (${START_IN_FLIGHT} in flight)`,
      rate(e.starts_per_s, 'starts/s'),
      formatMs(e.start_phase_ms),
    ],
    [
      `start ${d.runs} runs, no worker: start() calls, ${START_IN_FLIGHT} in flight`,
      rate(d.starts_per_s, 'starts/s'),
      formatMs(d.start_ms),
    ],
    [
      `start ${d.runs} runs, no worker: one startMany call`,
      rate(d.batch_starts_per_s, 'starts/s'),
      formatMs(d.batch_start_ms),
    ],
    [`drain the batch, one worker`, rate(d.drain_runs_per_s, 'runs/s'), formatMs(d.drain_ms)],
    ['  node completions while draining', rate(d.drain_steps_per_s, 'steps/s'), ''],
    'tps' in base
      ? [
          `pgbench one-row INSERT, -c ${base.clients} -j ${base.threads} -T ${base.seconds}`,
          rate(base.tps, 'tps'),
          `${base.seconds * 1000}`,
        ]
      : ['pgbench', 'skipped', ''],
    [
      'drain steps/s ÷ pgbench tps',
      r.steps_per_pgbench_tps === null ? '–' : r.steps_per_pgbench_tps.toFixed(3),
      '',
    ],
  ];
  const chainRows = r.chain.runs.map((c, i) => [
    `run ${i + 1}`,
    formatMs(c.gap_p50_ms),
    formatMs(c.gap_p99_ms),
    formatMs(c.gap_max_ms),
    formatMs(c.gap_min_ms),
    formatMs(c.first_start_ms),
    formatMs(c.total_ms),
    formatMs(c.total_ms / r.chain.nodes),
  ]);
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(0)}%`);
  const ms = (x: number | null) => (x === null ? '–' : formatMs(x));
  // A batch's transactions and round trips are small fractions of a run: keep their digits.
  const perRun = (x: number, digits: number) => x.toFixed(x > 0 && x < 0.1 ? 4 : digits);
  const costRow = (name: string, c: PhaseCost) => [
    name,
    perRun(c.per_run.transactions, 2),
    perRun(c.per_run.round_trips, 1),
    ms(c.node_cpu_ms_per_run),
    ms(c.postgres_cpu_ms_per_run),
    pct(c.node_cpu_share_of_wall),
    pct(c.postgres_cpu_share_of_wall),
    pct(c.other_cpu_share_of_wall),
  ];
  const statements = (cost: PhaseCost, digits = 2) =>
    cost.db.by_statement
      .slice(0, 14)
      .map((s) => [s.sql, (s.count / d.runs).toFixed(digits), formatMs(s.total_ms / s.count)]);
  const busy = [e.cost, d.start_cost, d.batch_start_cost, d.drain_cost, r.chain.cost].some(
    (c) => (c.other_cpu_share_of_wall ?? 0) > 0.25,
  );
  return [
    table(['single-node runs', 'rate', 'wall ms'], rows),
    '',
    `step gap along a ${r.chain.nodes}-job chain (node:completed of j(k) → node:started of j(k+1)), ms:`,
    table(
      ['chain', 'p50', 'p99', 'max', 'min', 'first start', 'whole chain', 'per node'],
      chainRows,
    ),
    '',
    'cost per run (per node for the chain); CPU shares are of one core, over the phase:',
    table(
      ['phase', 'tx', 'round trips', 'Node CPU ms', 'PG CPU ms', 'Node', 'PG', 'other procs'],
      [
        costRow('end to end', e.cost),
        costRow('start() calls, no worker', d.start_cost),
        costRow('startMany, no worker', d.batch_start_cost),
        costRow('drain', d.drain_cost),
        costRow('chain (per node)', r.chain.cost),
      ],
    ),
    ...(busy
      ? [
          `WARNING: other processes used more than a quarter of a core during some phase (load average before: ${r.settings.load_average_before.map((x) => x.toFixed(2)).join(' ')} on ${r.settings.cores} cores): these figures are lower than a quiet machine's.`,
        ]
      : []),
    '',
    `round trips per run while starting with start() calls (no worker, ${START_IN_FLIGHT} in flight), by statement (avg ms includes waiting for a pooled connection outside transactions):`,
    table(['statement', 'per run', 'avg ms'], statements(d.start_cost)),
    '',
    `round trips per run while starting with one startMany call (no worker), by statement; avg ms is per statement, which covers up to ${START_BATCH_MAX} runs:`,
    table(['statement', 'per run', 'avg ms'], statements(d.batch_start_cost, 3)),
    '',
    'round trips per run while draining, by statement:',
    table(['statement', 'per run', 'avg ms'], statements(d.drain_cost)),
    '',
    `client count: ${r.settings.client_count_note}.`,
    `worker: concurrency ${CONCURRENCY}, pollMs ${POLL_MS}; PostgreSQL ${r.settings.postgres}, at ${r.settings.database}.`,
    ...('tps' in base ? [] : [`pgbench skipped: ${base.skipped}`]),
  ].join('\n');
}

export const runtimeBench: Bench<RuntimeBenchResults> = {
  name: 'runtime',
  description: `runs/s and step latency of one worker on PostgreSQL at ${describe(ADMIN_URL)} (BENCH_DATABASE_URL), with a pgbench baseline`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    return { results, table: render(results) };
  },
};
