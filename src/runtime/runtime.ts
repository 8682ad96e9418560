/**
 * The runtime's API for the edges (CLI, server, tests): start, cancel, retry and signal runs,
 * read them, wait for them, and create workers. Everything durable is in the database; this
 * object holds only caches and wiring, so many runtimes in many processes can share one
 * Postgres.
 *
 * Inside, imports go one way (test/architecture checks there is no cycle): shapes at the bottom
 * (types, states, history, engine, scope: no behaviour); then what decides inside a run's
 * transaction (node-end, end-run, schedule, advance, stop, signals, …); then what opens and
 * closes transactions (run-transaction, claim, concurrency, start-run); then workers and this.
 */
import type { Graph } from '../contracts/graph.js';
import type { RunControl } from '../contracts/run-control.js';
import type { Db } from '../db/db.js';
import type { Event } from '../events/event.js';
import { systemClock, type Clock } from './clock.js';
import type { Engine } from './engine.js';
import { RuntimeEvents } from './events.js';
import { previousNodes } from './previous-nodes.js';
import { runsAt } from './runs-at.js';
import { getRun, latestRunOf, listRuns, runHistory } from './queries.js';
import { retryRun, type RetryResult } from './retry-run.js';
import { RunCache } from './run-cache.js';
import { RunEndHooks, type RunEndHook } from './run-end-hooks.js';
import { inRun } from './run-transaction.js';
import { deliverSignal, type SignalResult } from './signals.js';
import { startMany } from './start-many.js';
import { StartQueue } from './start-queue.js';
import type { StartedRun, StartRunInput } from './start-run.js';
import { TERMINAL_RUN_STATES, type RunStatus, type StopStatus } from './states.js';
import { requestStop } from './stop.js';
import { traceRunEnds } from './tracing/run-spans.js';
import { DEFAULT_SETTINGS, type RuntimeSettings } from './types.js';
import { Worker, type WorkerOptions } from './worker.js';

export interface RuntimeOptions {
  db: Db;
  clock?: Clock;
  settings?: Partial<RuntimeSettings>;
  random?: () => number;
  /** Ids for new runs (random UUIDs); tests give ids that share a start. */
  newRunId?: () => string;
}

export type CancelResult =
  /** Stopping: waiting nodes were canceled, running attempts are being aborted. */
  | { outcome: 'canceling'; status: RunStatus }
  /** Nothing was running: the run ended canceled at once. */
  | { outcome: 'canceled'; status: StopStatus }
  | { outcome: 'already-canceling'; status: RunStatus }
  /** A finished run: nothing to do. */
  | { outcome: 'already-finished'; status: RunStatus };

export class Runtime {
  readonly events = new RuntimeEvents();
  readonly engine: Engine;
  private readonly workers = new Set<Worker>();
  private readonly starts: StartQueue;

  constructor(options: RuntimeOptions) {
    this.engine = {
      db: options.db,
      clock: options.clock ?? systemClock,
      settings: { ...DEFAULT_SETTINGS, ...options.settings },
      cache: new RunCache(),
      events: this.events,
      random: options.random ?? Math.random,
      newRunId: options.newRunId,
      runEndHooks: new RunEndHooks(),
    };
    this.starts = new StartQueue(this.engine);
    traceRunEnds(this.engine);
  }

  /**
   * Runs `hook` in the transaction that ends each top-level run of `pipeline` (run-end-hooks.ts);
   * one hook per pipeline. Returns a function that removes it.
   */
  onRunEnd(pipeline: string, hook: RunEndHook): () => void {
    return this.engine.runEndHooks.set(pipeline, hook);
  }

  /**
   * Runs `hook` in the transaction that ends each top-level run, whatever its pipeline (after
   * its pipeline's own hook). Returns a function that removes it.
   */
  onEveryRunEnd(hook: RunEndHook): () => void {
    return this.engine.runEndHooks.addForEveryRun(hook);
  }

  get db(): Db {
    return this.engine.db;
  }

  /**
   * Starts a run. Calls made while other starts are being written go together in the next
   * transaction (start-queue.ts); each still gets its own run, or its own error.
   */
  start(
    graph: Graph,
    event: Event,
    options: Pick<StartRunInput, 'idempotencyKey' | 'alongside' | 'configSource'> = {},
  ): Promise<StartedRun> {
    return this.starts.start({ graph, event, ...options });
  }

  /**
   * Starts many runs, set-based, in transactions of up to START_BATCH_MAX runs (start-many.ts).
   * Returns each start's run in input order; a repeated idempotency key, in the call or with an
   * earlier run, returns that run. Rejects when a transaction fails: the others may have
   * committed, and calling again with the same idempotency keys returns their runs.
   */
  startMany(inputs: readonly StartRunInput[]): Promise<StartedRun[]> {
    return startMany(this.engine, inputs);
  }

