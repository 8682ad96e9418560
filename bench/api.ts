/**
 * The REST API's reads on real PostgreSQL with 100,000 finished runs (`BENCH_DATABASE_URL`,
 * default postgres://postgres@127.0.0.1:5432/test; the bench creates, migrates and drops its own
 * `ff_bench_<random>` database), through the real HTTP stack: `buildServer` listening on a
 * loopback port, requests sent one at a time with Node's fetch (keep-alive), each timed from
 * the request until its whole body is read.
 *
 * The data: the runtime runs 36 template runs for real (3 pipelines of 3 to 5 nodes × the
 * pull_request, push and manual triggers × succeeded, failed after a retried step, canceled,
 * timed out), so their runs, run_specs, nodes, attempts and history rows are what the runtime
 * writes. Each is then cloned set-based (INSERT … SELECT over generate_series) into
 * 100,000 − 1 runs with new ids, 50 repositories (a few busy, most quiet), random shas, pull
 * request numbers and creation times spread over 90 days, every time column shifted with it
 * (run_specs' event is copied as it is); the templates are deleted after. The last run is
 * real too: 3,334 matrix nodes, a history of 10,004 events, its times moved 45 days back so
 * it lies among the others. Then VACUUM ANALYZE (autovacuum may be off: the bench says what
 * the server runs with).
 *
 * Per case: a warm-up, then BENCH_API_REQUESTS (default 300) timed requests; p50/p95/p99.
 * Then every request shape (each list filter, with and without a cursor; run detail; history)
 * is EXPLAINed (ANALYZE, BUFFERS) through the server's own prepared statements on the pooled
 * connection that ran each most, so the plan is the one the plan cache uses; the bench fails
 * when such a plan has a Seq Scan on runs, run_specs, nodes, attempts or history.
 */
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { encodeCursor } from '../src/api/cursor.js';
import { buildServer } from '../src/api/server.js';
import { registryOf } from '../src/contracts/handler-spec.js';
import type { Graph } from '../src/compiler/index.js';
import type { Tx } from '../src/db/db.js';
import type { Event } from '../src/events/event.js';
import { manualEvent, normalizeEvent } from '../src/forges/normalize.js';
import type { Handler } from '../src/handlers/types.js';
import { HandlerError } from '../src/contracts/errors.js';
import { systemClock } from '../src/runtime/clock.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { RunStatus } from '../src/runtime/states.js';
import type { Bench } from './bench.js';
import { formatMs, percentile, table } from './stats.js';
import {
  ADMIN_URL,
  benchLogger,
  checkLogger,
  compileOrThrow,
  describe,
  countingLogger,
  explainPlans,
  nodesOf,
  scansOf,
  withBenchDatabase,
  withPreparedStatements,
  type BenchDatabase,
  type CountingDb,
  type Explained,
  type PlanCacheExplain,
  type PlanNode,
  type StatementSample,
} from './support.js';

/** Finished runs in the database (BENCH_API_RUNS overrides it, for a quick look). */
const RUNS = Number(process.env.BENCH_API_RUNS) || 100_000;
/** Timed requests per case (BENCH_API_REQUESTS overrides it), after WARMUP untimed ones. */
const REQUESTS = Number(process.env.BENCH_API_REQUESTS) || 300;
const WARMUP = 50;
/** Walks through every page of the long history, per page size. */
const WALKS = 30;
const REPOS = 50;
const DAYS = 90;
const PAGE = 50;
/** The deep page: after this many pages of PAGE runs, reached once by following the cursors. */
const DEEP_PAGES = 1_000;
/**
 * The long run: LONG_NODES one-step nodes in matrix jobs of at most 250 (the compiler's limit),
 * three history events each (scheduled, started, completed) between RunStarted and RunFinished.
 */
const LONG_NODES = 3_334;
const LONG_MIN_EVENTS = 10_000;
/** Requests to each list shape before its EXPLAIN, so the plan cache has decided. */
const SHAPE_REQUESTS = 12;
/** Longer than an idle backend may keep its statistics before flushing them (10 s). */
const STATS_FLUSH_MS = 11_000;
/** "Tens of milliseconds": a case whose p95 is above this is flagged. */
const TARGET_P95_MS = 50;
/** openPg's default, what `forgeflow serve` runs with. */
const POOL_MAX = 10;
const CONCURRENCY = 32;
/** A safety net for the template runs, not a measurement. */
const TEMPLATE_TIMEOUT_MS = 120_000;

// ─── what it reports ────────────────────────────────────────────────────────────────────────

export interface Latency {
  requests: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
}

export interface CaseResult {
  name: string;
  /** What each request asks, e.g. "GET /api/v1/runs?limit=50". */
  request: string;
  /** One request each, or a walk through every page (`pages` requests). */
  pages_per_sample: number;
  latency: Latency;
  mean_body_bytes: number;
  /** Database round trips per sample (the server's counting Db wrapper). */
  statements_per_sample: number;
  over_target: boolean;
}

export interface StatementExplain {
  /** The list statement by its WHERE clause, the others by their first 90 characters. */
  sql: string;
  list: boolean;
  plan_kind: 'generic' | 'custom' | 'unnamed';
  /** Large tables (LARGE_TABLES) the plan the plan cache ran reads by Seq Scan. */
  seq_scans: string[];
  /** The same with plan_cache_mode forced each way (null: not a prepared statement). */
  forced_generic_seq_scans: string[] | null;
  forced_custom_seq_scans: string[] | null;
  scans: string[];
  actual_rows: number;
  shared_buffers: number;
  execution_ms: number;
  plan: Explained;
}

export interface ShapeExplain {
  shape: string;
  request: string;
  /** Every statement the request sent (a list: the page, then its node counts). */
  statements: StatementExplain[];
}

