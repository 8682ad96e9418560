/**
 * A poll's `signal:` that arrives while a poll call is in flight: the call is aborted, its
 * attempt is ended canceled (a Canceled error saying which signal), and the node completes at
 * once with the signal's payload, so the run does not wait for the call to come back. Runs on
 * PGlite and on Postgres.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { Blocker, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const clock = new FakeClock();
const blocker = new Blocker();
const t = useRuntime({ clock, handlers: testHandlers(blocker) });

describe('a poll signal while a poll call is in flight', () => {
  it('aborts the call, cancels its attempt and completes the node with the payload', async () => {
    const childStarted = t.runtime.events.next('child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: queued }
    poll:
      uses: test.wait
      with: { output: never-returned }
      every: 1m
      until: "\${{ output == 'done' }}"
      signal: build-finished
`);
    // The first poll call (node `poll` of the polling child run) falls due a minute after the
    // child run starts.
    await childStarted;
    clock.advance(60_000);
    const call = await blocker.arrived('poll');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    const sent = await t.runtime.signal(runId, 'build-finished', { state: 'done' });
    expect(sent).toMatchObject({ outcome: 'delivered', node: 'build' });
    expect((await finished).status).toBe('succeeded');
    expect((await t.runtime.getRun(runId))!.nodes[0]?.output).toEqual({ state: 'done' });

    // The call in the polling child run was told to stop, and its attempt says why.
    expect(call.signal.aborted).toBe(true);
    const { rows } = await t.db.query<{ status: string; error: { type: string; message: string } }>(
      `SELECT a.status, a.error FROM forgeflow.attempts a
       JOIN forgeflow.runs r ON r.id = a.run_id WHERE r.parent_run_id = $1`,
      [runId],
    );
    expect(rows.map((r) => [r.status, r.error.type, r.error.message])).toEqual([
      ['canceled', 'Canceled', 'the poll ended: signal "build-finished" arrived'],
    ]);
  });
});
