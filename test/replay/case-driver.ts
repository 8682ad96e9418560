/**
 * The Driver a case's `drive` gets (case.ts): one worker taking one attempt at a time, and a
 * FakeClock that moves only when everything is quiet, straight to the next due task (time
 * skipping, as Temporal's test server does). So each run's events come in one order only, at
 * the same clock times, however fast the machine or the database is.
 */
import type { Graph, StoredGraph } from '../../src/contracts/graph.js';
import type { Db } from '../../src/db/db.js';
import type { Event } from '../../src/events/event.js';
import type { Handler } from '../../src/handlers/types.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { Worker } from '../../src/runtime/worker.js';
import { workerOptions } from '../support/runtime.js';
import type { CaseKit, Driver } from './case.js';

const WORKER_ID = 'replay-worker';
/** The fallback poll, on the fake clock: it must never be what moves a case along. */
const POLL_MS = 86_400_000;

export class CaseDriver implements Driver {
  /** The top-level runs, in the order started. */
  readonly roots: string[] = [];
  private worker: Worker | undefined;

  constructor(
    readonly runtime: Runtime,
    readonly clock: FakeClock,
    readonly kit: CaseKit,
    private readonly handlers: Map<string, Handler>,
    private readonly graph: StoredGraph,
    private readonly event: Event,
  ) {}

  private get db(): Db {
    return this.runtime.db;
  }

  async startWorker(): Promise<void> {
    this.worker = this.runtime.createWorker(
      workerOptions(this.handlers, { id: WORKER_ID, concurrency: 1, pollMs: POLL_MS }),
    );
    await this.worker.start();
  }

  async start(): Promise<string> {
    // The runtime takes a format-1 graph as stored; `start` is typed for what compilers make.
    const { runId } = await this.runtime.start(this.graph as Graph, this.event);
    this.roots.push(runId);
    return runId;
  }

  async settle(): Promise<void> {
    const worker = this.worker;
    if (!worker) throw new Error('settle: the case has not started its worker');
    for (;;) {
      const idle = this.runtime.events.next(
        'worker:idle',
        (e) => e.worker === WORKER_ID && worker.busy === 0,
      );
      // Wakes the worker, so that it looks again and says it is idle after this point.
      await this.db.query(`SELECT pg_notify('forgeflow_tasks', '')`);
      await idle;
      // An idle worker may yet be woken by a commit it has not heard of: then look again.
      if (worker.busy === 0 && (await this.nextDue()) > this.clock.now()) return;
    }
  }

  async skip(): Promise<boolean> {
    await this.settle();
    const due = await this.nextDue();
    if (due === Infinity) return false;
    this.clock.advance(due - this.clock.now());
    return true;
  }

  async drain(): Promise<void> {
    while (await this.skip());
  }

  /** When the next task nobody holds falls due (Infinity: none). */
  private async nextDue(): Promise<number> {
    const { rows } = await this.db.query<{ due: Date | null }>(
      'SELECT min(due_at) AS due FROM forgeflow.tasks WHERE lease_owner IS NULL',
    );
    return rows[0]?.due?.getTime() ?? Infinity;
  }
}