  /** Cancels a run (and its child runs); undefined when there is no such run. */
  cancel(runId: string, reason = 'canceled through the API'): Promise<CancelResult | undefined> {
    return inRun(this.engine, runId, async (scope): Promise<CancelResult> => {
      const outcome = await requestStop(scope, 'canceled', reason);
      const status = scope.run.status;
      if (outcome === 'finished') return { outcome: 'already-finished', status };
      if (outcome === 'already-stopping') return { outcome: 'already-canceling', status };
      return status === 'canceled'
        ? { outcome: 'canceled', status }
        : { outcome: 'canceling', status };
    });
  }

  /** Re-runs what failed in a finished run; undefined when there is no such run. */
  retry(runId: string): Promise<RetryResult | undefined> {
    return inRun(this.engine, runId, (scope) => retryRun(scope));
  }

  /** Sends a signal to a run; undefined when there is no such run. */
  signal(runId: string, name: string, payload: unknown = null): Promise<SignalResult | undefined> {
    return inRun(this.engine, runId, (scope) => deliverSignal(scope, name, payload));
  }

  getRun(id: string) {
    return getRun(this.engine.db, id);
  }

  latestRunOf(where: Parameters<typeof latestRunOf>[1]) {
    return latestRunOf(this.engine.db, where);
  }

  listRuns(options: Parameters<typeof listRuns>[1] = {}) {
    return listRuns(this.engine.db, options);
  }

  history(id: string, options: Parameters<typeof runHistory>[2] = {}) {
    return runHistory(this.engine.db, id, options);
  }

  /**
   * Resolves with the run's final status. Works across processes: it listens for the
   * `forgeflow_runs` notification the finishing transaction sends, checks the table once
   * listening (a run that finished in between is not missed), and re-checks it every
   * `recheckMs`, because a notification sent while the connection was down is lost. Aborting
   * `until` stops the wait (it rejects), so a caller that gives up leaves nothing running.
   */
  async waitForRun(
    id: string,
    timeoutMs?: number,
    recheckMs = 1_000,
    until?: AbortSignal,
  ): Promise<RunStatus> {
    let resolve!: (status: RunStatus) => void;
    let reject!: (error: Error) => void;
    const finished = new Promise<RunStatus>((res, rej) => ((resolve = res), (reject = rej)));
    // Rejected maybe before it is awaited (below): not an unhandled rejection.
    finished.catch(() => undefined);
    const stopWaiting = () => reject(new Error(`stopped waiting for run ${id}`));
    if (until?.aborted) stopWaiting();
    until?.addEventListener('abort', stopWaiting, { once: true });
    const check = async () => {
      const { rows } = await this.engine.db.query<{ status: RunStatus }>(
        'SELECT status FROM forgeflow.runs WHERE id = $1',
        [id],
      );
      const status = rows[0]?.status;
      if (status === undefined) reject(new Error(`no run ${id}`));
      else if (TERMINAL_RUN_STATES.includes(status)) resolve(status);
    };
    const unlisten = await this.engine.db.listen('forgeflow_runs', (payload) => {
      const [runId, status] = payload.split(':');
      if (runId === id) resolve(status as RunStatus);
    });
    const recheck = setInterval(() => void check().catch(() => undefined), recheckMs);
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => reject(new Error(`run ${id} did not finish within ${timeoutMs} ms`)),
            timeoutMs,
          );
    try {
      await check();
      return await finished;
    } finally {
      until?.removeEventListener('abort', stopWaiting);
      clearInterval(recheck);
      clearTimeout(timer);
      await unlisten();
    }
  }

  /**
   * What handlers may do to runs (HandlerContext.runs): start, find, retry, cancel and signal
   * them; nothing else of this object reaches a handler.
   */
  readonly control: RunControl = {
    start: (graph, event, options) => this.start(graph, event, options),
    latestRunOf: (where) => this.latestRunOf(where),
    previousNodes: (where) => previousNodes(this.engine.db, where),
    runsAt: (where) => runsAt(this.engine.db, where),
    retry: (runId) => this.retry(runId),
    cancel: (runId, reason) => this.cancel(runId, reason),
    signal: (runId, name, payload) => this.signal(runId, name, payload),
  };

  createWorker(options: WorkerOptions): Worker {
    const worker = new Worker(this.engine, options, this.control);
    this.workers.add(worker);
    return worker;
  }

  /** Stops every worker this runtime created (the database is the caller's to close). */
  /** The slots of this process's workers: how many run something now, and how many there are. */
  slots(): { busy: number; total: number } {
    let busy = 0;
    let total = 0;
    for (const worker of this.workers) {
      busy += worker.busy;
      total += worker.capacity;
    }
    return { busy, total };
  }

  async stopWorkers(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop(graceMs)));
    this.workers.clear();
  }
}
