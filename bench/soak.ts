/**
 * Soak (issue 15: "worker RSS flat, within 10%, from the 1,000th to the 100,000th run"): one
 * forgeflow worker in a process of its own (this file, forked with --expose-gc) drains 100,000
 * single-node runs (BENCH_SOAK_RUNS overrides it) that the main process starts in chunks, never
 * more than MAX_UNFINISHED unfinished at once. The worker process counts `run:finished` and, at
 * the 1,000th run and every 10,000th, collects garbage and sends process.memoryUsage(); it also
 * sends its counts every PROGRESS_MS, which is how the main process paces its starts.
 *
 * Both sides live in this one file: the bench's files are few (bench/run.ts imports it; when it
 * is the entry module it is the worker process).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openPg, type PgDb } from '../src/db/pg.js';
import { manualEvent } from '../src/forges/normalize.js';
import type { Handler } from '../src/handlers/types.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { Bench } from './bench.js';
import { NOOP, SINGLE_NODE } from './peers/forgeflow-pipelines.js';
import { configOf, failOnUncaught, wallNow } from './peers/ipc.js';
import { table } from './stats.js';
import {
  ADMIN_URL,
  benchLogger,
  compileOrThrow,
  describe,
  perSecond,
  startMany,
  withBenchDatabase,
} from './support.js';

const RUNS = Number(process.env.BENCH_SOAK_RUNS) || 100_000;
/** The baseline sample: past start-up, caches and pools warm. */
const FIRST_SAMPLE = 1_000;
const SAMPLE_EVERY = 10_000;
/** Runs started, not yet finished, at most (plus one chunk's worth of progress lag). */
const MAX_UNFINISHED = 2_000;
const CHUNK = 500;
/** As bench/runtime.ts and the peers bench. */
const START_IN_FLIGHT = 50;
const CONCURRENCY = 32;
const POLL_MS = 100;
const POOL_MAX = 10;
const PROGRESS_MS = 200;
/** With autovacuum off, the main process stands in for it this often (runs started). */
const VACUUM_EVERY = 10_000;
/** A safety net, not a measurement: no run finished for this long ends the bench. */
const STALL_MS = 300_000;
const TARGET_GROWTH = 0.1;

// ─── the protocol ───────────────────────────────────────────────────────────────────────────

interface SoakWorkerConfig {
  url: string;
  samplePoints: number[];
}

interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

type ToSoakWorker = { type: 'go' } | { type: 'stop' };

type FromSoakWorker =
  | { type: 'ready'; gcExposed: boolean }
  | { type: 'progress'; finished: number; failed: number }
  | { type: 'sample'; runs: number; at: number; memory: Memory }
  | { type: 'stopped'; errors: number; firstError: string | null }
  | { type: 'failed'; message: string };

/** The 1,000th run, then every 10,000th (every tenth of a smaller soak), and the last. */
function samplePoints(runs: number): number[] {
  const first = Math.min(FIRST_SAMPLE, runs);
  const step = Math.min(SAMPLE_EVERY, Math.max(1, Math.floor(runs / 10)));
  const points = new Set([first, runs]);
  for (let k = step; k <= runs; k += step) if (k > first) points.add(k);
  return [...points].sort((a, b) => a - b);
}

// ─── the worker process ─────────────────────────────────────────────────────────────────────

function serveSoakWorker(config: SoakWorkerConfig): void {
  const send = (message: FromSoakWorker) => process.send?.(message);
  const fail = failOnUncaught(send);

  // No counting wrapper: what is measured is the worker's own footprint.
  const db = openPg(config.url, { max: POOL_MAX, applicationName: 'forgeflow-bench-soak' });
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  const noop: Handler = { spec: NOOP, run: () => Promise.resolve(null) };
  const worker = runtime.createWorker({
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    handlers: new Map([[NOOP.name, noop]]),
    handlerSettings: { execAllow: null, secrets: {} },
    logger,
  });

  const marks = new Set(config.samplePoints);
  let finished = 0;
  let failed = 0;
  runtime.events.on('run:finished', (e) => {
    finished++;
    if (e.status !== 'succeeded') failed++;
    if (!marks.has(finished)) return;
    const at = wallNow();
    // Collected first, so heapUsed is what is still reachable, not what awaits collection.
    globalThis.gc?.();
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    send({
      type: 'sample',
      runs: finished,
      at,
      memory: { rss, heapTotal, heapUsed, external, arrayBuffers },
    });
  });
  const progress = setInterval(() => send({ type: 'progress', finished, failed }), PROGRESS_MS);

  process.on('message', (message: ToSoakWorker) => {
    if (message.type === 'go') {
      worker.start().catch(fail);
      return;
    }
    clearInterval(progress);
    (async () => {
      await runtime.stopWorkers();
      await db.close();
      const firstError =
        logger.first === undefined
          ? null
          : JSON.stringify(logger.first, (_, v: unknown) => (v instanceof Error ? v.message : v));
      send({ type: 'stopped', errors: logger.errors, firstError });
      process.disconnect?.();
    })().catch(fail);
  });
  send({ type: 'ready', gcExposed: typeof globalThis.gc === 'function' });
}

