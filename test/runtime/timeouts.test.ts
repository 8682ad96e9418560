/**
 * The four timeouts (start-to-close, heartbeat, schedule-to-start, schedule-to-close), a late
 * completion fenced off after its lease was lost, and a worker's graceful stop. The clock is
 * injected; leases are long here so that only the timeout under test fires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { finishAttempt } from '../../src/runtime/finish.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { sweep } from '../../src/runtime/sweep.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import {
  Blocker,
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

const DAY = 86_400_000;
let db: TestDb;
let runtime: Runtime;
const clock = new FakeClock();
const blocker = new Blocker();
const handlers = testHandlers(blocker);

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock, settings: { leaseMs: 10 * DAY } });
});

afterAll(async () => {
  await runtime.stopWorkers(0);
  await expectAllHistoriesMatch(runtime);
  await db.close();
});

async function startRun(jobs: string) {
  const event = manualEvent({ repo: 'octo/app' });
  return (await runtime.start(compileFor(pipeline(jobs), handlers, event), event)).runId;
}

const node = async (runId: string, id: string) =>
  (await runtime.getRun(runId))!.nodes.find((n) => n.node_id === id)!;

describe('timeouts', () => {
  let worker: ReturnType<Runtime['createWorker']>;
  beforeAll(async () => {
    worker = runtime.createWorker(
      workerOptions(handlers, { pollMs: DAY, sweepMs: 1_000, concurrency: 1 }),
    );
    await worker.start();
  });
  afterAll(() => worker.stop(0));

  it('start-to-close: an attempt running past its timeout is aborted and retried', async () => {
    const runId = await startRun(`  slow:
    uses: test.wait
    timeout: 30s
    retry: { initial_interval: 1s }
`);
    await blocker.arrived('slow');
    const retrying = runtime.events.next('node:retrying', (e) => e.runId === runId);
    clock.advance(30_000);
    expect((await retrying).error).toMatchObject({
      type: 'Timeout',
      details: { kind: 'start_to_close' },
    });
    clock.advance(1_000);
    expect((await blocker.arrived('slow')).attempt).toBe(2);
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    blocker.release('slow');
    expect((await finished).status).toBe('succeeded');
    expect((await node(runId, 'slow')).attempts.map((a) => a.status)).toEqual([
      'timed_out',
      'succeeded',
    ]);
  });

  it('heartbeat: silence longer than heartbeat_timeout times out; the details reach the next attempt', async () => {
    const runId = await startRun(`  beating:
    uses: test.wait
    heartbeat_timeout: 10s
    retry: { initial_interval: 1s }
`);
    const first = await blocker.arrived('beating');
    await first.heartbeat({ step: 1 });
    clock.advance(8_000);
    await first.heartbeat({ step: 2 });
    clock.advance(8_000); // 16 s since the start, 8 s since the last beat: alive
    expect((await node(runId, 'beating')).status).toBe('running');
    const retrying = runtime.events.next('node:retrying', (e) => e.runId === runId);
    clock.advance(2_000);
    expect((await retrying).error.details).toEqual({ kind: 'heartbeat' });
    clock.advance(1_000);
    const second = await blocker.arrived('beating');
    expect(second.attempt).toBe(2);
    expect(second.lastHeartbeatDetails).toEqual({ step: 2 });
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    blocker.release('beating');
    expect((await finished).status).toBe('succeeded');
  });

  it('schedule-to-start: an attempt no worker starts within queue_timeout times out, not retried', async () => {
    // The single slot is taken by `busy`, so `queued` waits in the queue.
    const runId = await startRun(`  busy:
    uses: test.wait
  queued:
    uses: test.script
    queue_timeout: 1m
`);
    await blocker.arrived('busy');
    const failed = runtime.events.next(
      'node:failed',
      (e) => e.runId === runId && e.nodeId === 'queued',
    );
    clock.advance(60_000);
    const event = await failed;
    expect(event.timedOut).toBe(true);
    expect(event.error).toMatchObject({
      type: 'Timeout',
      non_retryable: true,
      details: { kind: 'schedule_to_start' },
    });
    expect(await node(runId, 'queued')).toMatchObject({ status: 'timed_out', attempts: [] });
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    blocker.release('busy');
    expect((await finished).status).toBe('failed');
  });

  it('schedule-to-close: the deadline over all attempts ends the node while an attempt runs', async () => {
    const runId = await startRun(`  bounded:
    uses: test.wait
    timeout: 30s
    deadline: 45s
    retry: { maximum_attempts: 0, initial_interval: 1s }
`);
    await blocker.arrived('bounded');
    const retrying = runtime.events.next('node:retrying', (e) => e.runId === runId);
    clock.advance(30_000);
    await retrying;
    const second = runtime.events.next('node:started', (e) => e.runId === runId && e.attempt === 2);
    clock.advance(1_000);
    await second;
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(14_000);
    expect((await finished).status).toBe('failed');
    const bounded = await node(runId, 'bounded');
    expect(bounded).toMatchObject({ status: 'timed_out', attempt: 2 });
    expect(bounded.error).toMatchObject({
      details: { kind: 'schedule_to_close' },
      non_retryable: true,
    });
  });
});

describe('leases', () => {
  it('fences off a completion that arrives after the lease was lost', async () => {
    const runId = await startRun(`  a:
    uses: test.script
    with: { echo: fresh }
    timeout: 20d
`);
    const [lost] = (await claim(runtime.engine, 'worker-a', 10)).attempts;
    expect(lost?.run.id).toBe(runId);
    clock.advance(10 * DAY + 1);
    expect(await sweep(runtime.engine)).toBe(1);
    expect(await node(runId, 'a')).toMatchObject({ status: 'retrying', attempt: 2 });

    expect(
      await finishAttempt(runtime.engine, 'worker-a', lost!, { ok: true, output: 'late' }),
    ).toBe(false);
    const afterLate = await node(runId, 'a');
    expect(afterLate.status).toBe('retrying');
    expect(afterLate.attempts.map((a) => [a.attempt, a.status, a.error?.type])).toEqual([
      [1, 'timed_out', 'WorkerLost'],
    ]);

    clock.advance(1_000); // the retry's backoff
    const [retry] = (await claim(runtime.engine, 'worker-b', 10)).attempts;
    expect(retry?.attempt).toBe(2);
    expect(
      await finishAttempt(runtime.engine, 'worker-b', retry!, { ok: true, output: 'fresh' }),
    ).toBe(true);
    expect(await node(runId, 'a')).toMatchObject({ status: 'succeeded', output: 'fresh' });
    const types = (await runtime.history(runId)).map((e) => e.type);
    expect(types).toContain('LateCompletionFenced');
  });
});

describe('stopping a worker', () => {
  it('lets an in-flight attempt finish within the grace period', async () => {
    const worker = runtime.createWorker(workerOptions(handlers, { pollMs: DAY }));
    await worker.start();
    const runId = await startRun('  a:\n    uses: test.wait\n');
    await blocker.arrived('a');
    const stopped = worker.stop(DAY);
    blocker.release('a');
    await stopped;
    expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
  });

  it('releases an attempt still running after the grace period, without counting it as a failure', async () => {
    const first = runtime.createWorker(workerOptions(handlers, { pollMs: DAY, id: 'first' }));
    await first.start();
    const runId = await startRun(`  a:
    uses: test.wait
    retry: { maximum_attempts: 1 }
`);
    await blocker.arrived('a');
    await first.stop(0);
    expect(await node(runId, 'a')).toMatchObject({ status: 'retrying', attempt: 2, failures: 0 });
    const second = runtime.createWorker(workerOptions(handlers, { pollMs: DAY, id: 'second' }));
    await second.start();
    await blocker.arrived('a');
    blocker.release('a');
    expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const a = await node(runId, 'a');
    expect(a.attempts.map((x) => [x.worker, x.status, x.error?.type ?? null])).toEqual([
      ['first', 'canceled', 'WorkerShutdown'],
      ['second', 'succeeded', null],
    ]);
    await second.stop(0);
  });
});

/**
 * Issue 19 item 2: a queue_timeout or a deadline on an attempt that never started fires at its
 * time, not at the worker's next periodic sweep (every half lease: 15 s by default), and
 * whatever the worker's slots are doing. This worker sweeps by itself only once a day and its
 * one slot is taken, so only the deadline's own time can wake it.
 */
