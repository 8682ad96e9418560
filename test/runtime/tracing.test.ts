/**
 * A run's spans through @opentelemetry/api, recorded by a test provider (span-recorder.ts): its
 * attempts' spans, live, with their outcome and error type; its nodes' and its own, made when
 * it ended, with the times the database recorded; all in the trace named by the run's id, under
 * its root. A handler's own span nests under its attempt's. The clock is injected.
 */
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { contextManager, SpanRecorder } from '../support/span-recorder.js';
import { testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const clock = new FakeClock();
const recorder = new SpanRecorder();
const traced: Handler = {
  spec: { name: 'test.traced', description: 'Makes a span of its own (tests only).', input: {} },
  run: async () => {
    await clock.sleep(0);
    trace.getTracer('a-client-library').startSpan('inner call').end();
    return 'ok';
  },
};
const handlers = testHandlers().set('test.traced', traced);
const t = useRuntime({ clock, handlers });

beforeAll(() => {
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(recorder);
});
afterAll(() => {
  trace.disable();
  context.disable();
});

describe('traces', () => {
  it('put a run, its nodes and its attempts in the trace of the run id', async () => {
    const t0 = clock.now();
    const retrying = t.runtime.events.next('node:retrying');
    const runId = await t.startRun(`  flaky:
    uses: test.script
    with: { steps: [{ fail: { type: Flaky } }, { output: done }] }
    retry: { initial_interval: 5s }
  after:
    needs: flaky
    uses: test.traced
`);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance((await retrying).delayMs);
    expect((await finished).status).toBe('succeeded');
    const runSpan = await recorder.next((s) => s.name === 'forgeflow run');

    const traceId = runId.replaceAll('-', '');
    const root = traceId.slice(16);
    const ofRun = recorder.ended.filter((s) => s.traceId === traceId);
    expect(ofRun.every((s) => s.name === 'inner call' || s.parentSpanId === root)).toBe(true);

    const attempts = ofRun.filter((s) => s.name === 'forgeflow attempt');
    expect(attempts.map((s) => s.attributes)).toEqual([
      {
        'forgeflow.run.id': runId,
        'forgeflow.pipeline': 'test',
        'forgeflow.node.id': 'flaky',
        'forgeflow.handler': 'test.script',
        'forgeflow.attempt': 1,
        'forgeflow.outcome': 'failed',
        'forgeflow.error.type': 'Flaky',
      },
      expect.objectContaining({ 'forgeflow.attempt': 2, 'forgeflow.outcome': 'succeeded' }),
      expect.objectContaining({ 'forgeflow.node.id': 'after', 'forgeflow.handler': 'test.traced' }),
    ]);
    expect(attempts.map((s) => [s.status.code, s.startTime - t0, s.endTime! - t0])).toEqual([
      [2, 0, 0],
      [0, 5_000, 5_000],
      [0, 5_000, 5_000],
    ]);
    // The handler's own span is a child of its attempt's.
    const inner = ofRun.find((s) => s.name === 'inner call');
    expect(inner?.parentSpanId).toBe(attempts[2]!.spanId);

    const nodes = ofRun
      .filter((s) => s.name === 'forgeflow node')
      .sort((a, b) =>
        String(a.attributes['forgeflow.node.id']).localeCompare(
          String(b.attributes['forgeflow.node.id']),
        ),
      );
    expect(nodes.map((s) => [s.attributes, s.startTime - t0, s.endTime! - t0])).toEqual([
      [
        {
          'forgeflow.run.id': runId,
          'forgeflow.node.id': 'after',
          'forgeflow.handler': 'test.traced',
          'forgeflow.status': 'succeeded',
          'forgeflow.attempts': 1,
        },
        5_000,
        5_000,
      ],
      [
        expect.objectContaining({ 'forgeflow.node.id': 'flaky', 'forgeflow.attempts': 2 }),
        0,
        5_000,
      ],
    ]);
    expect(runSpan).toMatchObject({
      traceId,
      parentSpanId: root,
      startTime: t0,
      endTime: t0 + 5_000,
      attributes: {
        'forgeflow.run.id': runId,
        'forgeflow.pipeline': 'test',
        'forgeflow.repository': 'octo/app',
        'forgeflow.status': 'succeeded',
      },
    });
  });
});
