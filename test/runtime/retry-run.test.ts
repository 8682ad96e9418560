/**
 * Retrying a finished run: exactly its failed, timed-out, canceled and skipped nodes and what
 * depends on them run again, from where it stopped; every other node keeps its output and its
 * single attempt. A run with nothing failed, a running run and a child run are left alone.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';

const clock = new FakeClock();
const blocker = new Blocker();
const handlers = testHandlers(blocker, new PollCounter());

const t = useRuntime({ clock, handlers });

/** Ten nodes; `c` fails on its first attempt only, and five nodes depend on it. */
const TEN = `  a: { uses: test.script, with: { echo: a } }
  b: { uses: test.script, with: { echo: b } }
  c:
    needs: a
    uses: test.script
    with: { steps: [{ fail: { type: Boom, non_retryable: true } }, { output: "c on run attempt \${{ run.attempt }}" }] }
  d: { needs: b, uses: test.script, with: { echo: d } }
  e: { needs: c, uses: test.script, with: { echo: "\${{ needs.c.output }}" } }
  f: { needs: c, uses: test.script, with: { echo: f } }
  g: { needs: [d, e], uses: test.script, with: { echo: g } }
  h: { needs: g, uses: test.script, with: { echo: h } }
  i: { uses: test.script, with: { echo: i } }
  notify:
    needs: c
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.c.result }}" }
`;

describe('retrying a run', () => {
  it('re-runs exactly the failed node and its dependents, keeping everything else', async () => {
    const runId = await t.startRun(TEN);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    const before = await t.nodesOf(runId);
    expect(before.c?.status).toBe('failed');
    expect(['e', 'f', 'g', 'h'].map((id) => before[id]?.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(before.notify?.output).toBe('failure');

    const result = await t.runtime.retry(runId);
    expect(result).toEqual({
      outcome: 'retried',
      attempt: 2,
      nodes: ['c', 'e', 'f', 'g', 'h', 'notify'],
      queued: false,
    });
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const after = await t.nodesOf(runId);
    // Kept: one attempt each, the same output, untouched.
    for (const id of ['a', 'b', 'd', 'i']) {
      expect(after[id]?.attempts.map((a) => a.attempt)).toEqual([1]);
      expect(after[id]?.output).toEqual(before[id]?.output);
      expect(after[id]?.finished_at).toEqual(before[id]?.finished_at);
    }
    // Re-run: attempts numbered on from the old ones, which stay in the record.
    expect(after.c?.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(after.c?.output).toBe('c on run attempt 2');
    expect(after.e?.output).toBe('c on run attempt 2');
    expect(after.notify?.output).toBe('success');
    expect(after.notify?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    for (const id of ['f', 'g', 'h']) expect(after[id]?.attempts).toHaveLength(1);
    const run = await t.runtime.getRun(runId);
    expect(run).toMatchObject({ status: 'succeeded', attempt: 2, error: null });
    const history = await t.runtime.history(runId);
    expect(history.filter((e) => e.type === 'RunRetried')).toMatchObject([
      { data: { attempt: 2, nodes: ['c', 'e', 'f', 'g', 'h', 'notify'] } },
    ]);
    expect(history.map((e) => e.type).filter((t) => t.startsWith('Run'))).toEqual([
      'RunStarted',
      'RunFailed',
      'RunRetried',
      'RunCompleted',
    ]);
  });

  it('does nothing to a run with nothing failed, and says so', async () => {
    const runId = await t.startRun('  fine: { uses: test.script }\n');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const before = await t.runtime.history(runId);
    expect(await t.runtime.retry(runId)).toEqual({ outcome: 'nothing-to-retry' });
    expect(await t.runtime.history(runId)).toEqual(before);
    expect((await t.runtime.getRun(runId))?.attempt).toBe(1);
  });

  it('refuses a run that is still running, and an unknown one', async () => {
    const runId = await t.startRun('  held: { uses: test.wait }\n');
    await blocker.arrived('held');
    expect(await t.runtime.retry(runId)).toEqual({ outcome: 'not-finished', status: 'running' });
    expect(await t.runtime.retry('00000000-0000-4000-8000-000000000000')).toBe(undefined);
    blocker.release('held');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
  });

  it('re-runs what a cancel stopped, and a polling node with a fresh child', async () => {
    const child = t.runtime.events.next('child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: "retried-poll-\${{ run.attempt }}" }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1 }
      every: 1m
      until: "\${{ output.state == 'done' }}"
  nap:
    sleep: 1h
`);
    const first = (await child).childRunId;
    await t.runtime.cancel(runId);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('canceled');
    expect(await t.runtime.retry(first)).toMatchObject({ outcome: 'not-retryable' });

    const second = t.runtime.events.next('child:started', (e) => e.runId === runId);
    expect(await t.runtime.retry(runId)).toMatchObject({
      outcome: 'retried',
      nodes: ['build', 'nap'],
    });
    expect((await second).childRunId).not.toBe(first);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(3_600_000);
    expect((await finished).status).toBe('succeeded');
    expect((await t.nodesOf(runId)).build?.output).toMatchObject({ key: 'retried-poll-2' });
  });
});
