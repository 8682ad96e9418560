/**
 * Durable timers on real PostgreSQL with the real system clock, one worker in this process
 * (`BENCH_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test; the bench creates,
 * migrates and drops its own `ff_bench_<random>` database):
 *
 * 1. lateness: 1,000 runs of a one-job pipeline `nap: { sleep: 1s }`, started 50 at a time
 *    while one worker runs (concurrency 32, pollMs 1000: the default fallback poll; NOTIFY is
 *    the fast path). Per run, lateness = the wall clock (Date.now()) when `timer:fired` is
 *    emitted minus the timer's `fireAt` (`timer:started`, also Date.now()-based). The event is
 *    published after the firing transaction commits, so lateness includes that transaction.
 *    The history's TimerFired `at` (the claim's clock reading, taken before it asks the pool
 *    for a connection) splits it into waiting to be claimed and the firing transaction.
 * 2. idle cost: 10,000 runs each sleeping 7d (nothing fires), then 100, with one worker
 *    running; once all are started and the worker has settled, a fixed window
 *    (BENCH_IDLE_SECONDS, default 30 s: the sweeper runs every 15 s, half the lease, and a
 *    shorter window may miss it) measures this process' CPU, the statements and transactions
 *    the runtime issued (the counting Db wrapper), the CPU of the server's backends (Linux,
 *    local server) and the scans of forgeflow.tasks the server counted (pg_stat_user_tables).
 *    Then each distinct statement the worker issued in the window is EXPLAINed (ANALYZE,
 *    BUFFERS, in a rolled-back transaction) on the worker's own pooled connection, through its
 *    own prepared statement with the parameters it last used, so the plan is the one the
 *    worker's plan cache picks (custom or generic), after ANALYZE of forgeflow.tasks as
 *    autovacuum would do on a real server.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Graph } from '../src/compiler/index.js';
import type { PgDb } from '../src/db/pg.js';
import type { Event } from '../src/events/event.js';
import { manualEvent } from '../src/forges/normalize.js';
import type { Handler, HandlerLogger } from '../src/handlers/types.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { WorkerOptions } from '../src/runtime/worker.js';
import type { Bench } from './bench.js';
import { formatMs, percentile, table } from './stats.js';
import {
  ADMIN_URL,
  benchLogger,
  checkLogger,
  compileOrThrow,
  describe,
  emptyTables,
  explainPlans,
  literal,
  scansOf,
  seqScanOn,
  startMany,
  UsageMeter,
  withBenchDatabase,
  withPreparedStatements,
  type CountingDb,
  type DbCost,
  type PlanNode,
  type Prepared,
  type StatementSample,
} from './support.js';

/** Runs of the lateness phase (BENCH_TIMER_RUNS overrides it). */
const LATENESS_RUNS = Number(process.env.BENCH_TIMER_RUNS) || 1_000;
/**
 * Then the same one at a time, one start every PACED_EVERY_MS: timers due at a rate one worker
 * fires easily, so lateness is the wake-up and the firing transaction only, without a backlog.
 */
const PACED_RUNS = 200;
const PACED_EVERY_MS = 20;
const SLEEP = '1s';
const SLEEP_MS = 1_000;
/** Pending timers of the two idle phases. */
const IDLE_COUNTS = [10_000, 100];
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS) || 30;
/**
 * After the starts, before the window: longer than pg-pool's idle timeout (10 s), so the
 * connections the starts opened have closed and the window sees the steady state.
 */
const SETTLE_MS = 11_000;
const START_IN_FLIGHT = 50;
const CONCURRENCY = 32;
const POLL_MS = 1_000;
const POOL_MAX = 10;
/** A safety net per phase, not a measurement. */
const PHASE_TIMEOUT_MS = 120_000;

// ─── what it reports ────────────────────────────────────────────────────────────────────────