export interface LoadResult {
  runs: number;
  nodes: number;
  attempts: number;
  history_events: number;
  by_status: Record<string, number>;
  by_trigger: Record<string, number>;
  by_pipeline: Record<string, number>;
  repos: number;
  runs_of_busiest_repo: number;
  runs_of_quietest_repo: number;
  /** The runtime running the 36 template runs. */
  templates_ms: number;
  /** Cloning them set-based into RUNS − 1 runs, deleting the templates. */
  clone_ms: number;
  /** The clone's steps: drawing the clones, each table, deleting the templates, COMMIT. */
  clone_steps: Record<string, number>;
  /** The runtime running the long run. */
  long_run_ms: number;
  vacuum_analyze_ms: number;
  total_ms: number;
  sizes_mb: Record<string, number>;
}

export interface ApiResults {
  settings: {
    database: string;
    postgres: string;
    pool_max: number;
    requests_per_case: number;
    warmup: number;
    page: number;
    target_p95_ms: number;
    client: string;
    cores: number;
    /** os.loadavg() when the requests began: other work on the machine skews every figure. */
    load_average_before: number[];
  };
  load: LoadResult;
  long_run: { id: string; history_events: number; nodes: number };
  /** Following next_cursor from the first page, DEEP_PAGES pages deep, once. */
  cursor_walk: {
    pages: number;
    total_ms: number;
    page: Latency;
    /** The cursor after the walk equals the one the bench built from the row at that position. */
    matches_constructed_cursor: boolean;
  };
  cases: CaseResult[];
  /** forgeflow.runs as the server counted over the HTTP phase (statistics flush about once a second). */
  runs_scans: { seq_scan: number; idx_scan: number };
  explain: ShapeExplain[];
  verdict: { seq_scan_shapes: string[]; over_target: string[]; summary: string };
}

export type ApiBenchResults = ApiResults | { skipped: string };

// ─── the template runs ──────────────────────────────────────────────────────────────────────

type Outcome = 'succeeded' | 'failed' | 'canceled' | 'timed_out';
type Trigger = 'pull_request' | 'push' | 'manual';

/** Shares of the 100,000: mostly green, some red, a few canceled or timed out. */
const OUTCOMES: [Outcome, number][] = [
  ['succeeded', 0.85],
  ['failed', 0.1],
  ['canceled', 0.03],
  ['timed_out', 0.02],
];
const TRIGGERS: [Trigger, number][] = [
  ['pull_request', 0.6],
  ['push', 0.3],
  ['manual', 0.1],
];

/**
 * The pipelines, `DECIDES` standing for the step the outcome turns on: it passes, fails
 * twice (a retried step), or sleeps an hour (canceled meanwhile, or past the run's timeout).
 */
const PIPELINES: { name: string; share: number; jobs: string }[] = [
  {
    name: 'ci',
    share: 0.6,
    jobs: `
  checkout: { uses: bench.step, with: { step: checkout } }
  build:
    needs: checkout
    matrix: { target: [x86_64, aarch64] }
    uses: bench.step
    with: { step: build, target: "\${{ matrix.target }}" }
  test: { needs: build, DECIDES }
  notify: { needs: test, if: "\${{ always() }}", uses: bench.step, with: { step: notify } }`,
  },
  {
    name: 'lint',
    share: 0.25,
    jobs: `
  checkout: { uses: bench.step, with: { step: checkout } }
  lint: { needs: checkout, DECIDES }
  report: { needs: lint, if: "\${{ always() }}", uses: bench.step, with: { step: report } }`,
  },
  {
    name: 'release',
    share: 0.15,
    jobs: `
  checkout: { uses: bench.step, with: { step: checkout } }
  package: { needs: checkout, uses: bench.step, with: { step: package } }
  publish: { needs: package, DECIDES }
  announce: { needs: publish, uses: bench.step, with: { step: announce } }`,
  },
];

const DECIDES: Record<Outcome, string> = {
  succeeded: 'uses: bench.step, with: { step: decisive }',
  failed:
    'uses: bench.step, with: { step: decisive, fail: true }, retry: { maximum_attempts: 2, initial_interval: 10ms }',
  canceled: 'sleep: 1h',
  timed_out: 'sleep: 1h',
};

function pipelineYaml(pipeline: (typeof PIPELINES)[number], outcome: Outcome): string {
  return [
    'version: 1',
    `name: ${pipeline.name}`,
    'on: [pull_request, push, manual]',
    ...(outcome === 'timed_out' ? ['timeout: 1s'] : []),
    `jobs:${pipeline.jobs.replace('DECIDES', DECIDES[outcome])}`,
    '',
  ].join('\n');
}

/** The long run: independent matrix jobs of LONG_NODES nodes in all. */
function longPipelineYaml(): string {
  const jobs: string[] = [];
  for (let first = 0; first < LONG_NODES; first += 250) {
    const count = Math.min(250, LONG_NODES - first);
    const targets = Array.from({ length: count }, (_, i) => `t${i + 1}`).join(', ');
    const job = `suite${jobs.length + 1}`;
    jobs.push(
      `  ${job}:\n    matrix: { target: [${targets}] }\n    uses: bench.step\n    with: { step: ${job}, target: "\${{ matrix.target }}" }`,
    );
  }
  return `version: 1\nname: soak\non: [manual]\njobs:\n${jobs.join('\n')}\n`;
}

/** A CI step: passes with a small output, or fails as a program exiting 1 would. */
const stepHandler: Handler = {
  spec: {
    name: 'bench.step',
    description: 'A CI step that passes, or fails when told to (bench only).',
    input: { type: 'object' },
  },
  run: (input) => {
    const { step, target, fail } = input as { step: string; target?: string; fail?: boolean };
    if (fail)
      return Promise.reject(
        new HandlerError('ExitCode', `${step} exited with code 1`, {
          details: { exit_code: 1, stderr: `FAIL ${step}: 3 of 412 tests failed` },
        }),
      );
    return Promise.resolve({
      exit_code: 0,
      step,
      ...(target ? { target } : {}),
      summary: `${step} passed`,
    });
  },
};
const handlers = new Map<string, Handler>([['bench.step', stepHandler]]);

interface Template {
  run_id: string;
  pipeline: string;
  trigger: Trigger;
  outcome: Outcome;
  /** The share of the clones made from it. */
  share: number;
}

