/**
 * The runtime's metrics (src/runtime/metrics/) as a run drives them, on this file's database
 * with an injected clock: worker slots busy while a Blocker holds the only one, queue depth and
 * the oldest ready task's age as the clock moves, run, node and attempt durations, attempts by
 * outcome and error type, label values capped, and a scrape over HTTP (the worker's endpoint).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetricsAddress, serveMetrics } from '../../src/cli/metrics-server.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  createRuntimeMetrics,
  type RuntimeMetrics,
} from '../../src/runtime/metrics/runtime-metrics.js';
import { Blocker, compileFor, pipeline, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const clock = new FakeClock();
const blocker = new Blocker();
const handlers = testHandlers(blocker);
const t = useRuntime({ clock, handlers, worker: { concurrency: 1 } });
let metrics: RuntimeMetrics;

beforeAll(() => {
  metrics = createRuntimeMetrics(t.runtime);
});
afterAll(() => metrics.close());

type Labels = Record<string, string>;
/** A series as prom-client's get() gives it; a histogram's name its `_bucket`, `_sum` or `_count`. */
type Series = { labels: Record<string, string | number>; value: number; metricName?: string };

/** The value of one series (a histogram's `_sum` or `_count` by `name`); undefined when absent. */
async function value(
  name: string,
  labels: Labels = {},
  of: RuntimeMetrics = metrics,
): Promise<number | undefined> {
  await of.settled();
  const family = name.replace(/_(sum|count)$/, '');
  const metric = of.registry.getSingleMetric(family);
  if (!metric) throw new Error(`no metric ${family}`);
  const values = (await metric.get()).values as Series[];
  const wanted = Object.entries(labels);
  return values.find(
    (v) =>
      (v.metricName ?? family) === name &&
      Object.keys(v.labels).length === wanted.length &&
      wanted.every(([k, l]) => String(v.labels[k]) === l),
  )?.value;
}

/** Every label set a family has (a histogram's `_count` series). */
async function labelSets(name: string, of: RuntimeMetrics): Promise<Labels[]> {
  await of.settled();
  const values = (await of.registry.getSingleMetric(name)!.get()).values as Series[];
  return values
    .filter((v) => v.metricName === undefined || v.metricName.endsWith('_count'))
    .map((v) => Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])));
}

async function start(name: string, repo: string, jobs: string): Promise<string> {
  const event = manualEvent({ repo });
  const graph = compileFor(pipeline(jobs, `name: ${name}\n`), handlers, event);
  return (await t.runtime.start(graph, event)).runId;
}

const finished = (runId: string) => t.runtime.events.next('run:finished', (e) => e.runId === runId);

