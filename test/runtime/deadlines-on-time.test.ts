/**
 * Issue 19 item 2: a queue_timeout or a deadline on an attempt that never started fires at its
 * time, not at the worker's next periodic sweep (every half lease: 15 s by default), and
 * whatever the worker's slots are doing. The worker here sweeps by itself only once a day and
 * its one slot is taken, so only the deadline's own time can wake it. Clock injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
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
  await db.close();
});

async function startRun(jobs: string) {
  const event = manualEvent({ repo: 'octo/app' });
  return (await runtime.start(compileFor(pipeline(jobs), handlers, event), event)).runId;
}

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
