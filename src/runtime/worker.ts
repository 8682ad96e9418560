/**
 * A worker: claims due tasks (woken by NOTIFY, polling only as a fallback), runs their handlers
 * with a bounded concurrency, keeps their leases alive, enforces attempt and heartbeat timeouts
 * locally, sweeps overdue tasks, and on stop lets in-flight attempts finish within a grace
 * period before releasing them to other workers.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { handlerRuntimeValidator } from '../contracts/handler-input.js';
import type { Handler, HandlerLogger, HandlerSettings } from '../handlers/types.js';
import { HandlerError, toErrorInfo } from '../contracts/errors.js';
import { timeoutError, type TimeoutKind } from './attempt-outcome.js';
import { openAttemptSecrets } from './attempt-secrets.js';
import { claim, type ClaimedAttempt } from './claim.js';
import { dequeue } from './concurrency.js';
import { deliverReport, type ReportDeps } from './report-delivery.js';
import type { Engine } from './engine.js';
import { finishAttempt, type AttemptResult } from './finish.js';
import { extendLeases, heartbeat } from './leases.js';
import { storable, storableError } from './storable.js';
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

/** After aborting at shutdown, how long to wait for handlers that ignore their AbortSignal. */
const ABANDON_AFTER_MS = 5_000;

type AbortReason =
  | { kind: 'timeout'; timeout: TimeoutKind }
  | { kind: 'shutdown' }
  | { kind: 'lease_lost' }
  | { kind: 'canceled' };

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
  /**
   * Aborted when stop() is done waiting for what is in flight: ends the lease keeper, and an
   * attempt still running then (its handler ignores its AbortSignal) records nothing: its lease
   * lapses and the sweeper of a live worker ends it.
   */
  private readonly keeperStop = new AbortController();
  private readonly unlisten: (() => Promise<void>)[] = [];
  private nextSweep = 0;

  constructor(
    private readonly engine: Engine,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 10;
    this.pollMs = options.pollMs ?? 1_000;
    this.sweepMs = options.sweepMs ?? Math.max(1_000, Math.floor(engine.settings.leaseMs / 2));
  }

  async start(): Promise<void> {
    this.unlisten.push(await this.engine.db.listen('forgeflow_tasks', () => this.wake()));
    this.unlisten.push(
      await this.engine.db.listen('forgeflow_cancel', (runId) => this.abortRun(runId)),
    );
    this.loop = this.run();
    this.keeper = this.keepLeases();
  }

  /** Stops claiming, lets in-flight attempts finish for `graceMs`, then aborts and releases them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = Promise.all([...this.inFlight.values()].map((f) => f.done));
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
    for (const unlisten of this.unlisten.splice(0)) await unlisten();
  }

  /** The run is being stopped: abort its attempts running here. */
  private abortRun(runId: string): void {
    for (const flight of this.inFlight.values())
      if (flight.kind === 'attempt' && flight.runId === runId && !flight.controller.signal.aborted)
        flight.controller.abort({ kind: 'canceled' } satisfies AbortReason);
  }

  private get stopped(): AbortSignal {
    return this.keeperStop.signal;
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private wake(): void {
    this.wakeUp.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const free = this.concurrency - this.inFlight.size;
        const claimedAt = this.engine.clock.now();
        // Claimed with no slot free too: timers, deadlines and cancels take none.
        const claimed = await claim(this.engine, this.id, Math.max(0, free));
        for (const attempt of claimed.attempts)
          this.track(attempt.taskId, attempt.run.id, 'attempt', (flight) =>
            this.execute(attempt, flight.controller),
          );
        for (const report of claimed.reports)
          this.track(report.taskId, report.run.id, 'report', (flight) =>
            deliverReport(this.reportDeps, report, flight.controller.signal),
          );
        for (const taskId of claimed.dequeues)
          await dequeue(this.engine, this.id, taskId).catch((error: unknown) =>
            this.options.logger.error({ err: error, worker: this.id }, 'dequeue failed'),
          );
        if (this.engine.clock.now() >= this.nextSweep) {
          this.nextSweep = this.engine.clock.now() + this.sweepMs;
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
      const due = await this.nextDue();
      // Read after the query: time that passed during it must not be slept again.
      const now = this.engine.clock.now();
      let delay = Math.max(0, Math.min(this.pollMs, this.nextSweep - now, due - now));
      // A task due already that the claim did not get is held by another claimer: no spin.
      if (delay === 0 && held !== undefined && due <= held) delay = Math.min(this.pollMs, 50);
      if (this.wakeUp.signal.aborted || delay === 0) {
        this.wakeUp = new AbortController();
        return;
      }
      this.engine.events.emit({ type: 'worker:idle', worker: this.id });
      await this.engine.clock.sleep(delay, this.wakeUp.signal);
      const notified = this.wakeUp.signal.aborted;
      this.wakeUp = new AbortController();
      const after = this.engine.clock.now();
      if (notified || this.stopping || after >= due || after >= this.nextSweep) return;
    }
  }

  /**
   * When the next task this worker could take falls due. With no free slot, the next attempt
   * is no reason to wake (a finishing attempt wakes us); the next timer, deadline or cancel
   * is. Two index probes, however many tasks are pending.
   */
  private async nextDue(): Promise<number> {
    const { rows } = await this.engine.db.query<{ attempt: Date | null; internal: Date | null }>(
      `SELECT (SELECT min(due_at) FROM forgeflow.tasks WHERE lease_owner IS NULL AND kind IN ('attempt', 'report')) AS attempt,
              (SELECT min(due_at) FROM forgeflow.tasks WHERE lease_owner IS NULL AND kind NOT IN ('attempt', 'report')) AS internal`,
    );
    const slotFree = this.inFlight.size < this.concurrency;
    return Math.min(
      slotFree ? (rows[0]?.attempt?.getTime() ?? Infinity) : Infinity,
      rows[0]?.internal?.getTime() ?? Infinity,
    );
  }

  private async keepLeases(): Promise<void> {
    const every = Math.max(100, Math.floor(this.engine.settings.leaseMs / 3));
    while (!this.keeperStop.signal.aborted) {
      await this.engine.clock.sleep(every, this.keeperStop.signal);
      if (this.keeperStop.signal.aborted) break;
      try {
        const { lost, canceled } = await extendLeases(this.engine, this.id, [
          ...this.inFlight.keys(),
        ]);
        for (const id of lost)
          this.inFlight.get(id)?.controller.abort({ kind: 'lease_lost' } satisfies AbortReason);
        for (const id of canceled)
          this.inFlight.get(id)?.controller.abort({ kind: 'canceled' } satisfies AbortReason);
      } catch (error) {
        this.options.logger.warn({ err: error, worker: this.id }, 'could not extend leases');
      }
    }
  }

  /** Runs work for a leased task in one of this worker's slots, its lease kept meanwhile. */
  private track(
    taskId: number,
    runId: string,
    kind: InFlight['kind'],
    work: (flight: InFlight) => Promise<void>,
  ): void {
    const flight: InFlight = {
      runId,
      kind,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    flight.done = work(flight).finally(() => {
      this.inFlight.delete(taskId);
      this.wake();
    });
    this.inFlight.set(taskId, flight);
  }

  private get reportDeps(): ReportDeps {
    return {
      engine: this.engine,
      worker: this.id,
      handlers: this.options.handlers,
      handlerSettings: this.options.handlerSettings,
      logger: this.options.logger,
    };
  }

  private async execute(claimed: ClaimedAttempt, controller: AbortController): Promise<void> {
    const { clock } = this.engine;
    const stopTimers = new AbortController();
    const armTimeout = (ms: number | null, timeout: TimeoutKind) => {
      if (ms === null) return;
      void clock.sleep(ms, stopTimers.signal).then(() => {
        if (!stopTimers.signal.aborted)
          controller.abort({ kind: 'timeout', timeout } satisfies AbortReason);
      });
    };
    if (claimed.deadline !== null) armTimeout(claimed.deadline - clock.now(), 'start_to_close');
    if (claimed.nodeDeadline !== null)
      armTimeout(claimed.nodeDeadline - clock.now(), 'schedule_to_close');
    let heartbeatTimer = new AbortController();
    const armHeartbeat = () => {
      heartbeatTimer.abort();
      heartbeatTimer = new AbortController();
      const ms = claimed.node.timeouts.heartbeat_ms;
      if (ms === null) return;
      const mine = heartbeatTimer;
      void clock.sleep(ms, AbortSignal.any([stopTimers.signal, mine.signal])).then(() => {
        if (!stopTimers.signal.aborted && !mine.signal.aborted)
          controller.abort({ kind: 'timeout', timeout: 'heartbeat' } satisfies AbortReason);
      });
    };
    armHeartbeat();

    let result: AttemptResult;
    try {
      const call = this.callHandler(claimed, controller.signal, async (details) => {
        if (controller.signal.aborted) return;
        const kept = storable(details);
        try {
          if (await heartbeat(this.engine, this.id, claimed, kept.ok ? kept.value : null))
            armHeartbeat();
          else controller.abort({ kind: 'lease_lost' } satisfies AbortReason);
        } catch (error) {
          // A database hiccup is not the handler's failure; the lease keeper retries anyway.
          this.options.logger.warn(
            { err: error, worker: this.id, node: claimed.node.id },
            'heartbeat not recorded',
          );
        }
      });
      const output = await this.withAbortGrace(controller.signal, stopTimers.signal, call);
      const kept = storable(output);
      result = controller.signal.aborted
        ? this.abortedResult(claimed, controller.signal.reason)
        : kept.ok
          ? { ok: true, output: kept.value }
          : {
              ok: false,
              outcome: 'failed',
              error: toErrorInfo(
                new HandlerError('InvalidOutput', `the output cannot be stored: ${kept.reason}`, {
                  nonRetryable: true,
                }),
              ),
            };
    } catch (error) {
      result = controller.signal.aborted
        ? this.abortedResult(claimed, controller.signal.reason)
        : { ok: false, outcome: 'failed', error: toErrorInfo(error) };
    } finally {
      stopTimers.abort();
      heartbeatTimer.abort();
    }
    await this.report(
      claimed,
      result.ok ? result : { ...result, error: storableError(result.error) },
    );
  }

  /**
   * The handler's result; or, once `signal` aborted and the handler has not returned within
   * abortGraceMs, an error: the attempt is recorded without it and the slot freed.
   */
  private async withAbortGrace<T>(
    signal: AbortSignal,
    done: AbortSignal,
    work: Promise<T>,
  ): Promise<T> {
    const graceMs = this.engine.settings.abortGraceMs;
    const abandoned = new Promise<never>((_, reject) => {
      const onAbort = () =>
        void this.engine.clock.sleep(graceMs, AbortSignal.any([done, this.stopped])).then(() => {
          if (!done.aborted)
            reject(new Error(`the handler did not return within ${graceMs} ms of being aborted`));
        });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    abandoned.catch(() => undefined);
    work.catch(() => undefined);
    return Promise.race([work, abandoned]);
  }

  private async callHandler(
    claimed: ClaimedAttempt,
    signal: AbortSignal,
    beat: (details: unknown) => Promise<void>,
  ): Promise<unknown> {
    const action = claimed.node.action;
    if (action.kind !== 'activity' && action.kind !== 'poll')
      throw new Error(`node ${claimed.node.id} is not an activity`);
    const name = action.handler;
    const handler = this.options.handlers.get(name);
    if (!handler)
      throw new HandlerError(
        'HandlerNotFound',
        `no handler "${name}" is registered on worker ${this.id}`,
        { nonRetryable: true },
      );
    // Secrets are resolved here and masked in all the call gives back (attempt-secrets.ts).
    const secrets = await openAttemptSecrets(claimed, this.engine.settings.secrets);
    // Aborted while the secrets were looked up: the handler is never started, since one that
    // only listens for the abort event would not hear it and block the slot.
    if (signal.aborted) throw new HandlerError('Aborted', 'aborted before the handler started');
    const validate = handlerRuntimeValidator(handler.spec.input);
    if (!validate(secrets.input)) {
      const problems = (validate.errors ?? [])
        .map((e) => `${e.instancePath || 'input'} ${e.message ?? ''}`)
        .join('; ');
      throw new HandlerError(
        'InvalidInput',
        `the evaluated input does not fit ${name}: ${problems}`,
        { nonRetryable: true },
      );
    }
    return secrets.guard(() =>
      handler.run(secrets.input, {
        runId: claimed.run.id,
        nodeId: claimed.node.id,
        attempt: claimed.attempt,
        signal,
        logger: secrets.logger(this.options.logger),
        heartbeat: (details) => beat(secrets.mask(details)),
        lastHeartbeatDetails: claimed.lastHeartbeatDetails,
        event: claimed.run.event,
        settings: this.options.handlerSettings,
      }),
    );
  }

  private abortedResult(claimed: ClaimedAttempt, reason: unknown): AttemptResult {
    const why = reason as AbortReason | undefined;
    if (why?.kind === 'timeout')
      return { ok: false, outcome: 'timed_out', error: timeoutError(why.timeout, claimed.node) };
    if (why?.kind === 'canceled') {
      return {
        ok: false,
        outcome: 'canceled',
        error: toErrorInfo(
          new HandlerError('Canceled', 'the run is being stopped; the attempt was aborted', {
            nonRetryable: true,
          }),
        ),
      };
    }
    if (why?.kind === 'shutdown') {
      return {
        ok: false,
        outcome: 'canceled',
        error: toErrorInfo(new HandlerError('WorkerShutdown', `worker ${this.id} shut down`)),
      };
    }
    return {
      ok: false,
      outcome: 'failed',
      error: toErrorInfo(new HandlerError('LeaseLost', 'the lease was lost')),
    };
  }

  /** Reports the result; a failing database is retried until the lease would be gone anyway. */
  private async report(claimed: ClaimedAttempt, result: AttemptResult): Promise<void> {
    const giveUp = this.engine.clock.now() + this.engine.settings.leaseMs * 2;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      if (this.stopped.aborted) return; // stop() let this attempt go (see keeperStop)
      try {
        await finishAttempt(this.engine, this.id, claimed, result);
        return;
      } catch (error) {
        this.options.logger.warn(
          { err: error, worker: this.id, node: claimed.node.id },
          'could not record an attempt result; retrying',
        );
        if (this.engine.clock.now() > giveUp) return; // the sweeper will time the attempt out
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