// ─── the main process's view of it ──────────────────────────────────────────────────────────

class SoakWorker {
  ready = false;
  finished = 0;
  failed = 0;
  gcExposed = false;
  readonly samples: { runs: number; at: number; memory: Memory }[] = [];
  stopped: { errors: number; firstError: string | null } | undefined;
  private readonly child: ChildProcess;
  private failure: Error | undefined;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(config: SoakWorkerConfig) {
    const file = fileURLToPath(import.meta.url);
    this.child = fork(file, [JSON.stringify(config)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.resume();
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.child.on('message', (m: FromSoakWorker) => this.receive(m));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.once('exit', (code, signal) => {
      if (code !== 0 || !this.stopped)
        this.fail(new Error(`soak worker exited (${signal ?? code}): ${this.stderr.trim()}`));
    });
  }

  private receive(m: FromSoakWorker): void {
    if (m.type === 'failed') return this.fail(new Error(`soak worker failed: ${m.message}`));
    if (m.type === 'ready') [this.ready, this.gcExposed] = [true, m.gcExposed];
    else if (m.type === 'progress') ({ finished: this.finished, failed: this.failed } = m);
    else if (m.type === 'sample') {
      this.samples.push(m);
      this.finished = Math.max(this.finished, m.runs);
    } else this.stopped = m;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  /** Resolves on the worker's next message; rejects once it failed, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`soak worker silent for ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (settle: () => void) => () => (clearTimeout(timer), settle());
      this.waiters.push({
        resolve: done(resolve),
        reject: (e) => done(() => reject(e))(),
      });
    });
  }

  /** Waits until `reached()`, failing when no run finished for STALL_MS. */
  async until(reached: () => boolean): Promise<void> {
    let seen = this.finished;
    let advanced = performance.now();
    while (!reached()) {
      await this.next(STALL_MS);
      if (this.failed > 0) throw new Error(`soak: ${this.failed} runs did not succeed`);
      if (this.finished > seen) [seen, advanced] = [this.finished, performance.now()];
      else if (performance.now() - advanced > STALL_MS)
        throw new Error(`soak: stuck at ${seen} finished runs for ${STALL_MS} ms`);
    }
  }

  send(message: ToSoakWorker): void {
    this.child.send(message);
  }

  async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await this.until(() => this.stopped !== undefined);
    await this.exited;
  }

  /** After a failure: ends the process if it is still there (ours: we forked it). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────────

interface Sample {
  runs: number;
  /** Since the first start. */
  at_ms: number;
  rss_bytes: number;
  heap_used_bytes: number;
  heap_total_bytes: number;
  external_bytes: number;
  array_buffers_bytes: number;
}

interface Growth {
  at_first_bytes: number;
  at_last_bytes: number;
  /** at_last / at_first − 1. */
  growth: number;
}

interface TableSize {
  table: string;
  bytes: number;
  live_rows: number;
  /** pg_stat_user_tables' n_dead_tup: an estimate. */
  dead_rows: number;
}

interface SoakResults {
  settings: {
    database: string;
    postgres: string;
    runs: number;
    sample_points: number[];
    worker_concurrency: number;
    poll_ms: number;
    pool_max: number;
    start_in_flight: number;
    chunk: number;
    max_unfinished: number;
    vacuum: string;
    gc_exposed: boolean;
    cores: number;
    load_average_before: number[];
  };
  samples: Sample[];
  rss: Growth;
  heap_used: Growth;
  target_rss_growth: number;
  total_ms: number;
  runs_per_s: number;
  /** The most runs started and not yet finished (as last reported) when a chunk was started. */
  max_unfinished_seen: number;
  vacuums: { count: number; total_ms: number };
  database: { total_bytes: number; bytes_per_run: number; tables: TableSize[] };
  runs_by_status: Record<string, number>;
  worker_log: { errors: number; first: string | null };
}

function growth(first: number, last: number): Growth {
  return { at_first_bytes: first, at_last_bytes: last, growth: last / first - 1 };
}

/** Each forgeflow table's size with its indexes and TOAST, its rows and its dead rows (statistics). */
async function schemaSize(inner: PgDb): Promise<TableSize[]> {
  const { rows } = await inner.query<Omit<TableSize, 'live_rows'>>(
    `SELECT relname AS "table", pg_total_relation_size(relid)::float8 AS bytes,
            n_dead_tup::float8 AS dead_rows
       FROM pg_stat_user_tables WHERE schemaname = 'forgeflow' ORDER BY 2 DESC, 1`,
  );
  const sizes: TableSize[] = [];
  for (const row of rows) {
    // Counted, not estimated: the statistics lag behind the last few seconds' writes.
    const { rows: counted } = await inner.query<{ n: number }>(
      `SELECT count(*)::float8 AS n FROM forgeflow."${row.table.replaceAll('"', '""')}"`,
    );
    sizes.push({ ...row, live_rows: counted[0]!.n });
  }
  return sizes;
}

function measure(): Promise<SoakResults | { skipped: string }> {
  return withBenchDatabase({ poolMax: POOL_MAX }, async ({ inner, url, postgres }) => {
    const load = loadavg();
    const points = samplePoints(RUNS);
    const { rows } = await inner.query<{ on: boolean }>(
      `SELECT current_setting('autovacuum') = 'on' AS on`,
    );
    const standIn = !rows[0]!.on;
    const event = manualEvent({ repo: 'bench/forgeflow', sha: 'b'.repeat(40) });
    const graph = compileOrThrow(SINGLE_NODE, event, [NOOP]);
    // Not the counting Db: the main process's costs are not what this bench is about.
    const runtime = new Runtime({ db: inner });

    const worker = new SoakWorker({ url, samplePoints: points });
    try {
      // Module loading and connecting stay outside the clock.
      await worker.until(() => worker.ready);
      worker.send({ type: 'go' });
      const t0 = wallNow();
      let started = 0;
      let maxUnfinished = 0;
      const vacuums = { count: 0, total_ms: 0 };
      progress(`${RUNS} runs, at most ${MAX_UNFINISHED} unfinished`);
      while (started < RUNS) {
        await worker.until(() => started - worker.finished <= MAX_UNFINISHED - CHUNK);
        const n = Math.min(CHUNK, RUNS - started);
        await startMany(runtime, graph, event, n, START_IN_FLIGHT);
        started += n;
        maxUnfinished = Math.max(maxUnfinished, started - worker.finished);
        if (standIn && started % VACUUM_EVERY === 0) {
          const v0 = performance.now();
          await inner.exec('VACUUM ANALYZE');
          vacuums.count++;
          vacuums.total_ms += performance.now() - v0;
        }
        if (started % 10_000 === 0) progress(`${started} started, ${worker.finished} finished`);
      }
      await worker.until(() => worker.samples.some((s) => s.runs === RUNS));
      const end = worker.samples.find((s) => s.runs === RUNS)!.at;
      const tables = await schemaSize(inner);
      const { rows: statuses } = await inner.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM forgeflow.runs GROUP BY status ORDER BY status',
      );
      await worker.stop();

      const samples = worker.samples.map((s) => ({
        runs: s.runs,
        at_ms: s.at - t0,
        rss_bytes: s.memory.rss,
        heap_used_bytes: s.memory.heapUsed,
        heap_total_bytes: s.memory.heapTotal,
        external_bytes: s.memory.external,
        array_buffers_bytes: s.memory.arrayBuffers,
      }));
      const first = samples[0]!;
      const last = samples[samples.length - 1]!;
      const total = tables.reduce((sum, t) => sum + t.bytes, 0);
      return {
        settings: {
          database: describe(ADMIN_URL),
          postgres,
          runs: RUNS,
          sample_points: points,
          worker_concurrency: CONCURRENCY,
          poll_ms: POLL_MS,
          pool_max: POOL_MAX,
          start_in_flight: START_IN_FLIGHT,
          chunk: CHUNK,
          max_unfinished: MAX_UNFINISHED,
          vacuum: standIn
            ? `autovacuum is off: VACUUM ANALYZE every ${VACUUM_EVERY} runs started, standing in for it`
            : 'autovacuum on: left to it',
          gc_exposed: worker.gcExposed,
          cores: cpus().length,
          load_average_before: load,
        },
        samples,
        rss: growth(first.rss_bytes, last.rss_bytes),
        heap_used: growth(first.heap_used_bytes, last.heap_used_bytes),
        target_rss_growth: TARGET_GROWTH,
        total_ms: end - t0,
        runs_per_s: perSecond(RUNS, end - t0),
        max_unfinished_seen: maxUnfinished,
        vacuums,
        database: { total_bytes: total, bytes_per_run: total / RUNS, tables },
        runs_by_status: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
        worker_log: {
          errors: worker.stopped?.errors ?? 0,
          first: worker.stopped?.firstError ?? null,
        },
      };
    } finally {
      await worker.kill();
    }
  });
}

function progress(message: string): void {
  process.stderr.write(`  soak: ${message}…\n`);
}

// ─── the table ──────────────────────────────────────────────────────────────────────────────

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const change = (g: Growth) =>
  `${g.growth >= 0 ? 'grew' : 'shrank'} ${Math.abs(g.growth * 100).toFixed(1)}%`;

function render(r: SoakResults): string {
  const rows = r.samples.map((s, i) => {
    const before = r.samples[i - 1];
    const rate = before ? perSecond(s.runs - before.runs, s.at_ms - before.at_ms).toFixed(0) : '';
    return [
      s.runs.toLocaleString('en'),
      (s.at_ms / 1000).toFixed(0),
      rate,
      mib(s.rss_bytes),
      mib(s.heap_used_bytes),
      mib(s.heap_total_bytes),
      mib(s.external_bytes),
    ];
  });
  const [first, last] = [r.samples[0]!.runs, r.samples[r.samples.length - 1]!.runs];
  const span = `run ${first.toLocaleString('en')} → ${last.toLocaleString('en')}`;
  const tables = r.database.tables.map((t) => [
    t.table,
    mib(t.bytes),
    (t.bytes / r.settings.runs).toFixed(0),
    t.live_rows.toFixed(0),
    t.dead_rows.toFixed(0),
  ]);
  return [
    `worker process memory after gc() (MiB), sampled at the Nth finished run:`,
    table(['runs', 's', 'runs/s', 'rss', 'heapUsed', 'heapTotal', 'external'], rows),
    '',
    `RSS, ${span}: ${mib(r.rss.at_first_bytes)} → ${mib(r.rss.at_last_bytes)} MiB, ${change(r.rss)} (target ≤ ${r.target_rss_growth * 100}%)`,
    `heapUsed, ${span}: ${mib(r.heap_used.at_first_bytes)} → ${mib(r.heap_used.at_last_bytes)} MiB, ${change(r.heap_used)}`,
    `${r.settings.runs} runs in ${(r.total_ms / 1000).toFixed(0)} s: ${r.runs_per_s.toFixed(0)} runs/s (first start to the last run:finished); at most ${r.max_unfinished_seen} unfinished when a chunk was started`,
    `runs by status: ${JSON.stringify(r.runs_by_status)}; worker warnings/errors: ${r.worker_log.errors}${r.worker_log.first ? ` (first: ${r.worker_log.first})` : ''}`,
    '',
    `forgeflow schema at the end: ${mib(r.database.total_bytes)} MiB, ${r.database.bytes_per_run.toFixed(0)} bytes per run (tables with their indexes and TOAST):`,
    table(['table', 'MiB', 'bytes/run', 'rows', 'dead rows (stats)'], tables),
    '',
    `${r.settings.vacuum} (${r.vacuums.count} times, ${(r.vacuums.total_ms / 1000).toFixed(1)} s in all).`,
    `worker: concurrency ${r.settings.worker_concurrency}, pollMs ${r.settings.poll_ms}, pool ${r.settings.pool_max}; gc exposed: ${r.settings.gc_exposed}; PostgreSQL ${r.settings.postgres}, at ${r.settings.database}.`,
    `load average at start: ${r.settings.load_average_before.map((x) => x.toFixed(2)).join(' ')} on ${r.settings.cores} cores.`,
  ].join('\n');
}

export const soakBench: Bench<SoakResults | { skipped: string }> = {
  name: 'soak',
  description: `worker process memory over ${RUNS} single-node runs (issue 15: RSS within 10% from the 1,000th run on), on PostgreSQL at ${describe(ADMIN_URL)}`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    return { results, table: render(results) };
  },
};

// Forked by SoakWorker: this module is then the entry point.
if (process.argv[1] === fileURLToPath(import.meta.url))
  serveSoakWorker(configOf<SoakWorkerConfig>());
