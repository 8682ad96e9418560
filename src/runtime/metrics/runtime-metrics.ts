/**
 * The runtime's Prometheus metrics (prom-client), for whichever process runs it: `serve`
 * exports them with its own at /metrics (src/api/metrics.ts), `forgeflow worker` on its
 * metrics port. Runs, nodes and attempts are counted where their events fire (a run where it
 * started and where it ended, an attempt in the worker that ran it), so each is counted once
 * across the fleet: sum over instances. The queue and the slots are read when scraped
 * (scraped-gauges.ts). User-given label values are capped (label-cap.ts).
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { EventOf } from '../events.js';
import { findNode, handlerOf } from '../graph-index.js';
import { nodeTimes } from '../queries.js';
import type { Runtime } from '../runtime.js';
import { labelCaps, type CappedLabel } from './label-cap.js';
import { scrapedGauges } from './scraped-gauges.js';

export interface RuntimeMetrics {
  registry: Registry;
  /** Resolves when what ended runs still have to observe (their nodes, read back) is observed. */
  settled(): Promise<void>;
  /** Stops listening to the runtime. */
  close(): void;
}

export interface RuntimeMetricsOptions {
  /** Where the metrics register; a new registry by default. */
  registry?: Registry;
  /** Smaller caps than label-cap.ts's (tests). */
  caps?: Parameters<typeof labelCaps>[0];
}

const SHORT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200];
const RUN_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600, 86400];

export function createRuntimeMetrics(
  runtime: Runtime,
  options: RuntimeMetricsOptions = {},
): RuntimeMetrics {
  const registry = options.registry ?? new Registry();
  const engine = runtime.engine;
  const caps = labelCaps(options.caps);
  const cap = (label: CappedLabel, value: string) => caps[label].of(value);
  const pending = new Set<Promise<void>>();
  const settled = async () => {
    while (pending.size > 0) await Promise.all(pending);
  };

  const started = new Counter({
    name: 'forgeflow_runs_started_total',
    help: 'Runs started, by pipeline and repository.',
    labelNames: ['pipeline', 'repository'],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'forgeflow_runs_finished_total',
    help: 'Runs finished, by pipeline, repository and final status.',
    labelNames: ['pipeline', 'repository', 'status'],
    registers: [registry],
  });
  const runDurations = new Histogram({
    name: 'forgeflow_run_duration_seconds',
    help: 'How long finished runs ran (from leaving their queue), by pipeline, repository and status.',
    labelNames: ['pipeline', 'repository', 'status'],
    buckets: RUN_BUCKETS,
    registers: [registry],
  });
  const nodeDurations = new Histogram({
    name: 'forgeflow_node_duration_seconds',
    help: 'How long the nodes of finished runs ran (first attempt to end), by pipeline, handler and status.',
    labelNames: ['pipeline', 'handler', 'status'],
    buckets: SHORT_BUCKETS,
    registers: [registry],
    // A scrape right after a run ended sees its nodes.
    collect: settled,
  });
  const attemptDurations = new Histogram({
    name: 'forgeflow_node_attempt_duration_seconds',
    help: 'How long handler calls (node attempts) ran in this process, by pipeline, handler and outcome.',
    labelNames: ['pipeline', 'handler', 'outcome'],
    buckets: SHORT_BUCKETS,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'forgeflow_attempts_total',
    help: 'Handler calls (node attempts) ended in this process, by pipeline, handler, outcome and error type ("none" when it succeeded).',
    labelNames: ['pipeline', 'handler', 'outcome', 'error_type'],
    registers: [registry],
  });
  scrapedGauges(registry, runtime);

  const nodesOf = async (event: EventOf<'run:finished'>, pipeline: string) => {
    const spec = engine.cache.peek(event.runId);
    for (const node of await nodeTimes(engine.db, event.runId))
      nodeDurations.observe(
        {
          pipeline,
          handler: cap('handler', handlerOf(spec && findNode(spec, node.node_id))),
          status: node.status,
        },
        (node.finished_at.getTime() - node.started_at.getTime()) / 1000,
      );
  };
  const offs = [
    engine.events.on('run:started', (event) =>
      started.inc({
        pipeline: cap('pipeline', event.pipeline),
        repository: cap('repository', event.repo),
      }),
    ),
    engine.events.on('run:finished', (event) => {
      const labels = {
        pipeline: cap('pipeline', event.pipeline),
        repository: cap('repository', event.repo),
        status: event.status,
      };
      finished.inc(labels);
      runDurations.observe(labels, Math.max(0, event.at - event.startedAt) / 1000);
      // A database gone (the process stopping) loses these observations, nothing else.
      const reading: Promise<void> = nodesOf(event, labels.pipeline)
        .catch(() => undefined)
        .finally(() => pending.delete(reading));
      pending.add(reading);
    }),
    engine.events.on('attempt:ended', (event) => {
      const pipeline = cap('pipeline', event.pipeline);
      const handler = cap('handler', event.handler);
      const outcome = event.outcome;
      attemptDurations.observe(
        { pipeline, handler, outcome },
        Math.max(0, event.at - event.startedAt) / 1000,
      );
      attempts.inc({
        pipeline,
        handler,
        outcome,
        error_type: event.errorType === null ? 'none' : cap('error_type', event.errorType),
      });
    }),
  ];
  return {
    registry,
    settled,
    close: () => {
      for (const off of offs) off();
    },
  };
}
