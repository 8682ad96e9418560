/**
 * The runtime's API for the edges (CLI, server, tests): start runs, read them, wait for them,
 * and create workers. Everything durable is in the database; this object holds only caches
 * and wiring, so many runtimes in many processes can share one Postgres.
 */
import type { Graph } from '../compiler/graph.js';
import type { Db } from '../db/db.js';
import type { Event } from '../events/event.js';
import { systemClock, type Clock } from './clock.js';
import { publish, type Engine } from './engine.js';
import { RuntimeEvents } from './events.js';
import { getRun, listRuns, runHistory } from './queries.js';
import { RunCache } from './run-cache.js';
import { startRun, type StartedRun } from './start-run.js';
import { TERMINAL_RUN_STATES, type RunStatus } from './states.js';
import { DEFAULT_SETTINGS, type RuntimeSettings } from './types.js';
import { Worker, type WorkerOptions } from './worker.js';

export interface RuntimeOptions {
  db: Db;
  clock?: Clock;
  settings?: Partial<RuntimeSettings>;
  random?: () => number;
}

export class Runtime {
  readonly events = new RuntimeEvents();
  readonly engine: Engine;
  private readonly workers = new Set<Worker>();

  constructor(options: RuntimeOptions) {
    this.engine = {
      db: options.db,
      clock: options.clock ?? systemClock,
      settings: { ...DEFAULT_SETTINGS, ...options.settings },
      cache: new RunCache(),
      events: this.events,
      random: options.random ?? Math.random,
    };
  }

  get db(): Db {
    return this.engine.db;
  }

  async start(
    graph: Graph,
    event: Event,
    options: { idempotencyKey?: string } = {},
  ): Promise<StartedRun> {
    const { started, after } = await startRun(
      this.engine.db,
      { graph, event, ...options },
      this.engine.clock.now(),
      this.engine.settings,
    );
    publish(this.engine, after);
    // A worker in this process will need the graph next: it is already here.
    if (started.created)
      this.engine.cache.put({ id: started.runId, pipeline: graph.pipeline, graph, event });
    return started;
  }

  getRun(id: string) {
    return getRun(this.engine.db, id);
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
   * `recheckMs`, because a notification sent while the connection was down is lost.
   */
  async waitForRun(id: string, timeoutMs?: number, recheckMs = 1_000): Promise<RunStatus> {
    let resolve!: (status: RunStatus) => void;
    let reject!: (error: Error) => void;
    const finished = new Promise<RunStatus>((res, rej) => ((resolve = res), (reject = rej)));
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
      clearInterval(recheck);
      clearTimeout(timer);
      await unlisten();
    }
  }

  createWorker(options: WorkerOptions): Worker {
    const worker = new Worker(this.engine, options);
    this.workers.add(worker);
    return worker;
  }

  /** Stops every worker this runtime created (the database is the caller's to close). */
  async stopWorkers(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop(graceMs)));
    this.workers.clear();
  }
}