export interface Distribution {
  min_ms: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export interface LatenessResult {
  /** How the runs were started. */
  started: string;
  runs: number;
  sleep_ms: number;
  /** Starting all the runs, the worker running meanwhile. */
  start_phase_ms: number;
  starts_per_s: number;
  /** Timers fired per second, from the first `timer:fired` to the last. */
  fired_per_s: number;
  /** From the first start until the last `run:finished`. */
  total_ms: number;
  /** `timer:fired` (wall clock, after the firing transaction committed) − fireAt. */
  lateness: Distribution;
  /** The claim that fired the timer read the clock (TimerFired's `at`) − fireAt. */
  claim_lateness: Distribution;
  /** `timer:fired` − that clock reading: pool wait, the claim transaction, its commit. */
  firing_tx: Distribution;
  /** `run:finished` − fireAt. */
  finish_lateness: Distribution;
  /** Claim statements the worker ran during the phase (each fires up to CONCURRENCY timers). */
  claims: number;
  /** Timers per claim that fired any (claims told apart by their clock reading), on average. */
  timers_per_claim: number;
  per_run: { transactions: number; round_trips: number };
  node_cpu_ms_per_run: number;
  postgres_cpu_ms_per_run: number | null;
}

export interface ScanCounts {
  seq_scan: number;
  seq_tup_read: number;
  idx_scan: number;
  idx_tup_fetch: number;
  /** Index scans per index of forgeflow.tasks. */
  by_index: Record<string, number>;
}

export interface ExplainResult {
  /** The statement as the counting wrapper lists it. */
  sql: string;
  /** The parameters the worker last sent, as the SQL literals EXPLAIN EXECUTE was given. */
  params: string[];
  /** Which plan the worker's plan cache used here; `unnamed` when no pooled connection had it prepared. */
  plan_kind: 'generic' | 'custom' | 'unnamed';
  /** Executions of this prepared statement on that connection before, by kind of plan. */
  executions_before: { generic: number; custom: number } | null;
  seq_scan_on_tasks: boolean;
  /** Every scan node of the plan, e.g. "Index Only Scan using tasks_ready on forgeflow.tasks". */
  scans: string[];
  /** Shared buffers the execution touched (hit + read). */
  shared_buffers: number;
  actual_rows: number;
  execution_ms: number;
  /** The same statement under plan_cache_mode force_generic_plan / force_custom_plan. */
  forced: { generic_seq_scan_on_tasks: boolean; custom_seq_scan_on_tasks: boolean } | null;
  error: string | null;
  plan: unknown;
}

export interface IdleResult {
  pending_timers: number;
  start_ms: number;
  window_ms: number;
  node_cpu_ms_per_s: number;
  /** This process' CPU second by second through the window: a GC or a reconnect shows here. */
  node_cpu_ms_each_s: { median_ms: number; max_ms: number };
  /** Garbage collection pauses in the window (PerformanceObserver 'gc'), per second. */
  gc_ms_per_s: number;
  postgres_cpu_ms_per_s: number | null;
  other_cpu_share_of_wall: number | null;
  transactions_per_s: number;
  round_trips_per_s: number;
  /** Round trips other than BEGIN and COMMIT. */
  statements_per_s: number;
  /** `worker:idle` events: the worker going to sleep, once per wake-up. */
  worker_sleeps_per_s: number;
  /** Timers that fired in the window: must be 0. */
  timers_fired: number;
  db: DbCost;
  /** forgeflow.tasks over the window, as the server counted (statistics flush about once a second). */
  tasks_scans: ScanCounts;
  tasks_table: { rows: number; heap_pages: number; index_pages: Record<string, number> };
  explain: ExplainResult[];
}

export interface TimersResults {
  settings: {
    database: string;
    postgres: string;
    worker_concurrency: number;
    poll_ms: number;
    pool_max: number;
    start_in_flight: number;
    idle_window_s: number;
    settle_ms: number;
  };
  lateness: LatenessResult;
  lateness_paced: LatenessResult;
  idle: IdleResult[];
  verdict: {
    /** Some plan of a statement the idle worker issued has a Seq Scan on forgeflow.tasks. */
    seq_scan_on_tasks: boolean;
    /**
     * Node CPU per second with the most pending timers ÷ with the fewest, by the median second
     * (the mean moves with V8's background threads: a compile or a concurrent GC in one second).
     */
    node_cpu_ratio: number;
    statements_per_s_ratio: number;
    summary: string;
  };
}

export type TimersBenchResults = TimersResults | { skipped: string };

// ─── the pipelines ──────────────────────────────────────────────────────────────────────────

function sleepPipeline(duration: string): string {
  return `version: 1\nname: bench-sleep\non: [manual]\njobs:\n  nap:\n    sleep: ${duration}\n`;
}

const handlers = new Map<string, Handler>();

function workerOptions(logger: HandlerLogger): WorkerOptions {
  return {
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    handlers,
    handlerSettings: { execAllow: null, secrets: {} },
    logger,
  };
}

function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min_ms: sorted[0]!,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted[sorted.length - 1]!,
    mean_ms: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

const CLAIM_KEY = 'WITH picked AS (';

// ─── 1. lateness ────────────────────────────────────────────────────────────────────────────

/** Starts `count` runs one at a time, one every `everyMs` (as far as the starts keep up). */
async function startPaced(
  runtime: Runtime,
  graph: Graph,
  event: Event,
  count: number,
  everyMs: number,
): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * everyMs - performance.now();
    if (wait > 0) await sleep(wait);
    await runtime.start(graph, event);
  }
}