describe('runtime metrics', () => {
  it('count slots busy, the queue and its oldest ready task while a step holds the only slot', async () => {
    const held = await start('hold', 'octo/app', '  hold:\n    uses: test.wait\n');
    await blocker.arrived('hold');
    expect(await value('forgeflow_worker_slots_busy')).toBe(1);
    expect(await value('forgeflow_worker_slots')).toBe(1);

    const queued = await start('later', 'octo/app', '  later:\n    uses: test.script\n');
    expect(await value('forgeflow_queue_depth', { kind: 'attempt' })).toBe(1);
    expect(await value('forgeflow_claim_lag_seconds')).toBe(0);
    clock.advance(30_000);
    expect(await value('forgeflow_claim_lag_seconds')).toBe(30);

    const both = Promise.all([finished(held), finished(queued)]);
    blocker.release('hold');
    expect((await both).map((e) => e.status)).toEqual(['succeeded', 'succeeded']);
    expect(await value('forgeflow_worker_slots_busy')).toBe(0);
    expect(await value('forgeflow_queue_depth', { kind: 'attempt' })).toBeUndefined();
    expect(await value('forgeflow_claim_lag_seconds')).toBe(0);
  });

  it('time runs by pipeline and repository, and nodes and attempts by pipeline and handler', async () => {
    const run = { pipeline: 'hold', repository: 'octo/app', status: 'succeeded' };
    expect(
      await value('forgeflow_runs_started_total', { pipeline: 'hold', repository: 'octo/app' }),
    ).toBe(1);
    expect(await value('forgeflow_runs_finished_total', run)).toBe(1);
    expect(await value('forgeflow_run_duration_seconds_sum', run)).toBe(30);
    // Started at once, it waited 30 s in the queue for the slot: a run's time includes that.
    const later = { ...run, pipeline: 'later' };
    expect(await value('forgeflow_run_duration_seconds_sum', later)).toBe(30);

    const held = { pipeline: 'hold', handler: 'test.wait' };
    expect(
      await value('forgeflow_node_attempt_duration_seconds_sum', { ...held, outcome: 'succeeded' }),
    ).toBe(30);
    expect(
      await value('forgeflow_node_duration_seconds_sum', { ...held, status: 'succeeded' }),
    ).toBe(30);
    const quick = { pipeline: 'later', handler: 'test.script' };
    expect(
      await value('forgeflow_node_attempt_duration_seconds_sum', {
        ...quick,
        outcome: 'succeeded',
      }),
    ).toBe(0);
    expect(
      await value('forgeflow_node_attempt_duration_seconds_count', {
        ...quick,
        outcome: 'succeeded',
      }),
    ).toBe(1);
    expect(
      await value('forgeflow_node_duration_seconds_count', { ...quick, status: 'succeeded' }),
    ).toBe(1);
  });

  it('count attempts by outcome and error type', async () => {
    const broken = await start(
      'breaks',
      'octo/lib',
      '  boom:\n    uses: test.script\n    with: { steps: [{ fail: { type: Boom, non_retryable: true } }] }\n',
    );
    expect((await finished(broken)).status).toBe('failed');
    const stopped = await start('stops', 'octo/lib', '  wait:\n    uses: test.wait\n');
    await blocker.arrived('wait');
    const canceled = finished(stopped);
    await t.runtime.cancel(stopped);
    expect((await canceled).status).toBe('canceled');

    const attempts = (labels: Labels) => value('forgeflow_attempts_total', labels);
    expect(
      await attempts({
        pipeline: 'breaks',
        handler: 'test.script',
        outcome: 'failed',
        error_type: 'Boom',
      }),
    ).toBe(1);
    expect(
      await attempts({
        pipeline: 'stops',
        handler: 'test.wait',
        outcome: 'canceled',
        error_type: 'Canceled',
      }),
    ).toBe(1);
    expect(
      await attempts({
        pipeline: 'hold',
        handler: 'test.wait',
        outcome: 'succeeded',
        error_type: 'none',
      }),
    ).toBe(1);
    expect(
      await value('forgeflow_runs_finished_total', {
        pipeline: 'breaks',
        repository: 'octo/lib',
        status: 'failed',
      }),
    ).toBe(1);
    expect(
      await value('forgeflow_node_duration_seconds_count', {
        pipeline: 'breaks',
        handler: 'test.script',
        status: 'failed',
      }),
    ).toBe(1);
    expect(
      await value('forgeflow_node_duration_seconds_count', {
        pipeline: 'stops',
        handler: 'test.wait',
        status: 'canceled',
      }),
    ).toBe(1);
  });

  it('cap the values of pipeline, repository and error type labels', async () => {
    const capped = createRuntimeMetrics(t.runtime, {
      caps: {
        pipeline: { distinct: 2, length: 4 },
        repository: { distinct: 2, length: 100 },
        error_type: { distinct: 1, length: 64 },
      },
    });
    try {
      const runs = [
        ['alpha', 'octo/one', 'Boom'],
        ['beta', 'octo/two', 'Bang'],
        ['gamma', 'octo/three', 'Crash'],
        ['alpha', 'octo/four', 'Boom'],
      ];
      for (const [name, repo, error] of runs) {
        const runId = await start(
          name!,
          repo!,
          `  step:\n    uses: test.script\n    with: { steps: [{ fail: { type: ${error}, non_retryable: true } }] }\n`,
        );
        await finished(runId);
      }
      expect(await labelSets('forgeflow_runs_started_total', capped)).toEqual([
        { pipeline: 'alph', repository: 'octo/one' },
        { pipeline: 'beta', repository: 'octo/two' },
        { pipeline: 'other', repository: 'other' },
        { pipeline: 'alph', repository: 'other' },
      ]);
      expect(
        (await labelSets('forgeflow_attempts_total', capped)).map((l) => l.error_type).sort(),
      ).toEqual(['Boom', 'other', 'other']);
      expect(
        await value(
          'forgeflow_attempts_total',
          { pipeline: 'alph', handler: 'test.script', outcome: 'failed', error_type: 'Boom' },
          capped,
        ),
      ).toBe(2);
    } finally {
      capped.close();
    }
  });

  it('include the nodes of a run that just ended in the next scrape', async () => {
    const runId = await start('fresh', 'octo/app', '  quick:\n    uses: test.script\n');
    await finished(runId);
    // Read back from the database after the run ended: the scrape waits for it.
    expect(await metrics.registry.metrics()).toContain(
      'forgeflow_node_duration_seconds_count{pipeline="fresh",handler="test.script",status="succeeded"} 1',
    );
  });

  it('are served at /metrics on the address given, and nothing else is', async () => {
    const served = await serveMetrics(metrics, readMetricsAddress('127.0.0.1:0'));
    try {
      const response = await fetch(served.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const body = await response.text();
      expect(body).toContain(
        'forgeflow_attempts_total{pipeline="breaks",handler="test.script",outcome="failed",error_type="Boom"} 1',
      );
      expect(body).toContain('forgeflow_worker_slots 1');
      expect((await fetch(served.url.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(served.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await served.close();
    }
    expect(readMetricsAddress('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(readMetricsAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(() => readMetricsAddress('host:99999')).toThrow(/\[HOST:\]PORT/);
    expect(() => readMetricsAddress('http://x:1')).toThrow(/\[HOST:\]PORT/);
  });
});
