/**
 * What the benches on real PostgreSQL share (`runtime.ts`, `timers.ts`): a database of their
 * own (`ff_bench_<random>`, created, migrated and dropped), a Db wrapper that counts and times
 * every round trip the runtime makes, CPU sampling of this process and of the server's
 * backends, and small helpers to start runs and wait for them.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import {
  compilePipeline,
  registryOf,
  type Graph,
  type HandlerSpec,
} from '../src/compiler/index.js';
import type { Db, QueryResult, Tx } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPg, type PgDb } from '../src/db/pg.js';
import type { Event } from '../src/events/event.js';
import type { HandlerLogger } from '../src/handlers/types.js';
import type { Runtime } from '../src/runtime/runtime.js';

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

// ─── counting round trips ───────────────────────────────────────────────────────────────────

export interface DbCost {
  transactions: number;
  /** Every round trip: statements outside and inside transactions, BEGIN and COMMIT included. */
  round_trips: number;
  /** Round trips per statement text (first 90 characters, whitespace collapsed), most first. */
  by_statement: { sql: string; count: number; total_ms: number }[];
}

interface Tally {
  count: number;
  ms: number;
}

/** One statement as it was last sent since the last reset: its whole text and its parameters. */
export interface StatementSample {
  /** The key `by_statement` lists it under. */
  key: string;
  sql: string;
  params: readonly unknown[];
  /** Sent inside a transaction. */
  inTx: boolean;
}

/** Wraps a Db so every statement (and BEGIN/COMMIT) is counted and timed, per statement text. */
export class CountingDb implements Db {
  readonly kind = 'pg' as const;
  private statements = new Map<string, Tally>();
  private samples = new Map<string, StatementSample>();
  private transactions = 0;

  constructor(
    readonly inner: PgDb,
    /** The database's name when its server runs on this machine, for CPU figures. */
    readonly local: string | undefined,
  ) {}

  reset(): void {
    this.statements = new Map();
    this.samples = new Map();
    this.transactions = 0;
  }

  snapshot(): DbCost {
    const by = [...this.statements]
      .map(([sql, t]) => ({ sql, count: t.count, total_ms: t.ms }))
      .sort((a, b) => b.count - a.count || b.total_ms - a.total_ms);
    return {
      transactions: this.transactions,
      round_trips: by.reduce((sum, s) => sum + s.count, 0),
      by_statement: by,
    };
  }

  /** Each distinct statement sent since the last reset (BEGIN and COMMIT are not statements here). */
  statementSamples(): StatementSample[] {
    return [...this.samples.values()];
  }

  /** Statement text → its key: the runtime's texts are few, the calls many. */
  private readonly keys = new Map<string, string>();

  private keyOf(sql: string): string {
    let key = this.keys.get(sql);
    if (key === undefined) {
      key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
      this.keys.set(sql, key);
    }
    return key;
  }

  private note(key: string, ms: number): void {
    const tally = this.statements.get(key);
    if (tally) {
      tally.count++;
      tally.ms += ms;
    } else this.statements.set(key, { count: 1, ms });
  }

  private async timed<T>(
    sql: string,
    params: readonly unknown[] | undefined,
    inTx: boolean,
    run: () => Promise<T>,
  ): Promise<T> {
    const start = performance.now();
    const key = this.keyOf(sql);
    this.samples.set(key, { key, sql, params: params ?? [], inTx });
    try {
      return await run();
    } finally {
      this.note(key, performance.now() - start);
    }
  }

  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    return this.timed(sql, params, false, () => this.inner.query<R>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.timed(sql, undefined, false, () => this.inner.exec(sql));
  }

  async tx<T>(fn: (q: Tx) => Promise<T>): Promise<T> {
    this.transactions++;
    const begun = performance.now();
    let inside = begun;
    try {
      return await this.inner.tx(async (q) => {
        inside = performance.now();
        // BEGIN: from asking (pool wait included) until the callback runs.
        this.note('BEGIN (pool wait included)', inside - begun);
        const result = await fn({
          query: (sql, params) => this.timed(sql, params, true, () => q.query(sql, params)),
          exec: (sql) => this.timed(sql, undefined, true, () => q.exec(sql)),
        });
        inside = performance.now();
        return result;
      });
    } finally {
      this.note('COMMIT', performance.now() - inside);
    }
  }

  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return this.inner.listen(channel, onNotify);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

// ─── CPU: this process, the server's backends, the rest of the machine ──────────────────────

/** Clock ticks per second of /proc's CPU times: 100 on every Linux this runs on. */
const TICK_MS = 10;

interface ProcCpu {
  /** Busy ticks of the whole machine (all cores). */
  machine: number;
  /** Ticks per Postgres process of ours, by pid. */
  postgres: Map<number, number>;
}

/** Linux only, for a server on this machine; undefined otherwise. */
function sampleProcCpu(database: string | undefined): ProcCpu | undefined {
  if (database === undefined) return undefined;
  try {
    const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1);
    const [user, nice, system, , , irq, softirq, steal] = cpuLine.map(Number);
    const machine = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    const postgres = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (!title.startsWith('postgres: ')) continue;
        const ours =
          title.includes(` ${database} `) ||
          /: (walwriter|checkpointer|background writer)/.test(title);
        if (!ours) continue;
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        postgres.set(Number(entry), Number(fields[11]) + Number(fields[12])); // utime + stime
      } catch {
        // the process ended meanwhile
      }
    }
    return { machine, postgres };
  } catch {
    return undefined;
  }
}