async function lateness(
  db: CountingDb,
  inner: PgDb,
  runs: number,
  started: string,
  start: (runtime: Runtime) => Promise<void>,
): Promise<LatenessResult> {
  await emptyTables(db);
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  const fireAt = new Map<string, number>();
  const fired = new Map<string, number>();
  const finished = new Map<string, number>();
  let failed: string | undefined;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const offs = [
    runtime.events.on('timer:started', (e) => fireAt.set(e.runId, e.fireAt)),
    runtime.events.on('timer:fired', (e) => fired.set(e.runId, Date.now())),
    runtime.events.on('run:finished', (e) => {
      finished.set(e.runId, Date.now());
      if (e.status !== 'succeeded') failed ??= `run ${e.runId} ended ${e.status}`;
      if (finished.size === runs) resolveAll();
    }),
  ];
  const worker = runtime.createWorker(workerOptions(logger));
  await worker.start();
  try {
    const meter = new UsageMeter(db);
    const t0 = Date.now();
    await start(runtime);
    const startedAt = Date.now();
    const timeout = sleep(PHASE_TIMEOUT_MS, 'timeout', { ref: false });
    if ((await Promise.race([all, timeout])) === 'timeout')
      throw new Error(
        `lateness: only ${finished.size} of ${runs} runs finished in ${PHASE_TIMEOUT_MS} ms`,
      );
    const end = Math.max(...finished.values());
    const usage = meter.done();
    if (failed) throw new Error(`lateness: ${failed}`);
    checkLogger(logger, 'timers', `lateness, ${started}`);

    // When each firing claim read its clock: TimerFired's `at` (milliseconds, from Date.now()).
    const { rows } = await inner.query<{ run_id: string; at: Date }>(
      `SELECT run_id, at FROM forgeflow.history WHERE type = 'TimerFired'`,
    );
    const claimedAt = new Map(rows.map((r) => [r.run_id, r.at.getTime()]));
    const late: number[] = [];
    const claimLate: number[] = [];
    const tx: number[] = [];
    const finishLate: number[] = [];
    for (const [runId, due] of fireAt) {
      const at = fired.get(runId);
      const claim = claimedAt.get(runId);
      const done = finished.get(runId);
      if (at === undefined || claim === undefined || done === undefined)
        throw new Error(`lateness: run ${runId} has no timer:fired, TimerFired or run:finished`);
      late.push(at - due);
      claimLate.push(claim - due);
      tx.push(at - claim);
      finishLate.push(done - due);
    }
    if (late.length !== runs)
      throw new Error(`lateness: ${late.length} timer:started events for ${runs} runs`);
    const firedTimes = [...fired.values()];
    const firedSpan = Math.max(...firedTimes) - Math.min(...firedTimes);
    const claims = usage.db.by_statement.find((s) => s.sql.startsWith(CLAIM_KEY))?.count ?? 0;
    return {
      started,
      runs,
      sleep_ms: SLEEP_MS,
      start_phase_ms: startedAt - t0,
      starts_per_s: (runs * 1000) / (startedAt - t0),
      fired_per_s: firedSpan > 0 ? (runs * 1000) / firedSpan : runs,
      total_ms: end - t0,
      lateness: distribution(late),
      claim_lateness: distribution(claimLate),
      firing_tx: distribution(tx),
      finish_lateness: distribution(finishLate),
      claims,
      timers_per_claim: runs / new Set(claimedAt.values()).size,
      per_run: {
        transactions: usage.db.transactions / runs,
        round_trips: usage.db.round_trips / runs,
      },
      node_cpu_ms_per_run: usage.node_cpu_ms / runs,
      postgres_cpu_ms_per_run: usage.postgres_cpu_ms === null ? null : usage.postgres_cpu_ms / runs,
    };
  } finally {
    for (const off of offs) off();
    await runtime.stopWorkers();
  }
}

