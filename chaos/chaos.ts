/**
 * One chaos session, start to verdict: a throwaway PostgreSQL cluster of its own (never the
 * shared server), `workers` real worker processes, N runs of the workload started at an even
 * pace while the drawn schedule SIGKILLs workers (each replaced at once) and restarts the
 * server with `pg_ctl restart -m immediate` (a crash, for the server: crash recovery on start);
 * then it waits for the runs to end (those that do not within `settleMs` are stuck), stops the
 * workers, and judges (checks.ts). Why Postgres only: several worker processes need a server,
 * and PGlite serves one process (its crash recovery has test/runtime/crash.test.ts and
 * restart.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/db/migrate.js';
import { openPg, type PgDb } from '../src/db/pg.js';
import { Random } from '../fuzz/random.js';
import { startCluster, type Cluster } from '../test/support/pg-cluster.js';
import { testRuntime } from '../test/support/runtime.js';
import { judge, type Verdict } from './checks.js';
import { readFacts } from './facts.js';
import { readLedger } from './ledger.js';
import { drawSchedule, type Blow } from './schedule.js';
import { WorkerProcesses } from './workers.js';
import { pause, startRuns, workloadGraph } from './workload.js';

export interface ChaosOptions {
  runs: number;
  kills: number;
  restarts: number;
  seed: number;
  workers: number;
  /** Attempts at once per worker. */
  concurrency: number;
  /** FORGEFLOW_WORKER_DEAD_AFTER for the workers, e.g. `10s` (the default) or `3s`. */
  deadAfter: string;
  /** How long the chaos lasts: runs are started, and blows dealt, over this time. */
  durationMs: number;
  /**
   * Once the chaos is over, how long the runs may go without any of them moving before those
   * not final count as stuck.
   */
  settleMs: number;
  /** Keep the directory of ledgers and worker logs (it is kept anyway on a violation). */
  keep?: boolean;
  log?: (line: string) => void;
  /** Aborted (Ctrl-C): no more starts or blows, no more waiting; judged and cleaned up as usual. */
  signal?: AbortSignal;
}

export interface ChaosResult {
  options: ChaosOptions;
  verdict: Verdict;
  kills: number;
  restarts: number;
  workersStarted: number;
  /** Ledger lines that did not parse. */
  tornLines: number;
  wallMs: number;
  /** From the end of the chaos to the last run ending. */
  drainMs: number;
  /** The ledgers and logs, when kept. */
  dir: string | undefined;
  /** The machine's 1-minute load average as the chaos ended (its figures depend on it). */
  load: number;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-chaos-'));
  let keep = options.keep ?? false;
  let cluster: Cluster | undefined;
  let db: PgDb | undefined;
  let workers: WorkerProcesses | undefined;
  try {
    cluster = await startCluster({ maxConnections: 300 });
    db = openPg(cluster.url, {
      applicationName: 'forgeflow-chaos',
      max: 4,
      onError: () => undefined,
    });
    await migrate(db);
    const schedule = drawSchedule(new Random(options.seed), options);
    const graph = await workloadGraph();
    workers = new WorkerProcesses({ ...options, databaseUrl: cluster.url, dir });
    workers.start(options.workers);
    log(`cluster ${cluster.url}, ${options.workers} workers, ledgers in ${dir}`);

    const chaosBegan = Date.now();
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const dealt = deal(schedule, chaosBegan, workers, cluster, db, log, stop.signal);
    const ids = Random.forCase(options.seed, 'runs', 0);
    const starting = startRuns(db, graph, ids, {
      runs: options.runs,
      overMs: options.durationMs,
      signal: stop.signal,
    });
    const [runIds, restarts] = await Promise.all([starting, dealt]).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
    const chaosEnded = Date.now();
    const load = loadavg()[0]!;
    log(
      `chaos over after ${chaosEnded - chaosBegan} ms: ${workers.kills.length} kills, ${restarts} restarts`,
    );
    await settle(db, runIds, options.settleMs, stop.signal);
    const drainMs = Date.now() - chaosEnded;
    await workers.stop();

    const facts = await readFacts(db, testRuntime(db), runIds);
    const ledger = readLedger(dir);
    const verdict = judge(runIds, facts, ledger.executions, workers.kills);
    if (verdict.violations > 0 || ledger.torn > 0) keep = true;
    return {
      options,
      verdict,
      kills: workers.kills.length,
      restarts,
      workersStarted: workers.spawned,
      tornLines: ledger.torn,
      wallMs: Date.now() - began,
      drainMs,
      dir: keep ? dir : undefined,
      load,
    };
  } catch (error) {
    keep = true;
    throw error;
  } finally {
    await workers?.stop();
    await db?.close();
    await cluster?.remove();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Deals the blows at their moments; resolves with the number of restarts done. */
async function deal(
  schedule: readonly Blow[],
  began: number,
  workers: WorkerProcesses,
  cluster: Cluster,
  db: PgDb,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  let restarts = 0;
  for (const blow of schedule) {
    if (signal.aborted) break;
    const wait = began + blow.at - Date.now();
    if (wait > 0) await pause(wait, signal);
    if (signal.aborted) break;
    if (blow.kind === 'kill') {
      await busy(db, await workers.up(blow.slot));
      const { pid } = await workers.kill(blow.slot);
      log(`+${Date.now() - began} ms: SIGKILL worker ${pid} (slot ${blow.slot})`);
    } else {
      const from = Date.now();
      await cluster.pgCtl('-m', 'immediate', 'restart');
      restarts++;
      log(`+${from - began} ms: PostgreSQL restarted (-m immediate) in ${Date.now() - from} ms`);
    }
  }
  return restarts;
}

/**
 * Waits (polling, at most 5 s) until the worker process `pid` runs an attempt: a kill is meant
 * to take work down with it, and one that lands on a worker just up or idle would prove nothing.
 */
async function busy(db: PgDb, pid: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    const running = await db
      .query(
        `SELECT 1 FROM forgeflow.attempts WHERE status = 'running' AND worker LIKE $1 LIMIT 1`,
        [`%:${pid}:%`],
      )
      .then(
        (result) => result.rows.length > 0,
        () => true, // the server is away (restarting): kill now
      );
    if (running) return;
    await pause(50);
  }
}

/**
 * Polls until no run of `runIds` is queued or running. Gives up when none of them moved (no
 * history written) for `idleMs`: those are stuck. A backlog that drains slowly on a busy machine
 * is not stuck; nothing legitimately waits longer than a lease (30 s) and a retry.
 */
async function settle(
  db: PgDb,
  runIds: readonly string[],
  idleMs: number,
  signal: AbortSignal,
): Promise<void> {
  let progress = -1;
  let movedAt = Date.now();
  while (Date.now() - movedAt < idleMs && !signal.aborted) {
    const row = await db
      .query<{ unfinished: number; events: number }>(
        `SELECT count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS unfinished,
           coalesce(sum(history_length), 0)::int AS events
         FROM forgeflow.runs WHERE id = ANY($1::uuid[])`,
        [[...runIds]],
      )
      .then(
        (result) => result.rows[0],
        () => undefined, // the server is away: no news, try again
      );
    if (row?.unfinished === 0) return;
    if (row && row.events !== progress) [progress, movedAt] = [row.events, Date.now()];
    await pause(250);
  }
}