export interface Usage {
  wall_ms: number;
  /** CPU time of this Node process (user + system). */
  node_cpu_ms: number;
  /**
   * Linux with a local server only (else null): CPU of the bench database's backends plus
   * Postgres' walwriter, checkpointer and background writer (10 ms ticks); and of everything
   * else on the machine (other processes competing for the same cores).
   */
  postgres_cpu_ms: number | null;
  other_cpu_ms: number | null;
  db: DbCost;
}

/** Measures from its creation (which resets the Db's counts) until `done()`. */
export class UsageMeter {
  private readonly cpu = process.cpuUsage();
  private readonly proc: ProcCpu | undefined;
  private readonly wall = performance.now();

  constructor(private readonly db: CountingDb) {
    db.reset();
    this.proc = sampleProcCpu(db.local);
  }

  done(): Usage {
    const cpu = process.cpuUsage(this.cpu);
    const wall = performance.now() - this.wall;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const db = this.db.snapshot();
    const after = this.proc && sampleProcCpu(this.db.local);
    let pgMs: number | null = null;
    let otherMs: number | null = null;
    if (this.proc && after) {
      let ticks = 0;
      for (const [pid, t] of after.postgres) ticks += t - (this.proc.postgres.get(pid) ?? 0);
      pgMs = ticks * TICK_MS;
      otherMs = Math.max(0, (after.machine - this.proc.machine) * TICK_MS - pgMs - cpuMs);
    }
    return { wall_ms: wall, node_cpu_ms: cpuMs, postgres_cpu_ms: pgMs, other_cpu_ms: otherMs, db };
  }
}

// ─── runs ───────────────────────────────────────────────────────────────────────────────────

export function compileOrThrow(
  text: string,
  event: Event,
  handlers: readonly HandlerSpec[],
): Graph {
  const result = compilePipeline(text, event, {
    file: 'bench.yaml',
    handlers: registryOf(handlers),
  });
  if (result.status !== 'graph')
    throw new Error(`bench pipeline does not compile: ${JSON.stringify(result)}`);
  return result.graph;
}

/** Starts `count` runs with `inFlight` starts outstanding at any time. */
export async function startMany(
  runtime: Runtime,
  graph: Graph,
  event: Event,
  count: number,
  inFlight: number,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await runtime.start(graph, event);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/**
 * Resolves (with performance.now()) when `target` runs have finished, counting `run:finished`;
 * rejects on a run that did not succeed, or after `timeoutMs`.
 */
export function finishedRuns(
  runtime: Runtime,
  target: number,
  what: string,
  timeoutMs: number,
): Promise<number> {
  const promise = new Promise<number>((resolve, reject) => {
    let count = 0;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${what}: only ${count} of ${target} runs finished in ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const off = runtime.events.on('run:finished', (e) => {
      if (e.status !== 'succeeded') {
        clearTimeout(timer);
        off();
        reject(new Error(`${what}: run ${e.runId} ended ${e.status}`));
        return;
      }
      if (++count === target) {
        clearTimeout(timer);
        off();
        resolve(performance.now());
      }
    });
  });
  promise.catch(() => undefined); // awaited later; a failure meanwhile is not unhandled
  return promise;
}

/** A logger that keeps quiet but remembers the first error the worker logged. */
export function benchLogger(): HandlerLogger & { errors: number; first: unknown } {
  const logger = {
    errors: 0,
    first: undefined as unknown,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: object, msg?: string) => logger.error(obj, msg),
    error: (obj: object, msg?: string) => {
      logger.errors++;
      logger.first ??= { ...obj, msg };
    },
  };
  return logger;
}

/** Says on stderr when the worker logged warnings or errors (`bench`: the bench's name). */
export function checkLogger(
  logger: ReturnType<typeof benchLogger>,
  bench: string,
  what: string,
): void {
  if (logger.errors > 0)
    process.stderr.write(
      `${bench} bench (${what}): the worker logged ${logger.errors} warnings/errors; the first: ${String(
        JSON.stringify(logger.first, (_, v: unknown) => (v instanceof Error ? v.message : v)),
      )}\n`,
    );
}

