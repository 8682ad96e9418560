/**
 * "Everything is a run": a delivery starts a one-node plan run, whose `forgeflow.plan` activity
 * fetches the repository's config at the event's commit, compiles it and starts the pipeline
 * runs. A forge outage while fetching is then just a retried attempt.
 */
import { GRAPH_FORMAT, sealGraph, type Graph } from '../../contracts/graph.js';
import { graphTrigger } from '../../compiler/trigger-match.js';
import type { Event } from '../../events/event.js';

export const PLAN_PIPELINE = 'forgeflow.plan';
export const PLAN_HANDLER = 'forgeflow.plan';

export function planGraph(event: Event, deliveryId: string, eventName: string): Graph {
  const body: Omit<Graph, 'hash'> = {
    format: GRAPH_FORMAT,
    pipeline: PLAN_PIPELINE,
    source: { kind: 'pipeline', file: '(webhook delivery)', sha256: '' },
    trigger: graphTrigger(event),
    env: {},
    concurrency: null,
    timeout_ms: null,
    nodes: [
      {
        id: 'plan',
        job: 'plan',
        name: 'plan',
        matrix: null,
        needs: [],
        if: 'success()',
        // Both were checked to be plain characters: no `${{` can hide in them.
        action: {
          kind: 'activity',
          handler: PLAN_HANDLER,
          input: { delivery: deliveryId, event_name: eventName },
          poll: null,
        },
        // A forge outage: keep trying for about an hour, backing off to a minute.
        retry: {
          maximum_attempts: 0,
          initial_interval_ms: 1_000,
          backoff_coefficient: 2,
          maximum_interval_ms: 60_000,
          jitter: 0.1,
          non_retryable_errors: [],
        },
        timeouts: {
          attempt_ms: 120_000,
          queue_ms: null,
          deadline_ms: 3_600_000,
          heartbeat_ms: null,
        },
        env: {},
        report: null,
      },
    ],
  };
  return sealGraph(body);
}
