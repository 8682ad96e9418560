/**
 * A worker: claims due tasks (woken by NOTIFY, polling only as a fallback), runs them with a
 * bounded concurrency (an attempt: attempt-execution.ts, which also enforces its timeouts
 * locally; a status: report-delivery.ts), keeps their leases alive, beats its liveness row (and
 * releases the tasks of workers that stopped beating: liveness.ts), sweeps overdue tasks, and
 * on stop lets in-flight attempts finish within a grace period before releasing them to other
 * workers.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunControl } from '../contracts/run-control.js';
import type { Handler, HandlerLogger, HandlerSettings } from '../handlers/types.js';
import { executeAttempt, type AbortReason, type AttemptDeps } from './attempt-execution.js';
import type { ClaimedAttempt } from './attempt-start.js';
import { claim } from './claim.js';
import { Completions } from './completions.js';
import { dequeue } from './concurrency.js';
import { deliverReport } from './report-delivery.js';
import type { Engine } from './engine.js';
import { nextDue } from './next-due.js';
import { extendLeases } from './leases.js';
import {
  beat,
  judgeTime,
  registerWorker,
  releaseDeadWorkers,
  unregisterWorker,
} from './liveness.js';
import { beatInterval } from './liveness-timing.js';
import { sweep } from './sweep.js';

export interface WorkerOptions {
  id?: string;
  /** Attempts run at once by this worker. */
  concurrency?: number;
  /** Fallback poll when no NOTIFY arrives. */
  pollMs?: number;
  /** How often this worker looks for overdue tasks. */
  sweepMs?: number;
  handlers: ReadonlyMap<string, Handler>;
  handlerSettings: HandlerSettings;
  logger: HandlerLogger;
}

const SWEEP_PAGE = 100;

/** The wake-up's abort reason: a given one spares abort() building a DOMException each time. */
const WAKE = 'wake';

/** After aborting at shutdown, how long to wait for handlers that ignore their AbortSignal. */
const ABANDON_AFTER_MS = 5_000;

interface InFlight {
  runId: string;
  /** An attempt of a node, or a status being posted (which a cancel of its run leaves alone). */
  kind: 'attempt' | 'report';
  controller: AbortController;
  done: Promise<void>;
}

export class Worker {
  readonly id: string;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly sweepMs: number;
  private readonly inFlight = new Map<number, InFlight>();
  private wakeUp = new AbortController();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private keeper: Promise<void> | undefined;
  private beater: Promise<void> | undefined;
  /**
   * Aborted when stop() is done waiting for what is in flight: ends the lease keeper, and an
   * attempt still running then (its handler ignores its AbortSignal) records nothing: its lease
   * lapses and the sweeper of a live worker ends it.
   */
  private readonly keeperStop = new AbortController();
  private readonly unlisten: (() => Promise<void>)[] = [];
  private nextSweep = 0;
  /**
   * The earliest deadline of a task the sweeper ends (a queue_timeout, a deadline, a lease),
   * read while idle: the sweep runs when it passes, not only every `sweepMs`, so a deadline
   * fires on time whatever the slots are doing, as timers do.
   */
  private nextExpiry = Infinity;
  /** When the last sweep ran: a deadline already past then that it left is held elsewhere. */
  private sweptAt: number | undefined;
  /** What attempts and status reports run in this worker's slots are given. */
  private readonly deps: AttemptDeps;

  constructor(
    private readonly engine: Engine,
    private readonly options: WorkerOptions,
    /** Handed to handlers as `context.runs`. */
    runs: RunControl,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 10;
    this.pollMs = options.pollMs ?? 1_000;
    this.sweepMs = options.sweepMs ?? Math.max(1_000, Math.floor(engine.settings.leaseMs / 2));
    this.deps = {
      engine,
      worker: this.id,
      handlers: options.handlers,
      handlerSettings: options.handlerSettings,
      logger: options.logger,
      runs,
      stopped: this.keeperStop.signal,
      completions: new Completions(engine, this.id, () => !this.stopping),
    };
  }

  async start(): Promise<void> {
    this.unlisten.push(await this.engine.db.listen('forgeflow_tasks', () => this.wake()));
    this.unlisten.push(
      await this.engine.db.listen('forgeflow_cancel', (runId) => this.abortRun(runId)),
    );
    this.unlisten.push(
      await this.engine.db.listen('forgeflow_abort', (message) => this.abortTasks(message)),
    );
    await registerWorker(this.engine, this.id);
    this.loop = this.run();
    this.keeper = this.keepLeases();
    this.beater = this.keepAlive();
  }

