/**
 * One attempt of a node in a worker's slot: its handler is found, its secrets opened and its
 * input checked; it is called with its HandlerContext (built in callHandler), with the attempt,
 * deadline and heartbeat timeouts armed; its outcome (an output, an error, or why it was
 * aborted) is recorded. What claims attempts and keeps their leases is worker.ts.
 */
import type { Span } from '@opentelemetry/api';
import { handlerRuntimeValidator } from '../contracts/handler-input.js';
import { errorInfo, HandlerError, toErrorInfo } from '../contracts/errors.js';
import { heartbeatEvery } from '../contracts/heartbeat.js';
import { timeoutError, type TimeoutKind } from './attempt-outcome.js';
import { openAttemptSecrets } from './attempt-secrets.js';
import type { ClaimedAttempt } from './attempt-start.js';
import type { Completions } from './completions.js';
import type { AttemptResult } from './finish.js';
import { handlerOf } from './graph-index.js';
import { heartbeat } from './leases.js';
import { AttemptLog } from './logs/attempt-log.js';
import type { ReportDeps } from './report-delivery.js';
import { storable, storableError } from './storable.js';
import { endAttemptSpan, inSpan, startAttemptSpan } from './tracing/attempt-span.js';

/** Why internal timers are stopped: a given reason spares abort() building a DOMException. */
const DONE = 'done';

/** Why an attempt's AbortSignal fired: decides how the attempt is recorded. */
export type AbortReason =
  | { kind: 'timeout'; timeout: TimeoutKind }
  | { kind: 'shutdown' }
  | { kind: 'lease_lost' }
  | { kind: 'canceled'; reason?: string };

export interface AttemptDeps extends ReportDeps {
  /**
   * Aborted when the worker's stop() is done waiting: an attempt still running then records
   * nothing (its lease lapses and the sweeper of a live worker ends it).
   */
  stopped: AbortSignal;
  /** Where the attempt's outcome is recorded (grouped with the worker's other completions). */
  completions: Completions;
}

/**
 * Runs a claimed attempt to its end and records it; `controller` aborts it from outside.
 * Returns the attempt its slot takes over, if recording it started one (finish.ts).
 */
export async function executeAttempt(
  deps: AttemptDeps,
  claimed: ClaimedAttempt,
  controller: AbortController,
): Promise<ClaimedAttempt | undefined> {
  const { clock } = deps.engine;
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
    heartbeatTimer.abort(DONE);
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

  const log = new AttemptLog(deps.engine, deps.logger, {
    runId: claimed.run.id,
    nodeId: claimed.node.id,
    attempt: claimed.attempt,
  });
  const handler = handlerOf(claimed.node);
  const startedAt = clock.now();
  const span = startAttemptSpan(claimed, handler, startedAt);
  let result: AttemptResult;
  try {
    const call = inSpan(span, () =>
      callHandler(deps, claimed, controller.signal, log, async (details) => {
        if (controller.signal.aborted) return;
        const kept = storable(details);
        try {
          if (await heartbeat(deps.engine, deps.worker, claimed, kept.ok ? kept.value : null))
            armHeartbeat();
          else controller.abort({ kind: 'lease_lost' } satisfies AbortReason);
        } catch (error) {
          // A database hiccup is not the handler's failure; the lease keeper retries anyway.
          deps.logger.warn(
            { err: error, worker: deps.worker, node: claimed.node.id },
            'heartbeat not recorded',
          );
        }
      }),
    );
    const output = await withAbortGrace(deps, controller.signal, stopTimers.signal, call);
    const kept = storable(output);
    result = controller.signal.aborted
      ? abortedResult(deps, claimed, controller.signal.reason)
      : kept.ok
        ? { ok: true, output: kept.value }
        : {
            ok: false,
            outcome: 'failed',
            error: errorInfo('InvalidOutput', `the output cannot be stored: ${kept.reason}`, {
              nonRetryable: true,
            }),
          };
  } catch (error) {
    result = controller.signal.aborted
      ? abortedResult(deps, claimed, controller.signal.reason)
      : { ok: false, outcome: 'failed', error: toErrorInfo(error) };
  } finally {
    stopTimers.abort(DONE);
    heartbeatTimer.abort(DONE);
  }
  const ended = result.ok ? result : { ...result, error: storableError(result.error) };
  attemptEnded(deps, claimed, handler, ended, startedAt, span);
  // Its lines are stored before its end is: whoever sees the node finished sees all of them.
  await log.close();
  return recordResult(deps, claimed, ended);
}