function forgeEvents(repo: string): Record<Trigger, Event> {
  const normalized = (name: string, payload: Record<string, unknown>) => {
    const result = normalizeEvent('github', name, payload);
    if (!result.ok) throw new Error(`the ${name} example does not normalize: ${result.ignored}`);
    return result.event;
  };
  return {
    pull_request: normalized('pull_request', githubExample('pull_request', 'opened')),
    push: normalized('push', githubExample('push')),
    manual: manualEvent({ repo, sha: 'c'.repeat(40), ref: 'main', sender: 'octocat' }),
  };
}

// The examples are a large JSON file: loaded when the bench runs, not when run.ts imports it.
let githubExample: (event: string, action?: string) => Record<string, unknown>;

/**
 * Runs every template (pipeline × trigger × outcome) and the long run with one worker, cancels
 * the `canceled` ones once their sleep has begun, and checks each ended as it should.
 */
async function runTemplates(
  db: CountingDb,
  longRepo: string,
): Promise<{ templates: Template[]; longRunId: string; templatesMs: number; longMs: number }> {
  ({ githubExample } = await import('../test/support/webhook-payloads.js'));
  const events = forgeEvents(longRepo);
  const runtime = new Runtime({ db });
  const logger = benchLogger();
  const ended = new Map<string, { status: RunStatus; at: number }>();
  const waiters = new Map<string, () => void>();
  const toCancel = new Set<string>();
  const offs = [
    runtime.events.on('run:finished', (e) => {
      ended.set(e.runId, { status: e.status, at: performance.now() });
      waiters.get(e.runId)?.();
    }),
    runtime.events.on('timer:started', (e) => {
      if (toCancel.delete(e.runId))
        runtime.cancel(e.runId, 'superseded by a newer push').catch((error: unknown) => {
          logger.error({ err: error }, 'cancel failed');
        });
    }),
  ];
  const finished = (id: string) =>
    new Promise<void>((resolve, reject) => {
      if (ended.has(id)) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`template run ${id} did not finish in ${TEMPLATE_TIMEOUT_MS} ms`)),
        TEMPLATE_TIMEOUT_MS,
      );
      waiters.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  await runtime
    .createWorker({
      concurrency: CONCURRENCY,
      pollMs: 100,
      handlers,
      handlerSettings: { execAllow: null, secrets: {} },
      logger,
    })
    .start();
  try {
    const t0 = performance.now();
    const templates: Template[] = [];
    for (const pipeline of PIPELINES)
      for (const [trigger, triggerShare] of TRIGGERS)
        for (const [outcome, outcomeShare] of OUTCOMES) {
          const graph = compileOrThrow(pipelineYaml(pipeline, outcome), events[trigger], [
            stepHandler.spec,
          ]);
          const { runId } = await runtime.start(graph, events[trigger]);
          if (outcome === 'canceled') toCancel.add(runId);
          templates.push({
            run_id: runId,
            pipeline: pipeline.name,
            trigger,
            outcome,
            share: pipeline.share * triggerShare * outcomeShare,
          });
        }
    await Promise.all(templates.map((t) => finished(t.run_id)));
    const templatesMs = performance.now() - t0;
    for (const t of templates) {
      const status = ended.get(t.run_id)?.status;
      if (status !== t.outcome)
        throw new Error(`template ${t.pipeline}/${t.trigger}/${t.outcome} ended ${status}`);
    }

    const t1 = performance.now();
    const long: Graph = compileOrThrow(longPipelineYaml(), events.manual, [stepHandler.spec]);
    const { runId: longRunId } = await runtime.start(long, events.manual);
    await finished(longRunId);
    if (ended.get(longRunId)?.status !== 'succeeded')
      throw new Error(`the long run ended ${ended.get(longRunId)?.status}`);
    checkLogger(logger, 'api', 'template runs');
    return { templates, longRunId, templatesMs, longMs: performance.now() - t1 };
  } finally {
    for (const off of offs) off();
    await runtime.stopWorkers();
  }
}

// ─── cloning them ───────────────────────────────────────────────────────────────────────────

function repoNames(): string[] {
  const owners = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
  return Array.from(
    { length: REPOS },
    (_, i) => `${owners[i % owners.length]}/service-${String(i + 1).padStart(2, '0')}`,
  );
}

/** The tables a run's rows are in, by the column holding its id. */
const RUN_TABLES: [string, 'id' | 'run_id'][] = [
  ['runs', 'id'],
  ['run_specs', 'run_id'],
  ['nodes', 'run_id'],
  ['attempts', 'run_id'],
  ['history', 'run_id'],
];

