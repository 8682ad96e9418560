/**
 * Run-level limits: the pipeline's `timeout` ends the run timed out (its running attempt
 * aborted, what waits canceled), and the cap on history events ends a run that would grow
 * forever (a retry loop without a deadline) with a clear error. Clock injected.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';
import { Blocker, testHandlers } from '../support/runtime.js';

const HISTORY_CAP = 40;
const clock = new FakeClock();
const blocker = new Blocker();
const handlers = testHandlers(blocker);

const t = useRuntime({ clock, handlers, settings: { maxHistoryEvents: HISTORY_CAP } });

describe('run-level limits', () => {
  it("ends a run timed out when the pipeline's timeout passes", async () => {
    const runId = await t.startRun(
      `  long:
    uses: test.wait
  nap:
    sleep: 1d
  report:
    needs: [long, nap]
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.long.result }}" }
`,
      'timeout: 1h\n',
    );
    await blocker.arrived('long');
    const { rows } = await t.db.query<{ kind: string; due_at: Date }>(
      `SELECT kind, due_at FROM forgeflow.tasks WHERE run_id = $1 AND kind = 'deadline'`,
      [runId],
    );
    expect(rows).toEqual([{ kind: 'deadline', due_at: new Date(clock.now() + 3_600_000) }]);
    clock.advance(3_600_000 - 1);
    expect((await t.runtime.getRun(runId))?.status).toBe('running');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(1);
    expect((await finished).status).toBe('timed_out');
    const run = (await t.runtime.getRun(runId))!;
    expect(run.error).toMatchObject({ type: 'Timeout', details: { kind: 'run' } });
    const nodes = await t.nodesOf(runId);
    expect(nodes.long?.status).toBe('canceled');
    expect(nodes.nap?.status).toBe('canceled');
    // Cleanup still ran, and saw why.
    expect(nodes.report).toMatchObject({ status: 'succeeded', output: 'cancelled' });
    const history = await t.runtime.history(runId);
    expect(history.find((e) => e.type === 'CancelRequested')?.data).toEqual({
      reason: 'its timeout (1h) passed',
      status: 'timed_out',
    });
    expect(history.at(-1)).toMatchObject({
      type: 'RunTimedOut',
      data: { error: { type: 'Timeout' } },
    });
  });

  it('ends a run whose history would pass the cap, with a clear error', async () => {
    const runId = await t.startRun(`  forever:
    uses: test.script
    with: { steps: [{ fail: { type: Flaky } }] }
    retry: { maximum_attempts: 0, initial_interval: 1s, backoff_coefficient: 1 }
  never:
    needs: forever
    uses: test.script
`);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    let status: string | undefined;
    void finished.then((e) => (status = e.status));
    for (let i = 0; i < HISTORY_CAP && status === undefined; i++) {
      const next = Promise.race([
        t.runtime.events.next('node:retrying', (e) => e.runId === runId),
        finished,
      ]);
      clock.advance(1_000);
      await next;
    }
    expect((await finished).status).toBe('failed');
    const run = (await t.runtime.getRun(runId))!;
    expect(run.error).toMatchObject({
      type: 'HistoryLimitExceeded',
      details: { limit: HISTORY_CAP },
    });
    expect(run.error?.message).toContain(`more than the ${HISTORY_CAP} one run may hold`);
    const nodes = await t.nodesOf(runId);
    expect([nodes.forever?.status, nodes.never?.status]).toEqual(['canceled', 'canceled']);
    const history = await t.runtime.history(runId, { limit: 1_000 });
    // Past the cap by only the events that end the run.
    expect(history.length).toBeGreaterThan(HISTORY_CAP);
    expect(history.length).toBeLessThanOrEqual(HISTORY_CAP + 5);
    expect(history.at(-1)).toMatchObject({ type: 'RunFailed' });
    const { rows } = await t.db.query('SELECT * FROM forgeflow.tasks WHERE run_id = $1', [runId]);
    expect(rows).toEqual([]);
  });
});
