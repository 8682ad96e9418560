/**
 * An attempt's span: the handler call, live, in the worker that runs it, a child of its run's
 * root (run-trace.ts), so a handler's own instrumented calls (HTTP, pg) nest under it when an
 * SDK is configured. Without one the span is the API's non-recording span: no attributes are
 * built for it.
 */
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ErrorInfo } from '../../contracts/errors.js';
import type { ClaimedAttempt } from '../attempt-start.js';
import { runContext, tracer } from './run-trace.js';

export const ATTEMPT_SPAN = 'forgeflow attempt';

export function startAttemptSpan(claimed: ClaimedAttempt, handler: string, at: number): Span {
  const span = tracer().startSpan(ATTEMPT_SPAN, { startTime: at }, runContext(claimed.run.id));
  if (span.isRecording())
    span.setAttributes({
      'forgeflow.run.id': claimed.run.id,
      'forgeflow.pipeline': claimed.run.pipeline,
      'forgeflow.node.id': claimed.node.id,
      'forgeflow.handler': handler,
      'forgeflow.attempt': claimed.attempt,
    });
  return span;
}

/** Runs `work` with the attempt's span active (what the handler starts nests under it). */
export function inSpan<T>(span: Span, work: () => T): T {
  return span.isRecording() ? context.with(trace.setSpan(context.active(), span), work) : work();
}

export function endAttemptSpan(
  span: Span,
  outcome: string,
  error: ErrorInfo | undefined,
  at: number,
): void {
  if (span.isRecording()) {
    span.setAttribute('forgeflow.outcome', outcome);
    if (error) {
      span.setAttribute('forgeflow.error.type', error.type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
  }
  span.end(at);
}
