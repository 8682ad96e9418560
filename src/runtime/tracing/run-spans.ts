/**
 * A run's span and its nodes' spans, made when the run ends, in the process that ended it, with
 * the times the database recorded (a run and its nodes outlive processes: no span is held open
 * across them). Each is a child of the run's root (run-trace.ts), beside its attempts' spans,
 * which ran live. Without an SDK the run's span does not record and nothing is read.
 */
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Engine } from '../engine.js';
import type { EventOf } from '../events.js';
import { findNode, handlerOf } from '../graph-index.js';
import { nodeTimes } from '../queries.js';
import { runContext, tracer } from './run-trace.js';

export const RUN_SPAN = 'forgeflow run';
export const NODE_SPAN = 'forgeflow node';

/** Makes the spans of each run that ends here; returns a function that stops it. */
export function traceRunEnds(engine: Engine): () => void {
  return engine.events.on('run:finished', (event) => void traceRun(engine, event));
}

async function traceRun(engine: Engine, event: EventOf<'run:finished'>): Promise<void> {
  const parent = runContext(event.runId);
  const span = tracer().startSpan(RUN_SPAN, { startTime: event.startedAt }, parent);
  if (!span.isRecording()) return span.end(event.at);
  span.setAttributes({
    'forgeflow.run.id': event.runId,
    'forgeflow.pipeline': event.pipeline,
    'forgeflow.repository': event.repo,
    'forgeflow.status': event.status,
  });
  markFailure(span, event.status);
  try {
    const spec = engine.cache.peek(event.runId);
    for (const node of await nodeTimes(engine.db, event.runId)) {
      const nodeSpan = tracer().startSpan(
        NODE_SPAN,
        {
          startTime: node.started_at,
          attributes: {
            'forgeflow.run.id': event.runId,
            'forgeflow.node.id': node.node_id,
            'forgeflow.handler': handlerOf(spec && findNode(spec, node.node_id)),
            'forgeflow.status': node.status,
            'forgeflow.attempts': node.attempt,
          },
        },
        parent,
      );
      markFailure(nodeSpan, node.status);
      nodeSpan.end(node.finished_at);
    }
  } catch (error) {
    span.recordException(error as Error);
  } finally {
    span.end(event.at);
  }
}

function markFailure(span: Span, status: string): void {
  if (status === 'failed' || status === 'timed_out')
    span.setStatus({ code: SpanStatusCode.ERROR, message: status });
}
