/**
 * The polling paths where the attempt's call returned but the node ends otherwise: the input of
 * the polls cannot be evaluated, `until` cannot be evaluated, or the run is being stopped.
 * Each must end the attempt as the history tells it, so the history folds to the stored state.
 */
import { describe, it } from 'vitest';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { finishAttempt } from '../../src/runtime/finish.js';
import { expectHistoryMatchesState } from '../support/fold-history.js';
import { useRuntime } from '../support/use-runtime.js';
import { PollCounter, testHandlers } from '../support/runtime.js';

const clock = new FakeClock();
const handlers = testHandlers(undefined, new PollCounter());
const t = useRuntime({ clock, handlers });

describe('polling paths fold to their stored state', () => {
  it('the poll input cannot be evaluated after the first call', async () => {
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: "not json" }
    poll:
      uses: test.poll
      with: { key: "\${{ fromJSON(output) }}", done_after: 1 }
      every: 1m
      until: "\${{ output.state == 'done' }}"
`);
    await t.runtime.waitForRun(runId, 15_000);
    await expectHistoryMatchesState(t.runtime, runId);
  });

  it('the poll `until` cannot be evaluated over a poll output', async () => {
    const child = t.runtime.events.next('child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: "k" }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1 }
      every: 1m
      until: "\${{ fromJSON(output.key).state == 'done' }}"
`);
    const { childRunId } = await child;
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(60_000);
    await finished;
    await expectHistoryMatchesState(t.runtime, childRunId);
  });

  it('the first call returns while the run is being canceled', async () => {
    await t.runtime.stopWorkers(0); // this test plays the worker
    const runId = await t.startRun(`  build:
    uses: test.script
    poll:
      uses: test.poll
      with: { key: "x", done_after: 1 }
      every: 1m
      until: "\${{ output.state == 'done' }}"
`);
    const { attempts } = await claim(t.runtime.engine, 'hand-worker', 1);
    // The cancel commits; the handler had already returned before its NOTIFY reached the worker.
    await t.runtime.cancel(runId);
    await finishAttempt(t.runtime.engine, 'hand-worker', attempts[0]!, { ok: true, output: 1 });
    await t.runtime.waitForRun(runId, 5_000);
    await expectHistoryMatchesState(t.runtime, runId);
  });
});
