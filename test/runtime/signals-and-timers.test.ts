/**
 * Durable timers and signals on an injected clock: a 7-day timer fires once after the clock
 * moves (two workers racing for it), a signal wakes the node waiting for it with its payload, a
 * signal sent before its node is reached is kept for it, one signal wakes one node,
 * `wait_for.timeout` fails the node, and a finished run takes no signal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';
import { testHandlers, workerOptions } from '../support/runtime.js';

const DAY = 86_400_000;
const clock = new FakeClock();
const handlers = testHandlers();

const t = useRuntime({ clock, handlers, worker: { id: 'w1' } });
// A second worker: a due timer is claimed by one of the two, once.
beforeAll(() => t.runtime.createWorker(workerOptions(handlers, { id: 'w2', pollMs: DAY })).start());

describe('a durable timer', () => {
  it('set for 7 days fires once, when the clock gets there, and not a millisecond before', async () => {
    const started = t.runtime.events.next('timer:started');
    const runId = await t.startRun(`  week:
    sleep: 7d
  after:
    needs: week
    uses: test.script
    with: { echo: woke }
`);
    const { fireAt } = await started;
    expect(fireAt).toBe(clock.now() + 7 * DAY);
    const { rows } = await t.db.query<{ kind: string; due_at: Date }>(
      'SELECT kind, due_at FROM forgeflow.tasks WHERE run_id = $1',
      [runId],
    );
    expect(rows).toEqual([{ kind: 'timer', due_at: new Date(fireAt) }]);
    clock.advance(7 * DAY - 1);
    expect((await t.nodesOf(runId)).week?.status).toBe('waiting');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(1);
    expect((await finished).status).toBe('succeeded');
    clock.advance(DAY); // nothing left to fire
    const history = await t.runtime.history(runId);
    expect(history.filter((e) => e.type === 'TimerFired')).toHaveLength(1);
    expect(history.filter((e) => e.type === 'TimerStarted')).toMatchObject([
      { node_id: 'week', data: { fire_at: new Date(fireAt).toISOString() } },
    ]);
    expect((await t.nodesOf(runId)).after?.output).toBe('woke');
  });
});

describe('signals', () => {
  it('wakes the node waiting for it, the payload becoming its output', async () => {
    const runId = await t.startRun(`  approve:
    wait_for: { signal: approve }
  deploy:
    needs: approve
    uses: test.script
    with: { echo: "\${{ needs.approve.output.by }}" }
`);
    expect((await t.nodesOf(runId)).approve?.status).toBe('waiting');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    expect(await t.runtime.signal(runId, 'approve', { by: 'octocat' })).toEqual({
      outcome: 'delivered',
      node: 'approve',
    });
    expect((await finished).status).toBe('succeeded');
    const nodes = await t.nodesOf(runId);
    expect(nodes.approve?.output).toEqual({ by: 'octocat' });
    expect(nodes.deploy?.output).toBe('octocat');
    const types = (await t.runtime.history(runId)).map((e) => e.type);
    expect(types.indexOf('SignalReceived')).toBeLessThan(types.indexOf('NodeCompleted'));
  });

  it('keeps a signal sent before the wait is reached, and gives it to the wait', async () => {
    const runId = await t.startRun(`  first:
    sleep: 1h
  approve:
    needs: first
    wait_for: { signal: approve }
`);
    expect(await t.runtime.signal(runId, 'approve', 'early')).toEqual({ outcome: 'buffered' });
    expect((await t.nodesOf(runId)).approve?.status).toBe('pending');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(3_600_000);
    expect((await finished).status).toBe('succeeded');
    expect((await t.nodesOf(runId)).approve?.output).toBe('early');
    const { rows } = await t.db.query<{ name: string; consumed_by: string }>(
      'SELECT name, consumed_by FROM forgeflow.signals WHERE run_id = $1',
      [runId],
    );
    expect(rows).toEqual([{ name: 'approve', consumed_by: 'approve' }]);
  });

  it('wakes one node per signal, in graph order', async () => {
    const runId = await t.startRun(`  gate:
    matrix: { region: [eu, us] }
    wait_for: { signal: approve }
`);
    expect(await t.runtime.signal(runId, 'approve', 1)).toMatchObject({ node: 'gate[eu]' });
    expect((await t.nodesOf(runId))['gate[us]']?.status).toBe('waiting');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    expect(await t.runtime.signal(runId, 'approve', 2)).toMatchObject({ node: 'gate[us]' });
    expect((await finished).status).toBe('succeeded');
    const nodes = await t.nodesOf(runId);
    expect([nodes['gate[eu]']?.output, nodes['gate[us]']?.output]).toEqual([1, 2]);
  });

  it('fails the wait at wait_for.timeout when nothing arrived', async () => {
    const runId = await t.startRun(`  approve:
    wait_for: { signal: approve, timeout: 2d }
`);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(2 * DAY);
    expect((await finished).status).toBe('failed');
    expect((await t.nodesOf(runId)).approve).toMatchObject({
      status: 'timed_out',
      error: { type: 'Timeout', details: { kind: 'wait_for' } },
    });
    // A signal that comes too late changes nothing, and says why.
    expect(await t.runtime.signal(runId, 'approve')).toEqual({
      outcome: 'run-finished',
      status: 'failed',
    });
    expect(await t.runtime.signal('00000000-0000-4000-8000-000000000000', 'approve')).toBe(
      undefined,
    );
  });
});
