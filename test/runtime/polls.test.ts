/**
 * Polling child runs on an injected clock: a poll of 50 calls rolls over into fresh children
 * (continue-as-new) at the bound and completes its parent with the last output; intervals grow
 * by the backoff coefficient up to the cap; the poll's timeout, a call failing past poll.retry
 * and a signal each end it. Runs on PGlite and on Postgres.
 */
import { describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { RuntimeEvent } from '../../src/runtime/events.js';
import { useRuntime } from '../support/use-runtime.js';
import { compileFor, pipeline, PollCounter, testHandlers } from '../support/runtime.js';

const POLLS_PER_RUN = 20;
const clock = new FakeClock();
const counter = new PollCounter();
const handlers = testHandlers(undefined, counter);

const t = useRuntime({ clock, handlers, settings: { pollsPerRun: POLLS_PER_RUN } });

/** Resolves with the next runtime event that matches. */
function nextEvent(match: (e: RuntimeEvent) => boolean): Promise<RuntimeEvent> {
  return new Promise((resolve) => {
    const off = t.runtime.events.onAny((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });
}

/** Moves the clock by `ms` and waits for the poll that falls due (or the child's rollover). */
async function pollOnce(ms: number): Promise<RuntimeEvent> {
  const progressed = nextEvent((e) => e.type === 'node:polled' || e.type === 'run:continued');
  clock.advance(ms);
  return progressed;
}

/** Resolves once `count` runtime events that match have been emitted, from now on. */
function events(count: number, match: (e: RuntimeEvent) => boolean): Promise<void> {
  let seen = 0;
  return new Promise<void>((resolve) => {
    const off = t.runtime.events.onAny((e) => {
      if (!match(e) || ++seen < count) return;
      off();
      resolve();
    });
  });
}

/** Moves the clock by `ms` and waits for `count` events that match. */
function step(ms: number, count: number, match: (e: RuntimeEvent) => boolean): Promise<void> {
  const done = events(count, match);
  clock.advance(ms);
  return done;
}

const children = async (runId: string) =>
  (
    await t.db.query<{
      id: string;
      status: string;
      parent_node_id: string;
      parent_attempt: number;
    }>(
      `SELECT id, status, parent_node_id, parent_attempt FROM forgeflow.runs
       WHERE parent_run_id = $1 ORDER BY created_at, history_length DESC`,
      [runId],
    )
  ).rows;

describe('a polling child run', () => {
  it('polls 50 times across three children, rolling over at the bound, and completes its parent', async () => {
    const started = nextEvent((e) => e.type === 'child:started');
    const runId = await t.startRun(`  build:
    matrix: { target: [f41] }
    uses: test.script
    with: { echo: { id: "fifty-\${{ matrix.target }}" } }
    poll:
      uses: test.poll
      with: { key: "\${{ output.id }}", done_after: 50 }
      every: 30s
      until: "\${{ output.state == 'done' && matrix.target == 'f41' }}"
  after:
    needs: build
    matrix: { target: [f41] }
    uses: test.script
    with: { echo: "\${{ needs.build.output }}" }
`);
    await started;
    const seen: string[] = [];
    for (let poll = 1; poll < 50; poll++) seen.push((await pollOnce(30_000)).type);
    expect(seen.filter((t) => t === 'run:continued')).toHaveLength(2);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(30_000);
    expect((await finished).status).toBe('succeeded');

    expect(counter.polls.get('fifty-f41')).toBe(50);
    const run = (await t.runtime.getRun(runId))!;
    const node = (id: string) => run.nodes.find((n) => n.node_id === id)!;
    expect(node('build[f41]').output).toEqual({ key: 'fifty-f41', polls: 50, state: 'done' });
    expect(node('after[f41]').output).toEqual({ key: 'fifty-f41', polls: 50, state: 'done' });
    // One attempt: the first call. The polls are the children's.
    expect(node('build[f41]').attempts.map((a) => a.status)).toEqual(['succeeded']);

    const kids = await children(runId);
    expect(kids.map((k) => [k.status, k.parent_node_id, k.parent_attempt])).toEqual([
      ['continued', 'build[f41]', 1],
      ['continued', 'build[f41]', 1],
      ['succeeded', 'build[f41]', 1],
    ]);
    // Linked both ways, each child continuing the one before it.
    for (const [i, kid] of kids.entries()) {
      const history = await t.runtime.history(kid.id);
      const first = history[0]!;
      expect(first.type).toBe('RunStarted');
      expect(first.data).toMatchObject({
        parent: { run_id: runId, node_id: 'build[f41]', attempt: 1 },
        ...(i > 0 ? { continued_from: kids[i - 1]!.id } : {}),
      });
      const polls = history.filter((e) => e.type === 'NodePolled' || e.type === 'NodeCompleted');
      expect(polls.length).toBeLessThanOrEqual(POLLS_PER_RUN);
      if (i < 2)
        expect(history.at(-1)).toMatchObject({
          type: 'RunContinuedAsNew',
          data: { next_run_id: kids[i + 1]!.id, polls: POLLS_PER_RUN * (i + 1) },
        });
    }
    const parentHistory = await t.runtime.history(runId);
    expect(parentHistory.filter((e) => e.type === 'ChildRunStarted')).toMatchObject([
      {
        node_id: 'build[f41]',
        data: { child_run_id: kids[0]!.id, first_output: { id: 'fifty-f41' } },
      },
    ]);
    expect(parentHistory.filter((e) => e.type === 'ChildRunCompleted')).toMatchObject([
      { node_id: 'build[f41]', data: { child_run_id: kids[2]!.id, status: 'succeeded', runs: 3 } },
    ]);
  });

  it('waits every interval grown by the coefficient, capped at maximum_interval', async () => {
    const started = nextEvent((e) => e.type === 'child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: backoff }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 10 }
      every: 30s
      backoff_coefficient: 2
      maximum_interval: 1h
      until: "\${{ output.state == 'done' }}"
`);
    const child = ((await started) as { childRunId: string }).childRunId;
    const waits = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600].map((s) => s * 1000);
    for (const [i, wait] of waits.entries()) {
      // Not a millisecond early: the poll is not due before its interval has passed.
      clock.advance(wait - 1);
      expect(counter.polls.get('backoff') ?? 0).toBe(i);
      if (i < waits.length - 1) await pollOnce(1);
      else {
        const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
        clock.advance(1);
        await finished;
      }
    }
    expect(counter.polls.get('backoff')).toBe(10);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const scheduled = (await t.runtime.history(child))
      .filter((e) => e.type === 'NodeScheduled' || e.type === 'NodePolled')
      .map((e, i, all) => {
        const due = Date.parse((e.data as { due_at: string }).due_at);
        return i === 0 ? due - Date.parse(String(all[0]!.at)) : due - Date.parse(String(e.at));
      });
    expect(scheduled).toEqual(waits.slice(0, 10));
  });

  it('times the node out when polling outlasts poll.timeout', async () => {
    const started = nextEvent((e) => e.type === 'child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: never-done }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1000 }
      every: 30s
      timeout: 2m
      until: "\${{ output.state == 'done' }}"
  report:
    needs: build
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.build.result }}" }
`);
    await started;
    for (let i = 0; i < 3; i++) await pollOnce(30_000);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(30_000); // 2 minutes: the child's deadline
    expect((await finished).status).toBe('failed');
    const run = (await t.runtime.getRun(runId))!;
    const build = run.nodes.find((n) => n.node_id === 'build')!;
    expect(build.status).toBe('timed_out');
    expect(build.error).toMatchObject({ type: 'Timeout', details: { kind: 'poll' } });
    expect(run.nodes.find((n) => n.node_id === 'report')?.output).toBe('failure');
    expect((await children(runId)).map((k) => k.status)).toEqual(['timed_out']);
  });

  it('retries a failing poll call by poll.retry, and fails the node past it', async () => {
    const started = events(2, (e) => e.type === 'child:started');
    const runId = await t.startRun(`  flaky:
    uses: test.script
    with: { echo: flaky-status }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 3, fail_on: [2] }
      every: 30s
      until: "\${{ output.state == 'done' }}"
      retry: { maximum_attempts: 2, initial_interval: 5s }
  broken:
    uses: test.script
    with: { echo: broken-status }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 5, fail_on: [2, 3] }
      every: 30s
      until: "\${{ output.state == 'done' }}"
      retry: { maximum_attempts: 2, initial_interval: 5s, non_retryable_errors: [] }
`);
    await started;
    // Both poll every 30 s; a failed call is retried 5 s later.
    await step(30_000, 2, (e) => e.type === 'node:polled'); // call 1 of each
    await step(30_000, 2, (e) => e.type === 'node:retrying'); // call 2 of each fails
    // flaky's call 3 answers; broken's fails again, past its two attempts.
    await step(5_000, 2, (e) => e.type === 'node:polled' || e.type === 'child:completed');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(30_000); // flaky's call 4: done
    expect((await finished).status).toBe('failed');
    const run = (await t.runtime.getRun(runId))!;
    expect(run.nodes.find((n) => n.node_id === 'flaky')).toMatchObject({
      status: 'succeeded',
      output: { key: 'flaky-status', polls: 3, state: 'done' },
    });
    const broken = run.nodes.find((n) => n.node_id === 'broken');
    expect(broken).toMatchObject({ status: 'failed', error: { type: 'Unavailable' } });
    expect(broken?.error?.message).toContain('polling failed: call 3 failed');
  });

  it('ends at once when the signal named in poll.signal arrives, its payload the output', async () => {
    const started = nextEvent((e) => e.type === 'child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: signalled }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1000 }
      every: 1h
      until: "\${{ output.state == 'done' }}"
      signal: build-finished
`);
    await started;
    await pollOnce(3_600_000);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    const sent = await t.runtime.signal(runId, 'build-finished', { state: 'done', by: 'webhook' });
    expect(sent).toMatchObject({ outcome: 'delivered', node: 'build' });
    expect((await finished).status).toBe('succeeded');
    expect((await t.runtime.getRun(runId))!.nodes[0]?.output).toEqual({
      state: 'done',
      by: 'webhook',
    });
    expect(counter.polls.get('signalled')).toBe(1);
    expect((await children(runId)).map((k) => k.status)).toEqual(['succeeded']);
    const history = await t.runtime.history(runId);
    expect(history.find((e) => e.type === 'SignalReceived')?.data).toEqual({
      name: 'build-finished',
      payload: { state: 'done', by: 'webhook' },
      delivered_to: 'build',
    });
  });

  it('takes a poll.signal that arrived before the first call returned, and starts no child', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(
      pipeline(`  gate:
    wait_for: { signal: go }
  build:
    needs: gate
    uses: test.script
    with: { echo: early }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1000 }
      every: 1h
      until: "\${{ output.state == 'done' }}"
      signal: build-finished
`),
      handlers,
      event,
    );
    const { runId } = await t.runtime.start(graph, event);
    expect(await t.runtime.signal(runId, 'build-finished', 'reported early')).toEqual({
      outcome: 'buffered',
    });
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    await t.runtime.signal(runId, 'go');
    expect((await finished).status).toBe('succeeded');
    expect((await t.runtime.getRun(runId))!.nodes.find((n) => n.node_id === 'build')?.output).toBe(
      'reported early',
    );
    expect(await children(runId)).toEqual([]);
  });
});