/** A pino logger that drops everything below `level` (and lines matching `ignore`) and counts what it keeps. */
export function countingLogger(
  level: pino.Level,
  ignore?: RegExp,
): {
  logger: Logger;
  seen: { count: number; first: string | null };
} {
  const seen = { count: 0, first: null as string | null };
  const logger = pino(
    { level },
    {
      write: (line: string) => {
        if (ignore?.test(line)) return;
        seen.count++;
        seen.first ??= line.trim();
      },
    },
  );
  return { logger, seen };
}

/** Empties the runtime's tables (CASCADE: and any later migration's tables that refer to runs). */
export async function emptyTables(db: Db): Promise<void> {
  await db.exec(
    'TRUNCATE forgeflow.history, forgeflow.attempts, forgeflow.nodes, forgeflow.tasks, forgeflow.run_specs, forgeflow.runs CASCADE',
  );
  await db.exec('VACUUM ANALYZE');
}

export const perSecond = (count: number, ms: number) => (count * 1000) / ms;

// ─── the database of its own ────────────────────────────────────────────────────────────────

export interface BenchDatabase {
  /** The counting wrapper the runtime gets. */
  db: CountingDb;
  /** The pool underneath, for statements the bench makes on the side (not counted). */
  inner: PgDb;
  /** The bench database's URL, and its name. */
  url: string;
  name: string;
  /** The server's version and the settings that matter to the figures. */
  postgres: string;
}

/**
 * Creates and migrates a database of its own on the server at ADMIN_URL, runs `fn` on it and
 * drops it; `{ skipped }` when the server is not reachable.
 */