async function columnsOf(q: Tx, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await q.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = 'forgeflow' AND table_name = $1 AND is_generated = 'NEVER'
       AND identity_generation IS NULL
     ORDER BY ordinal_position`,
    [table],
  );
  return rows;
}

/** Moves every time of a run's rows back by `days`. */
async function backdateRun(q: Tx, id: string, days: number): Promise<void> {
  for (const [table, key] of RUN_TABLES) {
    const times = (await columnsOf(q, table)).filter((c) => c.type === 'timestamp with time zone');
    if (times.length === 0) continue;
    await q.query(
      `UPDATE forgeflow.${table} SET ${times.map((c) => `${c.name} = ${c.name} - $2 * interval '1 day'`).join(', ')}
       WHERE ${key} = $1`,
      [id, days],
    );
  }
}

/**
 * Copies each template's rows of `table` for every clone of it: the run's id replaced, every
 * timestamptz column shifted by the clone's offset, `overrides` (column → SQL over the template
 * row `t` and the clone `c`) for the rest; in creation order, as the runtime would have written
 * them. Columns are read from the catalog, so a later migration's columns are copied too.
 */
async function cloneTable(
  q: Tx,
  table: string,
  key: 'id' | 'run_id',
  order: string,
  overrides: Record<string, string> = {},
): Promise<number> {
  const columns = await columnsOf(q, table);
  const values = columns.map(
    ({ name, type }) =>
      overrides[name] ??
      (name === key
        ? 'c.id'
        : type === 'timestamp with time zone'
          ? `t.${name} + c.shift`
          : `t.${name}`),
  );
  const { rowCount } = await q.query(
    `INSERT INTO forgeflow.${table} (${columns.map((c) => c.name).join(', ')})
     SELECT ${values.join(', ')}
     FROM bench_clones c JOIN forgeflow.${table} t ON t.${key} = c.template
     ORDER BY c.created_at, ${order}`,
  );
  return rowCount;
}

/** Clones the templates; the milliseconds of each step (`<table>_ms`, …). */
async function cloneTemplates(
  bench: BenchDatabase,
  templates: Template[],
  longRunId: string,
): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  let last = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps[`${name}_ms`] = now - last;
    last = now;
  };
  const total = templates.reduce((sum, t) => sum + t.share, 0);
  let lo = 0;
  const ranges = templates.map((t, i) => {
    const hi = i === templates.length - 1 ? 2 : lo + t.share / total;
    const range = { run_id: t.run_id, trigger: t.trigger, lo, hi };
    lo = hi;
    return range;
  });
  await bench.inner.tx(async (q) => {
    await q.exec(`SET LOCAL work_mem = '256MB'`);
    await q.exec('SELECT setseed(0.2024)');
    await q.exec(
      `CREATE TEMP TABLE bench_templates (run_id uuid, trigger text, lo float8, hi float8, created_at timestamptz) ON COMMIT DROP`,
    );
    await q.query(
      `INSERT INTO bench_templates
       SELECT x.run_id, x.trigger, x.lo, x.hi, r.created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(run_id uuid, trigger text, lo float8, hi float8)
       JOIN forgeflow.runs r ON r.id = x.run_id`,
      [JSON.stringify(ranges)],
    );
    await q.exec(
      `CREATE TEMP TABLE bench_clones (id uuid, template uuid, repo text, sha text, pr int,
         created_at timestamptz, shift interval) ON COMMIT DROP`,
    );
    // Repositories by the square of a uniform draw: the first few busy, the last quiet.
    await q.query(
      `INSERT INTO bench_clones
       SELECT gen_random_uuid(), t.run_id, ($2::text[])[1 + floor(array_length($2::text[], 1) * p.rr ^ 2)::int],
              md5(random()::text) || left(md5(random()::text), 8),
              CASE WHEN t.trigger = 'pull_request' THEN 1 + floor(random() * 1500)::int END,
              p.at, p.at - t.created_at
       FROM (SELECT g, random() AS r, random() AS rr,
                    date_trunc('milliseconds', $3::timestamptz - random() * $4 * interval '1 day') AS at
             FROM generate_series(1, $1::int) AS g) AS p
       JOIN bench_templates t ON p.r >= t.lo AND p.r < t.hi`,
      [RUNS - 1, repoNames(), new Date(systemClock.now() - 60_000), DAYS],
    );
    step('draw');
    await cloneTable(q, 'runs', 'id', 'c.id', {
      repo: 'c.repo',
      sha: 'c.sha',
      pr: 'c.pr',
      idempotency_key: 'NULL',
    });
    step('runs');
    // The event as it is: patching its repository and sha in would recompress every copy of
    // the pull request payload (~22 kB; 5× the clone's time), and the reads do not look inside.
    await cloneTable(q, 'run_specs', 'run_id', 'c.id');
    step('run_specs');
    await cloneTable(q, 'nodes', 'run_id', 't.node_id');
    step('nodes');
    await cloneTable(q, 'attempts', 'run_id', 't.node_id, t.attempt');
    step('attempts');
    await cloneTable(q, 'history', 'run_id', 't.seq');
    step('history');
    // Their rows in the other tables go with them (ON DELETE CASCADE).
    await q.query('DELETE FROM forgeflow.runs WHERE id = ANY($1::uuid[])', [
      templates.map((t) => t.run_id),
    ]);
    step('delete_templates');
    // Among the others, not on every first page: a list page of it counts its 3,334 nodes.
    await backdateRun(q, longRunId, DAYS / 2);
    step('backdate_long_run');
  });
  step('commit');
  return steps;
}

async function describeLoad(
  bench: BenchDatabase,
): Promise<Omit<LoadResult, `${string}_ms` | 'clone_steps'>> {
  const q = bench.inner;
  const count = async (sql: string) =>
    (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;
  const groups = async (column: string) =>
    Object.fromEntries(
      (
        await q.query<{ k: string; n: number }>(
          `SELECT ${column} AS k, count(*)::int AS n FROM forgeflow.runs GROUP BY 1 ORDER BY 2 DESC`,
        )
      ).rows.map((r) => [r.k, r.n]),
    );
  const repos = Object.values(await groups('repo'));
  const { rows: sizes } = await q.query<{ name: string; mb: number }>(
    `SELECT c.relname AS name, round(pg_total_relation_size(c.oid) / 1048576.0, 1)::float8 AS mb
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'forgeflow' AND c.relkind = 'r' ORDER BY mb DESC`,
  );
  return {
    runs: await count('forgeflow.runs'),
    nodes: await count('forgeflow.nodes'),
    attempts: await count('forgeflow.attempts'),
    history_events: await count('forgeflow.history'),
    by_status: await groups('status'),
    by_trigger: await groups('trigger'),
    by_pipeline: await groups('pipeline'),
    repos: repos.length,
    runs_of_busiest_repo: Math.max(...repos),
    runs_of_quietest_repo: Math.min(...repos),
    sizes_mb: Object.fromEntries(sizes.filter((s) => s.mb >= 0.1).map((s) => [s.name, s.mb])),
  };
}

// ─── HTTP ───────────────────────────────────────────────────────────────────────────────────

function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    requests: sorted.length,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    min_ms: sorted[0]!,
    max_ms: sorted.at(-1)!,
    mean_ms: sum / sorted.length,
  };
}

interface Answer {
  ms: number;
  bytes: number;
  body: unknown;
}

/** One GET, timed from the call until the whole body is read; anything but a 200 throws. */
async function get(base: string, path: string): Promise<Answer> {
  const t0 = performance.now();
  const response = await fetch(base + path);
  const text = await response.text();
  const ms = performance.now() - t0;
  if (response.status !== 200)
    throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(text), body: JSON.parse(text) as unknown };
}

interface RunsPage {
  runs: { id: string }[];
  next_cursor: string | null;
}

interface HistoryPage {
  events: { seq: number }[];
  next_after: number | null;
}

function expectMany(key: 'runs' | 'events', min: number) {
  return (body: unknown) => {
    const items = (body as Record<string, unknown>)[key];
    if (!Array.isArray(items) || items.length < min)
      throw new Error(`expected ${min}+ ${key}, got ${JSON.stringify(body).slice(0, 200)}`);
  };
}

/** A case: `sample` makes one timed sample, one request or a walk of several. */
interface Case {
  name: string;
  request: string;
  sample: () => Promise<{ ms: number; bytes: number; pages: number }>;
  samples?: number;
  warmup?: number;
}

/** A case of one request a sample: `path` picks the request, `check` looks at the answer. */
function oneRequest(
  base: string,
  name: string,
  request: string,
  path: () => string,
  check: (body: unknown) => void,
): Case {
  return {
    name,
    request: `GET ${request}`,
    sample: async () => {
      const answer = await get(base, path());
      check(answer.body);
      return { ms: answer.ms, bytes: answer.bytes, pages: 1 };
    },
  };
}

async function measureCase(db: CountingDb, c: Case): Promise<CaseResult> {
  for (let i = 0; i < (c.warmup ?? WARMUP); i++) await c.sample();
  const count = c.samples ?? REQUESTS;
  const times: number[] = [];
  let bytes = 0;
  let pages = 0;
  db.reset();
  for (let i = 0; i < count; i++) {
    const s = await c.sample();
    times.push(s.ms);
    bytes += s.bytes;
    pages += s.pages;
  }
  const result = latency(times);
  return {
    name: c.name,
    request: c.request,
    pages_per_sample: pages / count,
    latency: result,
    mean_body_bytes: bytes / count,
    statements_per_sample: db.snapshot().round_trips / count,
    over_target: pages === count && result.p95_ms > TARGET_P95_MS,
  };
}

/** Walks a history from the start, `limit` events a page, until next_after is null. */
async function walkHistory(base: string, id: string, limit: number) {
  let ms = 0;
  let bytes = 0;
  let pages = 0;
  let events = 0;
  let after: number | null = 0;
  while (after !== null) {
    const answer = await get(base, `/api/v1/runs/${id}/history?limit=${limit}&after=${after}`);
    const page = answer.body as HistoryPage;
    ms += answer.ms;
    bytes += answer.bytes;
    pages++;
    events += page.events.length;
    after = page.next_after;
  }
  return { ms, bytes, pages, events };
}

/** What the requests are made of, read once the data is in. */
interface Data {
  longRunId: string;
  longEvents: number;
  longNodes: number;
  /** Top-level runs in list order (newest first). */
  order: { id: string; created_at: Date }[];
  /** Repositories, busiest first. */
  repos: string[];
  /** Every run but the long one. */
  ids: string[];
  /** A pull request run some 500 runs from the oldest: its sha, repository and number. */
  example: { sha: string; repo: string; pr: number };
  /** The deep page's position: DEEP_PAGES pages of PAGE in. */
  deep: number;
}

async function readData(bench: BenchDatabase, longRunId: string): Promise<Data> {
  const q = bench.inner;
  const { rows: long } = await q.query<{ n: number; nodes: number }>(
    `SELECT history_length AS n, (SELECT count(*)::int FROM forgeflow.nodes WHERE run_id = $1) AS nodes
     FROM forgeflow.runs WHERE id = $1`,
    [longRunId],
  );
  const { rows: order } = await q.query<{ id: string; created_at: Date }>(
    `SELECT id, created_at FROM forgeflow.runs WHERE parent_run_id IS NULL
     ORDER BY created_at DESC, id DESC`,
  );
  const { rows: repos } = await q.query<{ repo: string }>(
    'SELECT repo FROM forgeflow.runs GROUP BY repo ORDER BY count(*) DESC, repo',
  );
  const { rows: examples } = await q.query<Data['example']>(
    `SELECT sha, repo, pr FROM forgeflow.runs WHERE pr IS NOT NULL ORDER BY created_at LIMIT 1 OFFSET 500`,
  );
  const longEvents = long[0]!.n;
  if (longEvents < LONG_MIN_EVENTS)
    throw new Error(`the long run has ${longEvents} history events, fewer than ${LONG_MIN_EVENTS}`);
  return {
    longRunId,
    longEvents,
    longNodes: long[0]!.nodes,
    order,
    repos: repos.map((r) => r.repo),
    ids: order.map((r) => r.id).filter((id) => id !== longRunId),
    example: examples[0]!,
    deep: Math.min(DEEP_PAGES * PAGE, order.length - PAGE),
  };
}

/** The cursor a page ending at this row (1-based, in list order) gives. */
function cursorAt(data: Data, position: number): string {
  const row = data.order[position - 1]!;
  return encodeCursor({ at: row.created_at, id: row.id });
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (low: number, high: number) => Math.floor(low + Math.random() * (high - low));
const LIST = '/api/v1/runs?limit=50';

/** From the first page, following next_cursor DEEP_PAGES pages deep. */
async function cursorWalk(base: string, data: Data): Promise<ApiResults['cursor_walk']> {
  const times: number[] = [];
  let cursor: string | null = null;
  do {
    const answer = await get(base, cursor === null ? LIST : `${LIST}&cursor=${cursor}`);
    times.push(answer.ms);
    cursor = (answer.body as RunsPage).next_cursor;
  } while (cursor !== null && times.length < DEEP_PAGES);
  return {
    pages: times.length,
    total_ms: times.reduce((s, x) => s + x, 0),
    page: latency(times),
    matches_constructed_cursor: cursor === cursorAt(data, times.length * PAGE),
  };
}

function cases(base: string, data: Data): Case[] {
  const { longRunId, longEvents, order, repos, ids } = data;
  const deepCursor = cursorAt(data, data.deep);
  const long = `/api/v1/runs/${longRunId}/history`;
  const runs = expectMany('runs', PAGE);
  const events = expectMany('events', 200);
  return [
    oneRequest(base, 'runs list, first page', LIST, () => LIST, runs),
    oneRequest(
      base,
      `runs list, ${data.deep / PAGE} pages deep`,
      `${LIST}&cursor=(row ${data.deep})`,
      () => `${LIST}&cursor=${deepCursor}`,
      runs,
    ),
    oneRequest(
      base,
      'runs list, a random deep cursor',
      `${LIST}&cursor=(a random row of the older 90%)`,
      () => `${LIST}&cursor=${cursorAt(data, between(order.length / 10, order.length - PAGE))}`,
      runs,
    ),
    oneRequest(
      base,
      'runs list, repo=R',
      `${LIST}&repo=(random of ${repos.length})`,
      () => `${LIST}&repo=${encodeURIComponent(pick(repos))}`,
      expectMany('runs', 1),
    ),
    oneRequest(
      base,
      'runs list, status=failed',
      `${LIST}&status=failed`,
      () => `${LIST}&status=failed`,
      runs,
    ),
    oneRequest(
      base,
      'runs list, repo=R&status=failed',
      `${LIST}&repo=(random)&status=failed`,
      () => `${LIST}&repo=${encodeURIComponent(pick(repos))}&status=failed`,
      expectMany('runs', 0),
    ),
    oneRequest(
      base,
      'runs list, pr=N',
      `${LIST}&pr=(random 1–1500)`,
      () => `${LIST}&pr=${between(1, 1_501)}`,
      expectMany('runs', 1),
    ),
    oneRequest(
      base,
      'run detail, a random run',
      '/api/v1/runs/(random id)',
      () => `/api/v1/runs/${pick(ids)}`,
      (body) => {
        if (!Array.isArray((body as { node_list?: unknown }).node_list))
          throw new Error('a run detail without node_list');
      },
    ),
    oneRequest(
      base,
      'history of a random run',
      '/api/v1/runs/(random id)/history',
      () => `/api/v1/runs/${pick(ids)}/history`,
      expectMany('events', 1),
    ),
    oneRequest(
      base,
      `history, ${longEvents}-event run, first page`,
      '/api/v1/runs/(long)/history (200 events)',
      () => long,
      events,
    ),
    oneRequest(
      base,
      `history, ${longEvents}-event run, a deep page`,
      '/api/v1/runs/(long)/history?after=(random seq 5000–9800)',
      () => `${long}?after=${between(5_000, 9_800)}`,
      events,
    ),
    ...[200, 1_000].map((limit): Case => ({
      name: `history, ${longEvents}-event run, every page of ${limit}`,
      request: `GET ${long.replace(longRunId, '(long)')}?limit=${limit}&after=… until next_after is null`,
      samples: WALKS,
      warmup: 3,
      sample: async () => {
        const walk = await walkHistory(base, longRunId, limit);
        if (walk.events !== longEvents)
          throw new Error(`a history walk read ${walk.events} of ${longEvents} events`);
        return walk;
      },
    })),
  ];
}

// ─── EXPLAIN of every statement the reads send ──────────────────────────────────────────────

/** Tables large here: a Seq Scan of any of them in a plan the API runs fails the bench. */
const LARGE_TABLES = ['runs', 'run_specs', 'nodes', 'attempts', 'history'];
/** listRunSummaries' statement (the children of a run detail are read newest last). */
const LIST_SQL = /FROM forgeflow\.runs\s[\s\S]*ORDER BY created_at DESC, id DESC LIMIT/;

/** The request shapes: every list filter, with and without a cursor, and the other reads. */
function shapes(data: Data): { shape: string; path: string }[] {
  const since = new Date(systemClock.now() - 7 * 86_400_000).toISOString();
  const busy = encodeURIComponent(data.repos[0]!);
  const quiet = encodeURIComponent(data.repos.at(-1)!);
  const { sha, repo, pr } = data.example;
  const old = `&cursor=${cursorAt(data, data.deep)}`;
  const lists = [
    ['no filter', ''],
    ['no filter, cursor', old],
    ['repo (busiest)', `&repo=${busy}`],
    ['repo (quietest)', `&repo=${quiet}`],
    ['repo, cursor', `&repo=${busy}${old}`],
    ['status=failed', '&status=failed'],
    ['status=failed, cursor', `&status=failed${old}`],
    ['status=running (none)', '&status=running'],
    ['repo + status=failed', `&repo=${busy}&status=failed`],
    ['repo (quietest) + status=timed_out', `&repo=${quiet}&status=timed_out`],
    ['pipeline=release', '&pipeline=release'],
    ['trigger=manual', '&trigger=manual'],
    ['sha (full)', `&sha=${sha}`],
    ['sha (7-digit prefix)', `&sha=${sha.slice(0, 7)}`],
    ['pr', `&pr=${pr}`],
    ['repo + pr', `&repo=${encodeURIComponent(repo)}&pr=${pr}`],
    ['since (7 days)', `&since=${since}`],
    ['children=true', '&children=true'],
    ['children=true, cursor', `&children=true${old}`],
  ].map(([shape, query]) => ({ shape: `list: ${shape!}`, path: `${LIST}${query!}` }));
  const id = data.ids[Math.floor(data.ids.length / 2)]!;
  return [
    ...lists,
    { shape: 'run detail', path: `/api/v1/runs/${id}` },
    { shape: 'history', path: `/api/v1/runs/${id}/history` },
    { shape: 'long history, deep page', path: `/api/v1/runs/${data.longRunId}/history?after=5000` },
  ];
}

const seqScans = (plan: PlanNode) =>
  nodesOf(plan)
    .filter((n) => n['Node Type'] === 'Seq Scan' && LARGE_TABLES.includes(n['Relation Name']!))
    .map((n) => n['Relation Name']!);

function statementExplain(sample: StatementSample, e: PlanCacheExplain): StatementExplain {
  const plan = e.plan.Plan;
  return {
    sql: LIST_SQL.test(sample.sql)
      ? `runs list WHERE ${/WHERE\s+([\s\S]*?)\s+ORDER BY/.exec(sample.sql)?.[1]?.replace(/\s+/g, ' ') ?? '(none)'}`
      : sample.key,
    list: LIST_SQL.test(sample.sql),
    plan_kind: e.plan_kind,
    seq_scans: seqScans(plan),
    forced_generic_seq_scans: e.forced && seqScans(e.forced.generic.Plan),
    forced_custom_seq_scans: e.forced && seqScans(e.forced.custom.Plan),
    scans: scansOf(plan),
    actual_rows: plan['Actual Rows'] ?? 0,
    shared_buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
    execution_ms: e.plan['Execution Time'] ?? 0,
    plan: e.plan,
  };
}

/**
 * Each shape is requested SHAPE_REQUESTS times (the plan cache decides after five), then once
 * more to catch its statements; then each statement is EXPLAINed on the pooled connection that
 * ran it most, through its prepared statement (explainPlans).
 */
async function explainShapes(
  bench: BenchDatabase,
  base: string,
  list: { shape: string; path: string }[],
): Promise<ShapeExplain[]> {
  const sampled: { shape: string; path: string; samples: StatementSample[] }[] = [];
  for (const { shape, path } of list) {
    for (let i = 0; i < SHAPE_REQUESTS; i++) await get(base, path);
    bench.db.reset();
    await get(base, path);
    sampled.push({ shape, path, samples: bench.db.statementSamples() });
  }
  const all = sampled.flatMap((s) => s.samples);
  return withPreparedStatements(bench.inner, all, async (found) => {
    const results: ShapeExplain[] = [];
    let at = 0;
    for (const { shape, path, samples } of sampled) {
      const statements: StatementExplain[] = [];
      for (const sample of samples) {
        const { client, statement } = found[at++]!;
        statements.push(statementExplain(sample, await explainPlans(client, sample, statement)));
      }
      results.push({ shape, request: `GET ${path}`, statements });
    }
    return results;
  });
}

/** forgeflow.runs' scans as the server counts them. */
async function runsScans(bench: BenchDatabase): Promise<{ seq_scan: number; idx_scan: number }> {
  // A backend flushes its counts at most once a second, an idle one within 10 s.
  await sleep(STATS_FLUSH_MS);
  const { rows } = await bench.inner.query<{ seq_scan: number; idx_scan: number }>(
    `SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_user_tables
     WHERE relid = 'forgeflow.runs'::regclass`,
  );
  return rows[0]!;
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────────

function progress(message: string): void {
  process.stderr.write(`  api: ${message}…\n`);
}

async function load(bench: BenchDatabase): Promise<{ load: LoadResult; longRunId: string }> {
  const t0 = performance.now();
  progress('running the 36 template runs and the long run with the runtime');
  const repos = repoNames();
  const { templates, longRunId, templatesMs, longMs } = await runTemplates(bench.db, repos[0]!);
  progress(
    `templates ${formatMs(templatesMs / 1000)} s, long run ${formatMs(longMs / 1000)} s; cloning the templates into ${RUNS - 1} runs`,
  );
  const t1 = performance.now();
  const cloneSteps = await cloneTemplates(bench, templates, longRunId);
  const cloneMs = performance.now() - t1;
  progress(
    `cloned in ${formatMs(cloneMs / 1000)} s (${Object.entries(cloneSteps)
      .map(([k, v]) => `${k.replace(/_ms$/, '')} ${formatMs(v / 1000)} s`)
      .join(', ')}); VACUUM ANALYZE`,
  );
  const t2 = performance.now();
  await bench.inner.exec('VACUUM ANALYZE');
  const vacuumMs = performance.now() - t2;
  const total = performance.now() - t0;
  return {
    load: {
      ...(await describeLoad(bench)),
      templates_ms: templatesMs,
      clone_ms: cloneMs,
      clone_steps: cloneSteps,
      long_run_ms: longMs,
      vacuum_analyze_ms: vacuumMs,
      total_ms: total,
    },
    longRunId,
  };
}

/** The API server as `forgeflow serve` builds it (no worker, reads open), on a loopback port. */
async function openServer(db: CountingDb, logger: Logger) {
  const server = await buildServer({
    db,
    runtime: new Runtime({ db }),
    clock: systemClock,
    logger,
    handlers: registryOf([stepHandler.spec]),
    forges: null,
    webhooks: { githubSecret: null, gitlabToken: null, gitlabSigningToken: null, bodyLimit: 1024 },
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, base: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}

function measure(): Promise<ApiBenchResults> {
  return withBenchDatabase({ poolMax: POOL_MAX }, async (bench) => {
    const { load: loaded, longRunId } = await load(bench);
    const data = await readData(bench, longRunId);
    // @fastify/static warns that the page's directory is not in .bench-build/: no page here.
    const { logger, seen } = countingLogger('warn', /path .*page.* must exist/);
    const { server, base } = await openServer(bench.db, logger);
    try {
      const before = await runsScans(bench);
      const loadAverage = loadavg();
      progress(`following next_cursor ${DEEP_PAGES} pages deep`);
      const walk = await cursorWalk(base, data);
      const results: CaseResult[] = [];
      for (const c of cases(base, data)) {
        progress(`${c.name}: ${c.warmup ?? WARMUP} + ${c.samples ?? REQUESTS}`);
        results.push(await measureCase(bench.db, c));
      }
      const after = await runsScans(bench);
      progress('EXPLAIN of every request shape');
      const explain = await explainShapes(bench, base, shapes(data));
      if (seen.count > 0)
        process.stderr.write(
          `api bench: the server logged warnings or errors; the first: ${seen.first}\n`,
        );
      const scans = {
        seq_scan: after.seq_scan - before.seq_scan,
        idx_scan: after.idx_scan - before.idx_scan,
      };
      return {
        settings: {
          database: describe(ADMIN_URL),
          postgres: bench.postgres,
          pool_max: POOL_MAX,
          requests_per_case: REQUESTS,
          warmup: WARMUP,
          page: PAGE,
          target_p95_ms: TARGET_P95_MS,
          client: `fetch (Node ${process.version}, keep-alive), one request at a time, same process`,
          cores: cpus().length,
          load_average_before: loadAverage,
        },
        load: loaded,
        long_run: { id: longRunId, history_events: data.longEvents, nodes: data.longNodes },
        cursor_walk: walk,
        cases: results,
        runs_scans: scans,
        explain,
        verdict: verdict(results, explain, scans),
      };
    } finally {
      await server.close();
    }
  });
}

function verdict(
  cases: CaseResult[],
  explain: ShapeExplain[],
  scans: ApiResults['runs_scans'],
): ApiResults['verdict'] {
  const statements = explain.flatMap((e) => e.statements.map((s) => ({ shape: e.shape, ...s })));
  const seq = statements.filter((s) => s.seq_scans.length > 0);
  const genericSeq = statements.filter(
    (s) => s.seq_scans.length === 0 && (s.forced_generic_seq_scans?.length ?? 0) > 0,
  );
  const over = cases.filter((c) => c.over_target).map((c) => c.name);
  const worst = cases
    .filter((c) => c.pages_per_sample === 1)
    .reduce((a, b) => (b.latency.p95_ms > a.latency.p95_ms ? b : a));
  const summary = [
    seq.length === 0
      ? `No plan of the ${statements.length} statements of ${explain.length} request shapes has a Seq Scan on ${LARGE_TABLES.join(', ')}`
      : `Seq Scan in: ${seq.map((s) => `${s.shape} (${s.seq_scans.join(', ')})`).join('; ')}`,
    genericSeq.length > 0
      ? ` (a forced generic plan would scan in: ${genericSeq.map((s) => s.shape).join(', ')}; the plan cache keeps custom plans there)`
      : '',
    `; over the timed requests the server counted ${scans.seq_scan} seq scans and ${scans.idx_scan} index scans of forgeflow.runs.`,
    over.length === 0
      ? ` Every single request's p95 is under ${TARGET_P95_MS} ms; the slowest: ${worst.name}, p95 ${formatMs(worst.latency.p95_ms)} ms.`
      : ` p95 over ${TARGET_P95_MS} ms: ${over.join(', ')}.`,
  ].join('');
  return { seq_scan_shapes: [...new Set(seq.map((s) => s.shape))], over_target: over, summary };
}