  /** Stops claiming, lets in-flight attempts finish for `graceMs`, then aborts and releases them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = this.settled();
    const grace = new AbortController();
    await Promise.race([all, this.engine.clock.sleep(graceMs, grace.signal)]);
    grace.abort();
    for (const flight of this.inFlight.values())
      flight.controller.abort({ kind: 'shutdown' } satisfies AbortReason);
    // A handler that ignores its AbortSignal must not keep the process: its lease will lapse.
    const abandon = new AbortController();
    await Promise.race([all, this.engine.clock.sleep(ABANDON_AFTER_MS, abandon.signal)]);
    abandon.abort();
    this.keeperStop.abort();
    await this.keeper;
    await this.beater;
    for (const unlisten of this.unlisten.splice(0)) await unlisten();
    // Gone for good: nobody needs to judge it dead. (What an abandoned attempt still holds
    // lapses with its lease, as before.)
    await unregisterWorker(this.engine, this.id).catch((error: unknown) =>
      this.options.logger.warn({ err: error, worker: this.id }, 'could not unregister worker'),
    );
  }

  /** Resolves when no slot is busy, including attempts a finishing one handed its slot to. */
  private async settled(): Promise<void> {
    while (this.inFlight.size > 0)
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /** The run is being stopped: abort its attempts running here. */
  private abortRun(runId: string): void {
    for (const flight of this.inFlight.values())
      if (flight.kind === 'attempt' && flight.runId === runId && !flight.controller.signal.aborted)
        flight.controller.abort({ kind: 'canceled' } satisfies AbortReason);
  }

  /** Attempts of a job failing fast (fail-fast.ts): abort those running here. */
  private abortTasks(message: string): void {
    const { tasks, reason } = readAbortMessage(message);
    for (const id of tasks) {
      const flight = this.inFlight.get(id);
      if (flight?.kind === 'attempt' && !flight.controller.signal.aborted)
        flight.controller.abort({ kind: 'canceled', reason } satisfies AbortReason);
    }
  }

  /** Slots running something now (attempts, status posts). */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Slots in all. */
  get capacity(): number {
    return this.concurrency;
  }

  private wake(): void {
    this.wakeUp.abort(WAKE);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const free = this.concurrency - this.inFlight.size;
        const claimedAt = this.engine.clock.now();
        // Claimed with no slot free too: timers, deadlines and cancels take none.
        const claimed = await claim(this.engine, this.id, Math.max(0, free));
        for (const attempt of claimed.attempts) this.runAttempt(attempt);
        for (const report of claimed.reports)
          this.track(report.taskId, report.run.id, 'report', (flight) =>
            deliverReport(this.deps, report, flight.controller.signal),
          );
        for (const taskId of claimed.dequeues)
          await dequeue(this.engine, this.id, taskId).catch((error: unknown) =>
            this.options.logger.error({ err: error, worker: this.id }, 'dequeue failed'),
          );
        const now = this.engine.clock.now();
        if (now >= this.nextSweep || now >= this.nextExpiry) {
          this.nextSweep = now + this.sweepMs;
          this.nextExpiry = Infinity;
          this.sweptAt = now;
          while ((await sweep(this.engine, SWEEP_PAGE)) === SWEEP_PAGE);
        }
        if (claimed.full) continue; // more may be due at once
        await this.idle(claimed.taken === 0 ? claimedAt : undefined);
      } catch (error) {
        // The database went away or a transaction failed: log, wait, try again.
        this.options.logger.error({ err: error, worker: this.id }, 'worker loop error');
        await this.engine.clock.sleep(Math.min(this.pollMs, 1_000), this.wakeUp.signal);
        this.wakeUp = new AbortController();
      }
    }
    this.wake();
  }

  /**
   * `claimedNothingAt`: when a claim found nothing. A task already due then is held by another
   * claimer: do not spin on it (one that fell due only since is claimed at once).
   */
  private async idle(claimedNothingAt: number | undefined): Promise<void> {
    // While nothing is due, one indexed query per poll interval and nothing else: a claim only
    // when a task falls due, a notification arrives or the sweep is due.
    for (let held = claimedNothingAt; ; held = undefined) {
      const { due, expiry } = await nextDue(this.engine.db, this.inFlight.size < this.concurrency);
      // A deadline the last sweep already saw past and left is being handled by another (its
      // row locked by a claimer or a sweeper): no spin on it, a short wait as for `held`.
      const swept = this.sweptAt;
      this.sweptAt = undefined;
      this.nextExpiry = swept !== undefined && expiry <= swept ? swept + 50 : expiry;
      // Read after the query: time that passed during it must not be slept again.
      const now = this.engine.clock.now();
      const wakeAt = Math.min(this.nextSweep, this.nextExpiry, due);
      let delay = Math.max(0, Math.min(this.pollMs, wakeAt - now));
      // A task due already that the claim did not get is held by another claimer: no spin.
      if (delay === 0 && held !== undefined && due <= held && this.nextExpiry > now)
        delay = Math.min(this.pollMs, 50);
      if (this.wakeUp.signal.aborted || delay === 0) {
        this.wakeUp = new AbortController();
        return;
      }
      this.engine.events.emit({ type: 'worker:idle', worker: this.id });
      await this.engine.clock.sleep(delay, this.wakeUp.signal);
      const notified = this.wakeUp.signal.aborted;
      this.wakeUp = new AbortController();
      const after = this.engine.clock.now();
      if (notified || this.stopping || after >= Math.min(due, this.nextSweep, this.nextExpiry))
        return;
    }
  }

  private async keepLeases(): Promise<void> {
    const every = Math.max(100, Math.floor(this.engine.settings.leaseMs / 3));
    while (!this.keeperStop.signal.aborted) {
      await this.engine.clock.sleep(every, this.keeperStop.signal);
      if (this.keeperStop.signal.aborted) break;
      try {
        await this.checkLeases();
      } catch (error) {
        this.options.logger.warn({ err: error, worker: this.id }, 'could not extend leases');
      }
    }
  }

  /** Extends the leases of what runs here; aborts what lost its lease or was canceled. */
  private async checkLeases(): Promise<void> {
    const { lost, canceled } = await extendLeases(this.engine, this.id, [...this.inFlight.keys()]);
    for (const id of lost)
      this.inFlight.get(id)?.controller.abort({ kind: 'lease_lost' } satisfies AbortReason);
    for (const id of canceled)
      this.inFlight.get(id)?.controller.abort({ kind: 'canceled' } satisfies AbortReason);
  }

  /**
   * Beats this worker's liveness row, and releases the tasks of workers that stopped beating
   * (the sweep that retries them is run at once). A worker that finds its own row gone was
   * judged dead (paused past its dead-after): its tasks may have been handed to others, so it
   * registers again and checks its leases at once, aborting the attempts it lost.
   */
  private async keepAlive(): Promise<void> {
    const every = beatInterval(this.engine.settings.workerDeadAfterMs);
    let lastBeatAt = this.engine.clock.now();
    while (!this.keeperStop.signal.aborted) {
      await this.engine.clock.sleep(every, this.keeperStop.signal);
      if (this.keeperStop.signal.aborted) break;
      try {
        const now = this.engine.clock.now();
        const judgeBy = judgeTime(now, lastBeatAt, every);
        const { alive, dead } = await beat(this.engine, this.id, judgeBy);
        lastBeatAt = now;
        if (!alive) {
          this.options.logger.warn(
            { worker: this.id },
            'this worker was judged dead (it missed its beats); checking its leases',
          );
          await registerWorker(this.engine, this.id);
          await this.checkLeases();
        }
        const released = await releaseDeadWorkers(this.engine, dead, judgeBy);
        if (released.workers.length > 0) {
          this.options.logger.warn(
            { worker: this.id, dead: released.workers, tasks: released.tasks },
            'released the tasks of workers that stopped beating',
          );
          this.engine.events.emit({
            type: 'workers:dead',
            by: this.id,
            workers: released.workers,
            tasks: released.tasks,
          });
          this.nextSweep = 0;
          this.wake();
        }
        this.engine.events.emit({ type: 'worker:beat', worker: this.id, alive });
      } catch (error) {
        this.options.logger.warn({ err: error, worker: this.id }, 'liveness beat failed');
      }
    }
  }

  /** An attempt in a slot; recording it may hand the slot the run's next attempt (finish.ts). */
  private runAttempt(attempt: ClaimedAttempt): void {
    this.track(attempt.taskId, attempt.run.id, 'attempt', (flight) =>
      executeAttempt(this.deps, attempt, flight.controller),
    );
  }

  /**
   * Runs work for a leased task in one of this worker's slots, its lease kept meanwhile. Work
   * that returns an attempt hands its slot over to it.
   */
  private track(
    taskId: number,
    runId: string,
    kind: InFlight['kind'],
    work: (flight: InFlight) => Promise<ClaimedAttempt | undefined | void>,
  ): void {
    const flight: InFlight = {
      runId,
      kind,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    flight.done = work(flight).then(
      (next) => {
        this.inFlight.delete(taskId);
        if (next) this.runAttempt(next);
        else this.wake();
      },
      () => {
        this.inFlight.delete(taskId);
        this.wake();
      },
    );
    this.inFlight.set(taskId, flight);
  }
}

/** forgeflow_abort's payload (run-transaction.ts abortMessage); nothing for one malformed. */
function readAbortMessage(message: string): { tasks: number[]; reason: string } {
  try {
    const { tasks, reason } = JSON.parse(message) as { tasks?: unknown; reason?: unknown };
    return {
      tasks: Array.isArray(tasks) ? tasks.filter((t): t is number => typeof t === 'number') : [],
      reason: typeof reason === 'string' ? reason : 'canceled',
    };
  } catch {
    return { tasks: [], reason: '' };
  }
}