export async function withBenchDatabase<T>(
  options: { poolMax: number; applicationName?: string },
  fn: (bench: BenchDatabase) => Promise<T>,
): Promise<T | { skipped: string }> {
  let version: string;
  try {
    version = await admin(async (c) => {
      const { rows } = await c.query<{ v: string }>(
        `SELECT current_setting('server_version') || ', autovacuum ' || current_setting('autovacuum')
           || ', synchronous_commit ' || current_setting('synchronous_commit')
           || ', fsync ' || current_setting('fsync')
           || ', shared_buffers ' || current_setting('shared_buffers') AS v`,
      );
      return rows[0]!.v;
    });
  } catch (error) {
    return {
      skipped: `PostgreSQL not reachable at ${describe(ADMIN_URL)} (${(error as Error).message}); set BENCH_DATABASE_URL`,
    };
  }
  const name = `ff_bench_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(ADMIN_URL, name);
  try {
    const inner = openPg(url, {
      max: options.poolMax,
      applicationName: options.applicationName ?? 'forgeflow-bench',
    });
    const db = new CountingDb(inner, localDatabase(ADMIN_URL, name));
    try {
      // From the repository root: the compiled copy in .bench-build/ has no migrations/ beside it.
      await migrate(inner, { dir: pathToFileURL(`${process.cwd()}/migrations/`) });
      return await fn({ db, inner, url, name, postgres: version });
    } finally {
      await db.close();
    }
  } finally {
    await dropDatabase(name);
  }
}

/** The database's name when the server runs on this machine (its processes are in /proc). */
function localDatabase(url: string, name: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host) ? name : undefined;
  } catch {
    return undefined;
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}

/** host:port/database, never the password. */
export function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable BENCH_DATABASE_URL)';
  }
}

/** A short-lived connection to the server's admin database (ADMIN_URL), closed after `fn`. */
export async function admin<T>(
  fn: (client: pg.Client) => Promise<T>,
  applicationName = 'forgeflow-bench',
): Promise<T> {
  const client = new pg.Client({
    connectionString: ADMIN_URL,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a bench database, ending whatever is still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await admin(async (client) => {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

// ─── EXPLAIN through the plan cache ─────────────────────────────────────────────────────────

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

/** A row of pg_prepared_statements: pg.ts names every statement, so each is prepared once per connection. */
export interface Prepared {
  name: string;
  statement: string;
  generic_plans: number;
  custom_plans: number;
}

export async function preparedOn(client: pg.PoolClient): Promise<Prepared[]> {
  const { rows } = await client.query<Prepared>(
    `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements`,
  );
  return rows;
}

/**
 * Checks out the pool's idle connections (at least one) and gives `fn`, for each sample, the
 * connection that executed its prepared statement most (and that statement), or the first
 * connection and no statement when none has it prepared. Nothing else may use the pool meanwhile.
 */
export async function withPreparedStatements<T>(
  inner: PgDb,
  samples: readonly StatementSample[],
  fn: (found: { client: pg.PoolClient; statement: Prepared | undefined }[]) => Promise<T>,
): Promise<T> {
  const clients = await Promise.all(
    Array.from({ length: Math.max(1, inner.pool.idleCount) }, () => inner.pool.connect()),
  );
  try {
    const prepared = await Promise.all(clients.map((c) => preparedOn(c)));
    const runs = (s: Prepared) => s.generic_plans + s.custom_plans;
    return await fn(
      samples.map((sample) => {
        let best: { client: pg.PoolClient; statement: Prepared } | undefined;
        clients.forEach((client, i) => {
          const statement = prepared[i]!.find((p) => p.statement === sample.sql);
          if (statement && (!best || runs(statement) > runs(best.statement)))
            best = { client, statement };
        });
        return best ?? { client: clients[0]!, statement: undefined };
      }),
    );
  } finally {
    for (const client of clients) client.release();
  }
}

export type PlanCacheMode = 'force_generic_plan' | 'force_custom_plan';

/**
 * EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON) of a statement in a transaction rolled back
 * after (ANALYZE executes: an UPDATE or DELETE must not stay done): through `statement`, the
 * connection's prepared statement, with the sample's parameters as literals, so the plan cache
 * picks the plan as it did for the statement's callers; else as an unnamed statement.
 */
export async function explainOnce(
  client: pg.PoolClient,
  sample: StatementSample,
  statement: Prepared | undefined,
  mode?: PlanCacheMode,
): Promise<Explained> {
  const options = 'EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON)';
  const params = sample.params.map(literal);
  await client.query('BEGIN');
  try {
    if (mode) await client.query(`SET LOCAL plan_cache_mode = ${mode}`);
    const { rows } = statement
      ? await client.query<{ 'QUERY PLAN': unknown }>(
          `${options} EXECUTE ${statement.name}${params.length > 0 ? `(${params.join(', ')})` : ''}`,
        )
      : await client.query<{ 'QUERY PLAN': unknown }>(`${options} ${sample.sql}`, [
          ...sample.params,
        ]);
    const value = rows[0]!['QUERY PLAN'];
    return ((typeof value === 'string' ? JSON.parse(value) : value) as Explained[])[0]!;
  } finally {
    await client.query('ROLLBACK');
  }
}

export interface PlanCacheExplain {
  /** The plan the plan cache ran (or the unnamed statement's). */
  plan: Explained;
  /** Which plan that was; `unnamed` when no pooled connection had the statement prepared. */
  plan_kind: 'generic' | 'custom' | 'unnamed';
  /** The same statement under plan_cache_mode force_generic_plan and force_custom_plan. */
  forced: { generic: Explained; custom: Explained } | null;
}

/** explainOnce as the plan cache decides, then forced each way (a prepared statement only). */
export async function explainPlans(
  client: pg.PoolClient,
  sample: StatementSample,
  statement: Prepared | undefined,
): Promise<PlanCacheExplain> {
  const plan = await explainOnce(client, sample, statement);
  if (!statement) return { plan, plan_kind: 'unnamed', forced: null };
  const after = (await preparedOn(client)).find((p) => p.name === statement.name);
  return {
    plan,
    plan_kind: after && after.generic_plans > statement.generic_plans ? 'generic' : 'custom',
    forced: {
      generic: await explainOnce(client, sample, statement, 'force_generic_plan'),
      custom: await explainOnce(client, sample, statement, 'force_custom_plan'),
    },
  };
}

export function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/** A Seq Scan of forgeflow.`table` anywhere in the plan. */
export function seqScanOn(plan: PlanNode, table: string): boolean {
  return nodesOf(plan).some(
    (n) =>
      n['Node Type'] === 'Seq Scan' &&
      n['Relation Name'] === table &&
      (n.Schema ?? 'forgeflow') === 'forgeflow',
  );
}

/** Every scan node of the plan, e.g. "Index Only Scan using tasks_ready on forgeflow.tasks". */
export function scansOf(plan: PlanNode): string[] {
  return nodesOf(plan)
    .filter((n) => n['Relation Name'] !== undefined && n['Node Type'] !== 'ModifyTable')
    .map(
      (n) =>
        `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} on ${
          n.Schema ? `${n.Schema}.` : ''
        }${n['Relation Name']}`,
    );
}

/**
 * A parameter as an SQL literal for EXECUTE; the prepared statement's types coerce it (an
 * array as an untyped array literal: `ARRAY['…']` would be text[], which uuid[] does not take).
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (Array.isArray(value)) return pg.escapeLiteral(arrayLiteral(value));
  return pg.escapeLiteral(JSON.stringify(value));
}

function arrayLiteral(values: readonly unknown[]): string {
  const element = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayLiteral(v);
    const text =
      v instanceof Date
        ? v.toISOString()
        : typeof v === 'string'
          ? v
          : typeof v === 'bigint'
            ? v.toString()
            : JSON.stringify(v);
    return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  };
  return `{${values.map(element).join(',')}}`;
}