function render(r: ApiResults): string {
  const l = r.load;
  const w = r.cursor_walk;
  const caseRows = r.cases.map((c) => [
    c.name,
    String(c.latency.requests),
    formatMs(c.latency.p50_ms),
    formatMs(c.latency.p95_ms),
    formatMs(c.latency.p99_ms),
    formatMs(c.latency.max_ms),
    c.pages_per_sample.toFixed(0),
    c.statements_per_sample.toFixed(1),
    (c.mean_body_bytes / 1024).toFixed(1),
  ]);
  const shown = r.explain.flatMap((e) =>
    e.statements
      .filter((x) => x.list || !e.shape.startsWith('list:'))
      .map((x) => ({ shape: e.shape, ...x })),
  );
  const explainRows = shown.map((x) => [
    x.shape,
    x.plan_kind,
    x.seq_scans.join(', ') || 'none',
    `${x.forced_generic_seq_scans?.join(',') || 'none'}/${x.forced_custom_seq_scans?.join(',') || 'none'}`,
    String(x.actual_rows),
    String(x.shared_buffers),
    formatMs(x.execution_ms),
  ]);
  const scanLines = shown.map(
    (x) => `  ${x.shape}: ${x.sql} → ${x.scans.join('; ').replace(/ on forgeflow\./g, ' on ')}`,
  );
  const counts = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const s = (ms: number) => formatMs(ms / 1000);
  return [
    `data: ${l.runs} runs (${counts(l.by_status)}), ${l.nodes} nodes, ${l.attempts} attempts, ${l.history_events} history events;`,
    `  triggers ${counts(l.by_trigger)}; pipelines ${counts(l.by_pipeline)};`,
    `  ${l.repos} repos (${l.runs_of_busiest_repo} to ${l.runs_of_quietest_repo} runs each), created over ${DAYS} days.`,
    `  sizes (MB, with indexes and TOAST): ${counts(l.sizes_mb)}.`,
    `load: ${s(l.total_ms)} s = template runs ${s(l.templates_ms)} s + long run (${r.long_run.nodes} nodes, ${r.long_run.history_events} events) ${s(l.long_run_ms)} s + set-based clone ${s(l.clone_ms)} s + VACUUM ANALYZE ${s(l.vacuum_analyze_ms)} s.`,
    '',
    `following next_cursor ${w.pages} pages deep (${PAGE} a page): ${formatMs(w.total_ms)} ms in all; a page p50 ${formatMs(w.page.p50_ms)}, p95 ${formatMs(w.page.p95_ms)}, p99 ${formatMs(w.page.p99_ms)} ms; its last cursor ${w.matches_constructed_cursor ? 'equals' : 'DIFFERS FROM'} the one built from row ${w.pages * PAGE}.`,
    '',
    `${r.settings.client}; ${r.settings.warmup} warm-up requests per case; ms:`,
    table(['case', 'n', 'p50', 'p95', 'p99', 'max', 'pages', 'stmts', 'KiB'], caseRows),
    '(pages: requests per sample, a walk timed whole; stmts: database round trips per sample.)',
    '',
    "EXPLAIN (ANALYZE, BUFFERS) through the server's prepared statements on its own connections (list shapes: the list statement; the node counts' in the JSON):",
    table(
      ['shape', 'plan', 'Seq Scan', 'forced generic/custom', 'rows', 'buffers', 'exec ms'],
      explainRows,
    ),
    ...scanLines,
    '',
    r.verdict.summary,
    `PostgreSQL ${r.settings.postgres}, at ${r.settings.database}; ${r.settings.cores} cores, load average ${r.settings.load_average_before.map((x) => x.toFixed(2)).join(' ')} when the requests began.`,
  ].join('\n');
}

export const apiBench: Bench<ApiBenchResults> = {
  name: 'api',
  description: `REST API reads (runs list, cursors, filters, run detail, history) over HTTP with ${RUNS} finished runs on PostgreSQL at ${describe(ADMIN_URL)} (BENCH_DATABASE_URL)`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    const text = render(results);
    if (results.verdict.seq_scan_shapes.length > 0)
      throw new Error(
        `${text}\n\nSeq Scan of a large table in: ${results.verdict.seq_scan_shapes.join(', ')}`,
      );
    return { results, table: text };
  },
};