// ─── 2. idle cost ───────────────────────────────────────────────────────────────────────────

async function idle(
  db: CountingDb,
  inner: PgDb,
  graph: Graph,
  event: Event,
  count: number,
): Promise<IdleResult> {
  await emptyTables(db);
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  let sleeps = 0;
  let timersFired = 0;
  const offs = [
    runtime.events.on('worker:idle', () => sleeps++),
    runtime.events.on('timer:fired', () => timersFired++),
  ];
  const worker = runtime.createWorker(workerOptions(logger));
  await worker.start();
  let stopped = false;
  try {
    const t0 = performance.now();
    await startMany(runtime, graph, event, count, START_IN_FLIGHT);
    const startMs = performance.now() - t0;
    // As autovacuum would on a real server after 10,000 inserts (this one may run with
    // autovacuum off: it says so); after 100 too, so both plans rest on fresh statistics.
    // CHECKPOINT writes back what the starts dirtied, so the window does not pay for them.
    await inner.exec('VACUUM ANALYZE forgeflow.tasks');
    await inner.exec('CHECKPOINT');
    await sleep(SETTLE_MS);
    if (worker.busy > 0) throw new Error(`idle: the worker still runs ${worker.busy} attempts`);

    const scansBefore = await tasksScans(inner);
    const sleepsBefore = sleeps;
    const firedBefore = timersFired;
    let gcMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    gc.observe({ entryTypes: ['gc'] });
    const eachSecond: number[] = [];
    let last = process.cpuUsage();
    const sampler = setInterval(() => {
      const now = process.cpuUsage();
      eachSecond.push((now.user - last.user + now.system - last.system) / 1000);
      last = now;
    }, 1000);
    const meter = new UsageMeter(db);
    await sleep(IDLE_SECONDS * 1000);
    const usage = meter.done();
    clearInterval(sampler);
    gc.disconnect();
    const perSecondSorted = eachSecond.sort((a, b) => a - b);
    const samples = db.statementSamples();
    const windowSleeps = sleeps - sleepsBefore;
    const windowFired = timersFired - firedBefore;
    const scans = diffScans(await tasksScans(inner), scansBefore);
    checkLogger(logger, 'timers', `idle, ${count} timers`);

    // Stopped, so nothing else runs on the worker's connections while they are examined.
    await runtime.stopWorkers();
    stopped = true;
    const explain = await explainAll(inner, samples);
    const s = usage.wall_ms / 1000;
    const beginCommit = usage.db.by_statement
      .filter((x) => x.sql === 'COMMIT' || x.sql.startsWith('BEGIN'))
      .reduce((sum, x) => sum + x.count, 0);
    return {
      pending_timers: count,
      start_ms: startMs,
      window_ms: usage.wall_ms,
      node_cpu_ms_per_s: usage.node_cpu_ms / s,
      node_cpu_ms_each_s: {
        median_ms: perSecondSorted.length > 0 ? percentile(perSecondSorted, 50) : NaN,
        max_ms: perSecondSorted[perSecondSorted.length - 1] ?? NaN,
      },
      gc_ms_per_s: gcMs / s,
      postgres_cpu_ms_per_s: usage.postgres_cpu_ms === null ? null : usage.postgres_cpu_ms / s,
      other_cpu_share_of_wall:
        usage.other_cpu_ms === null ? null : usage.other_cpu_ms / usage.wall_ms,
      transactions_per_s: usage.db.transactions / s,
      round_trips_per_s: usage.db.round_trips / s,
      statements_per_s: (usage.db.round_trips - beginCommit) / s,
      worker_sleeps_per_s: windowSleeps / s,
      timers_fired: windowFired,
      db: usage.db,
      tasks_scans: scans,
      tasks_table: await tasksTable(inner),
      explain,
    };
  } finally {
    for (const off of offs) off();
    if (!stopped) await runtime.stopWorkers();
  }
}