/** The attempt's span ends and its `attempt:ended` event (what metrics count) is emitted. */
function attemptEnded(
  deps: AttemptDeps,
  claimed: ClaimedAttempt,
  handler: string,
  result: AttemptResult,
  startedAt: number,
  span: Span,
): void {
  const at = deps.engine.clock.now();
  const outcome = result.ok ? 'succeeded' : result.outcome;
  const error = result.ok ? undefined : result.error;
  endAttemptSpan(span, outcome, error, at);
  deps.engine.events.emit({
    type: 'attempt:ended',
    runId: claimed.run.id,
    nodeId: claimed.node.id,
    attempt: claimed.attempt,
    pipeline: claimed.run.pipeline,
    handler,
    outcome,
    errorType: error?.type ?? null,
    startedAt,
    at,
  });
}

/**
 * The handler's result; or, once `signal` aborted and the handler has not returned within
 * abortGraceMs, an error: the attempt is recorded without it and the slot freed.
 */
async function withAbortGrace<T>(
  deps: AttemptDeps,
  signal: AbortSignal,
  done: AbortSignal,
  work: Promise<T>,
): Promise<T> {
  const graceMs = deps.engine.settings.abortGraceMs;
  const abandoned = new Promise<never>((_, reject) => {
    const onAbort = () =>
      void deps.engine.clock.sleep(graceMs, AbortSignal.any([done, deps.stopped])).then(() => {
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

async function callHandler(
  deps: AttemptDeps,
  claimed: ClaimedAttempt,
  signal: AbortSignal,
  log: AttemptLog,
  beat: (details: unknown) => Promise<void>,
): Promise<unknown> {
  const action = claimed.node.action;
  if (action.kind !== 'activity' && action.kind !== 'poll')
    throw new Error(`node ${claimed.node.id} is not an activity`);
  const name = action.handler;
  const handler = deps.handlers.get(name);
  if (!handler)
    throw new HandlerError(
      'HandlerNotFound',
      `no handler "${name}" is registered on worker ${deps.worker}`,
      { nonRetryable: true },
    );
  // Secrets are resolved here and masked in all the call gives back (attempt-secrets.ts).
  const secrets = await openAttemptSecrets(claimed, deps.engine.settings.secrets);
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
  log.maskWith((text) => secrets.text(text));
  return secrets.guard(() =>
    handler.run(secrets.input, {
      runId: claimed.run.id,
      nodeId: claimed.node.id,
      attempt: claimed.attempt,
      signal,
      logger: secrets.logger(deps.logger),
      log,
      heartbeat: (details) => beat(secrets.mask(details)),
      heartbeatEveryMs: heartbeatEvery(claimed.node.timeouts.heartbeat_ms),
      sleep: (ms, until) =>
        deps.engine.clock.sleep(ms, until ? AbortSignal.any([signal, until]) : signal),
      lastHeartbeatDetails: claimed.lastHeartbeatDetails,
      event: claimed.run.event,
      settings: deps.handlerSettings,
      runs: deps.runs,
    }),
  );
}

function abortedResult(deps: AttemptDeps, claimed: ClaimedAttempt, reason: unknown): AttemptResult {
  const why = reason as AbortReason | undefined;
  if (why?.kind === 'timeout')
    return { ok: false, outcome: 'timed_out', error: timeoutError(why.timeout, claimed.node) };
  if (why?.kind === 'canceled') {
    return {
      ok: false,
      outcome: 'canceled',
      error: errorInfo(
        'Canceled',
        why.reason ?? 'the run is being stopped; the attempt was aborted',
        { nonRetryable: true },
      ),
    };
  }
  if (why?.kind === 'shutdown') {
    return {
      ok: false,
      outcome: 'canceled',
      error: errorInfo('WorkerShutdown', `worker ${deps.worker} shut down`),
    };
  }
  return {
    ok: false,
    outcome: 'failed',
    error: errorInfo('LeaseLost', 'the lease was lost'),
  };
}

/** Records the result; a failing database is retried until the lease would be gone anyway. */
async function recordResult(
  deps: AttemptDeps,
  claimed: ClaimedAttempt,
  result: AttemptResult,
): Promise<ClaimedAttempt | undefined> {
  const giveUp = deps.engine.clock.now() + deps.engine.settings.leaseMs * 2;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    if (deps.stopped.aborted) return; // the worker's stop() let this attempt go (see stopped)
    try {
      return (await deps.completions.submit(claimed, result)).next;
    } catch (error) {
      deps.logger.warn(
        { err: error, worker: deps.worker, node: claimed.node.id },
        'could not record an attempt result; retrying',
      );
      if (deps.engine.clock.now() > giveUp) return; // the sweeper will time the attempt out
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
