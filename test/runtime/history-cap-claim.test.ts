/**
 * When the NodeStarted a claim writes takes a run past the history cap, the claim's transaction
 * ends the run (node and attempt canceled, task deleted, run failed), and the claim must then
 * not hand that attempt to a handler: nothing of an ended run may still execute.
 */
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';
import { scriptHandler, testHandlers } from '../support/runtime.js';

const clock = new FakeClock();
const calls: { attempt: number; at: number }[] = [];
const flaky: Handler = {
  spec: { ...scriptHandler.spec, name: 'test.flaky' },
  run(_input, context) {
    calls.push({ attempt: context.attempt, at: clock.now() });
    return Promise.reject(HandlerError.custom('Flaky', `attempt ${context.attempt}`));
  },
};
const handlers = testHandlers();
handlers.set('test.flaky', flaky);

// RunStarted + NodeScheduled (2), NodeStarted (3), NodeRetryScheduled (4): the next NodeStarted,
// written by a claim, is the fifth event and crosses the cap.
const t = useRuntime({ clock, handlers, settings: { maxHistoryEvents: 4 } });

describe('the history cap crossed by a claim', () => {
  it('does not launch the handler of the run it just ended', async () => {
    const firstRetry = t.runtime.events.next('node:retrying');
    const runId = await t.startRun(`  forever:
    uses: test.flaky
    retry: { maximum_attempts: 0, initial_interval: 1s, backoff_coefficient: 1 }
`);
    await firstRetry;
    expect(calls.map((c) => c.attempt)).toEqual([1]);

    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    // The claim publishes run:finished before the worker launches what it returned; the worker
    // goes idle only after launching: the first idle after the run ended follows any launch.
    let ended = false;
    void finished.then(() => (ended = true));
    const idleAfter = t.runtime.events.next('worker:idle', () => ended);
    clock.advance(1_000);
    expect((await finished).status).toBe('failed');
    const run = (await t.runtime.getRun(runId))!;
    expect(run.error).toMatchObject({ type: 'HistoryLimitExceeded' });
    expect(run.nodes[0]?.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'canceled'],
    ]);
    await idleAfter;
    // Attempt 2 of the ended run was never handed to the handler.
    expect(calls.map((c) => c.attempt)).toEqual([1]);
  });
});