async function tasksScans(inner: PgDb): Promise<ScanCounts> {
  const { rows } = await inner.query<Omit<ScanCounts, 'by_index'>>(
    `SELECT seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,
            coalesce(idx_tup_fetch, 0) AS idx_tup_fetch
     FROM pg_stat_user_tables WHERE relid = 'forgeflow.tasks'::regclass`,
  );
  const { rows: indexes } = await inner.query<{ name: string; idx_scan: number }>(
    `SELECT indexrelname AS name, idx_scan FROM pg_stat_user_indexes
     WHERE relid = 'forgeflow.tasks'::regclass ORDER BY indexrelname`,
  );
  return { ...rows[0]!, by_index: Object.fromEntries(indexes.map((i) => [i.name, i.idx_scan])) };
}

function diffScans(after: ScanCounts, before: ScanCounts): ScanCounts {
  return {
    seq_scan: after.seq_scan - before.seq_scan,
    seq_tup_read: after.seq_tup_read - before.seq_tup_read,
    idx_scan: after.idx_scan - before.idx_scan,
    idx_tup_fetch: after.idx_tup_fetch - before.idx_tup_fetch,
    by_index: Object.fromEntries(
      Object.entries(after.by_index).map(([k, v]) => [k, v - (before.by_index[k] ?? 0)]),
    ),
  };
}

async function tasksTable(inner: PgDb): Promise<IdleResult['tasks_table']> {
  const { rows } = await inner.query<{ rows: number; pages: number }>(
    `SELECT (SELECT count(*) FROM forgeflow.tasks) AS rows,
            pg_relation_size('forgeflow.tasks') / current_setting('block_size')::int AS pages`,
  );
  const { rows: indexes } = await inner.query<{ name: string; pages: number }>(
    `SELECT c.relname AS name, pg_relation_size(c.oid) / current_setting('block_size')::int AS pages
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'forgeflow.tasks'::regclass ORDER BY c.relname`,
  );
  return {
    rows: rows[0]!.rows,
    heap_pages: rows[0]!.pages,
    index_pages: Object.fromEntries(indexes.map((i) => [i.name, i.pages])),
  };
}

// ─── EXPLAIN ────────────────────────────────────────────────────────────────────────────────

/**
 * EXPLAINs each statement on the pooled connection that ran it most, through the prepared
 * statement the runtime's pg backend made there (pg.ts names every statement), so the plan
 * cache decides as it did for the worker: custom or generic plan.
 */
async function explainAll(inner: PgDb, samples: StatementSample[]): Promise<ExplainResult[]> {
  return withPreparedStatements(inner, samples, async (found) => {
    const results: ExplainResult[] = [];
    for (const [i, sample] of samples.entries())
      results.push(await explainOne(found[i]!.client, sample, found[i]!.statement));
    return results;
  });
}

async function explainOne(
  client: pg.PoolClient,
  sample: StatementSample,
  statement: Prepared | undefined,
): Promise<ExplainResult> {
  const params = sample.params.map(literal);
  const base: ExplainResult = {
    sql: sample.key,
    params,
    plan_kind: statement ? 'custom' : 'unnamed',
    executions_before: statement
      ? { generic: statement.generic_plans, custom: statement.custom_plans }
      : null,
    seq_scan_on_tasks: false,
    scans: [],
    shared_buffers: 0,
    actual_rows: 0,
    execution_ms: 0,
    forced: null,
    error: null,
    plan: null,
  };
  try {
    const { plan: explained, plan_kind, forced } = await explainPlans(client, sample, statement);
    base.plan_kind = plan_kind;
    if (forced)
      base.forced = {
        generic_seq_scan_on_tasks: seqScanOnTasks(forced.generic.Plan),
        custom_seq_scan_on_tasks: seqScanOnTasks(forced.custom.Plan),
      };
    const plan = explained.Plan;
    return {
      ...base,
      seq_scan_on_tasks: seqScanOnTasks(plan),
      scans: scansOf(plan),
      shared_buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
      actual_rows: plan['Actual Rows'] ?? 0,
      execution_ms: explained['Execution Time'] ?? 0,
      plan: explained,
    };
  } catch (error) {
    return { ...base, error: (error as Error).message };
  }
}