describe('deadlines of attempts that never started', () => {
  let worker: ReturnType<Runtime['createWorker']>;
  beforeAll(async () => {
    worker = runtime.createWorker(
      workerOptions(handlers, { pollMs: DAY, sweepMs: DAY, concurrency: 1 }),
    );
    await worker.start();
  });
  afterAll(() => worker.stop(0));

  it.each([
    ['queue_timeout: 2s', 2_000, 'schedule_to_start'],
    ['deadline: 3s\n    timeout: 1s', 3_000, 'schedule_to_close'],
  ])('%s fires at its time while the only slot is busy', async (setting, ms, kind) => {
    const runId = await startRun(`  busy:
    uses: test.wait
  queued:
    uses: test.script
    ${setting}
`);
    await blocker.arrived('busy');
    const failed = runtime.events.next(
      'node:failed',
      (e) => e.runId === runId && e.nodeId === 'queued',
    );
    let fired = false;
    void failed.then(() => (fired = true));
    // Just before its time nothing fires: wait until the worker sleeps again, then look.
    const idle = runtime.events.next('worker:idle');
    clock.advance(ms - 1);
    await idle;
    expect(fired).toBe(false);
    clock.advance(1);
    const event = await failed;
    expect(event.timedOut).toBe(true);
    expect(event.error).toMatchObject({ type: 'Timeout', details: { kind } });
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    blocker.release('busy');
    expect((await finished).status).toBe('failed');
  });
});
