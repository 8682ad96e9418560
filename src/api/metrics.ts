/**
 * Prometheus metrics (prom-client) of the server: the runtime's (src/runtime/metrics/: runs,
 * nodes, attempts, the queue, worker slots) and webhook deliveries by forge and outcome.
 */
import { Counter } from 'prom-client';
import {
  createRuntimeMetrics,
  type RuntimeMetrics,
  type RuntimeMetricsOptions,
} from '../runtime/metrics/runtime-metrics.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DeliveryCounter } from '../webhooks/routes.js';

/** The runtime's metrics and the webhook routes' delivery counter (webhooks/routes.ts). */
export interface Metrics extends RuntimeMetrics, DeliveryCounter {}

export function createMetrics(runtime: Runtime, options: RuntimeMetricsOptions = {}): Metrics {
  const metrics = createRuntimeMetrics(runtime, options);
  const deliveries = new Counter({
    name: 'forgeflow_webhook_deliveries_total',
    help: 'Webhook deliveries, by forge and outcome (refusals included).',
    labelNames: ['forge', 'outcome'],
    registers: [metrics.registry],
  });
  return { ...metrics, delivery: (forge, outcome) => deliveries.inc({ forge, outcome }) };
}