function seqScanOnTasks(plan: PlanNode): boolean {
  return seqScanOn(plan, 'tasks');
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────────

function measure(): Promise<TimersBenchResults> {
  return withBenchDatabase({ poolMax: POOL_MAX }, async ({ db, inner, postgres }) => {
    const event = manualEvent({ repo: 'bench/forgeflow', sha: 'b'.repeat(40) });
    const short = compileOrThrow(sleepPipeline(SLEEP), event, []);
    const long = compileOrThrow(sleepPipeline('7d'), event, []);

    progress(`lateness: ${LATENESS_RUNS} runs sleeping ${SLEEP}, worker running`);
    const late = await lateness(
      db,
      inner,
      LATENESS_RUNS,
      `${START_IN_FLIGHT} starts in flight`,
      (runtime) => startMany(runtime, short, event, LATENESS_RUNS, START_IN_FLIGHT),
    );
    progress(
      `lateness: ${PACED_RUNS} runs sleeping ${SLEEP}, one start every ${PACED_EVERY_MS} ms`,
    );
    const paced = await lateness(
      db,
      inner,
      PACED_RUNS,
      `one start every ${PACED_EVERY_MS} ms`,
      (runtime) => startPaced(runtime, short, event, PACED_RUNS, PACED_EVERY_MS),
    );
    const idleResults: IdleResult[] = [];
    for (const count of IDLE_COUNTS) {
      progress(
        `idle: ${count} runs sleeping 7d, then ${SETTLE_MS / 1000} s to settle and a ${IDLE_SECONDS} s window`,
      );
      idleResults.push(await idle(db, inner, long, event, count));
    }
    return {
      settings: {
        database: describe(ADMIN_URL),
        postgres,
        worker_concurrency: CONCURRENCY,
        poll_ms: POLL_MS,
        pool_max: POOL_MAX,
        start_in_flight: START_IN_FLIGHT,
        idle_window_s: IDLE_SECONDS,
        settle_ms: SETTLE_MS,
      },
      lateness: late,
      lateness_paced: paced,
      idle: idleResults,
      verdict: verdict(idleResults),
    };
  });
}

function verdict(idle: IdleResult[]): TimersResults['verdict'] {
  const most = idle.reduce((a, b) => (b.pending_timers > a.pending_timers ? b : a));
  const fewest = idle.reduce((a, b) => (b.pending_timers < a.pending_timers ? b : a));
  const seq = idle.some((r) => r.explain.some((e) => e.seq_scan_on_tasks));
  const seqAtMost = most.explain.filter((e) => e.seq_scan_on_tasks).map((e) => e.sql);
  const errors = idle.flatMap((r) => r.explain.filter((e) => e.error !== null));
  const nodeRatio = most.node_cpu_ms_each_s.median_ms / fewest.node_cpu_ms_each_s.median_ms;
  const stmtRatio = most.statements_per_s / fewest.statements_per_s;
  const scansText = (r: IdleResult) =>
    `${r.tasks_scans.seq_scan} seq scans (${r.tasks_scans.seq_tup_read} rows read) and ${r.tasks_scans.idx_scan} index scans of forgeflow.tasks`;
  const forcedAtMost = most.explain
    .filter((e) => !e.seq_scan_on_tasks && e.forced?.generic_seq_scan_on_tasks)
    .map((e) => `${e.sql.slice(0, 40)}…`);
  const seqAtFewest = fewest.explain.filter((e) => e.seq_scan_on_tasks).map((e) => e.sql);
  const summary = [
    seqAtMost.length === 0
      ? `With ${most.pending_timers} pending timers no plan of the ${most.explain.length} statements the idle worker issued has a Seq Scan on forgeflow.tasks`
      : `With ${most.pending_timers} pending timers, Seq Scan on forgeflow.tasks in: ${seqAtMost.join(' | ')}`,
    `; the server counted ${scansText(most)} in the ${(most.window_ms / 1000).toFixed(0)} s window.`,
    forcedAtMost.length > 0
      ? ` A generic plan would scan it (${forcedAtMost.join(', ')}), but the plan cache keeps a custom plan there.`
      : '',
    seqAtFewest.length > 0
      ? ` With ${fewest.pending_timers} timers (${fewest.tasks_table.heap_pages} heap pages) the planner picks a Seq Scan of forgeflow.tasks in ${seqAtFewest.map((x) => `${x.slice(0, 40)}…`).join(', ')}, cheaper than an index on a table that small (server count: ${scansText(fewest)}).`
      : '',
    ` Idle cost, ${most.pending_timers} vs ${fewest.pending_timers} timers: ${most.statements_per_s.toFixed(2)} vs ${fewest.statements_per_s.toFixed(2)} statements/s, Node CPU ${most.node_cpu_ms_each_s.median_ms.toFixed(2)} vs ${fewest.node_cpu_ms_each_s.median_ms.toFixed(2)} ms/s (median second; mean ${most.node_cpu_ms_per_s.toFixed(2)} vs ${fewest.node_cpu_ms_per_s.toFixed(2)})`,
    most.postgres_cpu_ms_per_s !== null && fewest.postgres_cpu_ms_per_s !== null
      ? `, Postgres CPU ${most.postgres_cpu_ms_per_s.toFixed(2)} vs ${fewest.postgres_cpu_ms_per_s.toFixed(2)} ms/s.`
      : '.',
    errors.length > 0 ? ` ${errors.length} EXPLAINs failed (see explain[].error).` : '',
  ].join('');
  return {
    seq_scan_on_tasks: seq,
    node_cpu_ratio: nodeRatio,
    statements_per_s_ratio: stmtRatio,
    summary,
  };
}

function progress(message: string): void {
  process.stderr.write(`  timers: ${message}…\n`);
}

function render(r: TimersResults): string {
  const distRow = (name: string, d: Distribution) => [
    name,
    formatMs(d.p50_ms),
    formatMs(d.p90_ms),
    formatMs(d.p99_ms),
    formatMs(d.max_ms),
    formatMs(d.min_ms),
    formatMs(d.mean_ms),
  ];
  const latenessBlock = (l: LatenessResult) => [
    `timer lateness: ${l.runs} runs of \`sleep: ${l.sleep_ms / 1000}s\`, ${l.started}, one worker (concurrency ${r.settings.worker_concurrency}, pollMs ${r.settings.poll_ms}), ms:`,
    table(
      ['', 'p50', 'p90', 'p99', 'max', 'min', 'mean'],
      [
        distRow('timer:fired − fireAt (lateness)', l.lateness),
        distRow('  claim read the clock − fireAt', l.claim_lateness),
        distRow('  firing transaction, to after commit', l.firing_tx),
        distRow('run:finished − fireAt', l.finish_lateness),
      ],
    ),
    `starting the ${l.runs}: ${formatMs(l.start_phase_ms)} ms (${l.starts_per_s.toFixed(0)} starts/s); timers fired at ${l.fired_per_s.toFixed(0)}/s, ${l.timers_per_claim.toFixed(1)} per claim (${l.claims} claim statements); first start → last run:finished: ${formatMs(l.total_ms)} ms.`,
    `per run ${l.per_run.transactions.toFixed(2)} tx, ${l.per_run.round_trips.toFixed(1)} round trips, Node CPU ${formatMs(l.node_cpu_ms_per_run)} ms, PG CPU ${l.postgres_cpu_ms_per_run === null ? '–' : formatMs(l.postgres_cpu_ms_per_run)} ms.`,
  ];
  const num = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
  const idleRow = (name: string, f: (i: IdleResult) => string) => [name, ...r.idle.map(f)];
  const explainRows = r.idle.flatMap((i) =>
    i.explain.map((e) => [
      String(i.pending_timers),
      e.sql.length > 60 ? `${e.sql.slice(0, 57)}...` : e.sql,
      e.error === null ? e.plan_kind : 'error',
      e.error === null ? (e.seq_scan_on_tasks ? 'SEQ SCAN' : 'no') : e.error.slice(0, 40),
      e.forced === null
        ? '–'
        : `${e.forced.generic_seq_scan_on_tasks ? 'seq' : 'no'}/${e.forced.custom_seq_scan_on_tasks ? 'seq' : 'no'}`,
      String(e.shared_buffers),
      formatMs(e.execution_ms),
    ]),
  );
  const scanLines = r.idle.flatMap((i) =>
    i.explain.map(
      (e) =>
        `  ${i.pending_timers}: ${e.sql.slice(0, 40)}… → ${e.scans.join('; ') || '(no table scan)'}`,
    ),
  );
  const statementRows = r.idle.flatMap((i) =>
    i.db.by_statement.map((s) => [
      String(i.pending_timers),
      s.sql.length > 70 ? `${s.sql.slice(0, 67)}...` : s.sql,
      ((s.count * 1000) / i.window_ms).toFixed(3),
      formatMs(s.total_ms / s.count),
    ]),
  );
  const busy = r.idle.some((i) => (i.other_cpu_share_of_wall ?? 0) > 0.25);
  return [
    ...latenessBlock(r.lateness),
    '',
    ...latenessBlock(r.lateness_paced),
    '',
    `idle cost of pending timers (window ${r.settings.idle_window_s} s after ${r.settings.settle_ms / 1000} s to settle):`,
    table(
      ['pending timers', ...r.idle.map((i) => String(i.pending_timers))],
      [
        idleRow('starting them, ms', (i) => formatMs(i.start_ms)),
        idleRow('Node CPU, ms/s', (i) => num(i.node_cpu_ms_per_s)),
        idleRow(
          '  second by second: median / max',
          (i) => `${num(i.node_cpu_ms_each_s.median_ms)} / ${num(i.node_cpu_ms_each_s.max_ms)}`,
        ),
        idleRow('  of which GC pauses, ms/s', (i) => num(i.gc_ms_per_s)),
        idleRow('Postgres CPU, ms/s', (i) => num(i.postgres_cpu_ms_per_s)),
        idleRow('transactions/s', (i) => num(i.transactions_per_s)),
        idleRow('round trips/s', (i) => num(i.round_trips_per_s)),
        idleRow('statements/s (no BEGIN/COMMIT)', (i) => num(i.statements_per_s)),
        idleRow('worker sleeps/s', (i) => num(i.worker_sleeps_per_s)),
        idleRow('timers fired', (i) => String(i.timers_fired)),
        idleRow('tasks: seq scans (server count)', (i) => String(i.tasks_scans.seq_scan)),
        idleRow('tasks: rows read by seq scans', (i) => String(i.tasks_scans.seq_tup_read)),
        idleRow('tasks: index scans', (i) => String(i.tasks_scans.idx_scan)),
        idleRow(
          'tasks: rows / heap pages',
          (i) => `${i.tasks_table.rows} / ${i.tasks_table.heap_pages}`,
        ),
        idleRow('other processes, share of a core', (i) =>
          i.other_cpu_share_of_wall === null
            ? '–'
            : `${(i.other_cpu_share_of_wall * 100).toFixed(0)}%`,
        ),
      ],
    ),
    ...(busy
      ? ['WARNING: other processes used more than a quarter of a core during a window.']
      : []),
    '',
    'statements in the window:',
    table(['timers', 'statement', 'per s', 'avg ms'], statementRows),
    '',
    "EXPLAIN (ANALYZE, BUFFERS) of each, on the worker's connection, through its prepared statement:",
    table(
      [
        'timers',
        'statement',
        'plan',
        'Seq Scan on tasks',
        'forced generic/custom',
        'buffers',
        'exec ms',
      ],
      explainRows,
    ),
    ...scanLines,
    '',
    r.verdict.summary,
    `PostgreSQL ${r.settings.postgres}, at ${r.settings.database}.`,
  ].join('\n');
}

export const timersBench: Bench<TimersBenchResults> = {
  name: 'timers',
  description: `durable timer lateness and the idle cost of pending timers, one worker on PostgreSQL at ${describe(ADMIN_URL)} (BENCH_DATABASE_URL)`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    return { results, table: render(results) };
  },
};
