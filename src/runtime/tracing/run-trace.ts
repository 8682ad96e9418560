/**
 * A run's trace, the same in every process: a run outlives the worker that started it, so its
 * spans cannot share a parent held in memory. Its trace id is its own UUID (32 hex digits, as
 * a W3C trace id is), and every span of the run (its attempts as they run, its nodes and
 * itself when it ends) is made a child of one remote root span whose id is the UUID's last 16
 * digits. Nothing is hashed and nothing is stored: any process can find a run's trace.
 */
import {
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';

/** The instrumentation scope of forgeflow's spans. */
export const TRACER_NAME = 'forgeflow';

/**
 * The tracer; a no-op one (whose spans do not record) until an SDK registers a provider.
 * Asked for each time, not kept: a provider registered later is then used.
 */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The run's root span context: trace id from its UUID, span id from its last 16 digits. */
export function runRoot(runId: string): SpanContext {
  const hex = runId.replaceAll('-', '').toLowerCase();
  return {
    traceId: hex,
    spanId: hex.slice(16),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** A context whose active span is the run's root: spans started in it join the run's trace. */
export function runContext(runId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, runRoot(runId));
}
