/**
 * Prometheus metrics (prom-client): runs started and finished by status, node durations by
 * handler, webhook deliveries by outcome, fed by the runtime's events in this process; queue
 * depth and claim lag read from the database when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/db.js';
import type { Clock } from '../runtime/clock.js';
import { dueTasks } from '../runtime/queries.js';
import type { Runtime } from '../runtime/runtime.js';

export interface Metrics {
  registry: Registry;
  delivery(forge: string, outcome: string): void;
  /** Stops listening to the runtime. */
  close(): void;
}

export function createMetrics(runtime: Runtime, db: Db, clock: Clock): Metrics {
  const registry = new Registry();
  const started = new Counter({
    name: 'forgeflow_runs_started_total',
    help: 'Runs started, by pipeline.',
    labelNames: ['pipeline'],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'forgeflow_runs_finished_total',
    help: 'Runs finished, by final status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'forgeflow_node_attempt_duration_seconds',
    help: 'How long node attempts ran, by handler and outcome.',
    labelNames: ['handler', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'forgeflow_webhook_deliveries_total',
    help: 'Webhook deliveries accepted, by forge and outcome.',
    labelNames: ['forge', 'outcome'],
    registers: [registry],
  });
  // Both queue gauges are collected together on a scrape: they share one query of the queue.
  let dueNow: ReturnType<typeof dueTasks> | undefined;
  const due = () =>
    (dueNow ??= dueTasks(db, new Date(clock.now())).finally(() => {
      dueNow = undefined;
    }));
  new Gauge({
    name: 'forgeflow_queue_depth',
    help: 'Tasks due and not yet claimed, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const { byKind } = await due();
      this.reset();
      for (const [kind, n] of byKind) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'forgeflow_claim_lag_seconds',
    help: 'How long the oldest due task has waited to be claimed (0 when none waits).',
    registers: [registry],
    async collect() {
      const oldest = (await due()).oldestDue;
      this.set(oldest ? Math.max(0, (clock.now() - oldest.getTime()) / 1000) : 0);
    },
  });

  const handlerOf = new Map<string, string>();
  const begun = new Map<string, number>();
  const key = (runId: string, nodeId: string) => `${runId} ${nodeId}`;
  const ended = (runId: string, nodeId: string, outcome: string) => {
    const at = begun.get(key(runId, nodeId));
    if (at === undefined) return;
    begun.delete(key(runId, nodeId));
    durations.observe(
      { handler: handlerOf.get(key(runId, nodeId)) ?? 'unknown', outcome },
      (clock.now() - at) / 1000,
    );
    handlerOf.delete(key(runId, nodeId));
  };
  const off = runtime.events.onAny((event) => {
    switch (event.type) {
      case 'run:started':
        started.inc({ pipeline: event.pipeline });
        return;
      case 'run:finished':
        finished.inc({ status: event.status });
        return;
      case 'node:started':
        begun.set(key(event.runId, event.nodeId), clock.now());
        handlerOf.set(
          key(event.runId, event.nodeId),
          handlerName(runtime, event.runId, event.nodeId),
        );
        return;
      case 'node:completed':
        return ended(event.runId, event.nodeId, 'succeeded');
      case 'node:retrying':
        return ended(event.runId, event.nodeId, 'retried');
      case 'node:failed':
        return ended(event.runId, event.nodeId, event.timedOut ? 'timed_out' : 'failed');
      case 'node:canceled':
        return ended(event.runId, event.nodeId, 'canceled');
      default:
        return;
    }
  });
  return {
    registry,
    delivery: (forge, outcome) => deliveries.inc({ forge, outcome }),
    close: off,
  };
}

/** The node's handler, from the runs this process has cached (a worker here just ran it). */
function handlerName(runtime: Runtime, runId: string, nodeId: string): string {
  const node = runtime.engine.cache.peek(runId)?.graph.nodes.find((n) => n.id === nodeId);
  const action = node?.action;
  return action && (action.kind === 'activity' || action.kind === 'poll')
    ? action.handler
    : 'unknown';
}
