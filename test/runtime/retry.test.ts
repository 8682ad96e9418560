/**
 * Retries on an injected clock: Temporal's backoff (initial × coefficient^n, capped), errors that
 * must not be retried, exhaustion, an error's retry_after as a floor, and the deadline as a
 * hard stop. No test sleeps: the clock is moved and the runtime's own events are awaited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

let db: TestDb;
let runtime: Runtime;
const clock = new FakeClock();
const handlers = testHandlers();

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
  await runtime.createWorker(workerOptions(handlers, { pollMs: 60_000 })).start();
});

afterAll(async () => {
  await expectAllHistoriesMatch(runtime);
  await runtime.stopWorkers(0);
  await db.close();
});

async function startRun(jobs: string) {
  const event = manualEvent({ repo: 'octo/app' });
  return (await runtime.start(compileFor(pipeline(jobs), handlers, event), event)).runId;
}

const fail = (type: string, extra = '') => `{ fail: { type: ${type}${extra} } }`;

describe('retry policy', () => {
  it('backs off initial × coefficient^n, capped at maximum_interval, then succeeds', async () => {
    const retrying = runtime.events.next('node:retrying', (e) => e.attempt === 1);
    const runId = await startRun(`  flaky:
    uses: test.script
    with: { steps: [${fail('Flaky')}, ${fail('Flaky')}, ${fail('Flaky')}, { output: done }] }
    retry: { maximum_attempts: 5, initial_interval: 10s, backoff_coefficient: 2, maximum_interval: 15s }
`);
    expect((await retrying).delayMs).toBe(10_000);
    // Not due yet: nothing claims it a millisecond early.
    clock.advance(9_999);
    const { rows } = await db.query<{ lease_owner: string | null; attempt: number }>(
      'SELECT lease_owner, attempt FROM forgeflow.tasks WHERE run_id = $1',
      [runId],
    );
    expect(rows).toEqual([{ lease_owner: null, attempt: 2 }]);

    const second = runtime.events.next(
      'node:retrying',
      (e) => e.runId === runId && e.attempt === 2,
    );
    clock.advance(1);
    expect((await second).delayMs).toBe(15_000); // 20 s capped at 15 s
    const third = runtime.events.next('node:retrying', (e) => e.runId === runId && e.attempt === 3);
    clock.advance(15_000);
    expect((await third).delayMs).toBe(15_000);
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(15_000);
    expect((await finished).status).toBe('succeeded');
    const run = (await runtime.getRun(runId))!;
    expect(run.nodes[0]).toMatchObject({
      status: 'succeeded',
      attempt: 4,
      failures: 3,
      output: 'done',
    });
    expect(run.nodes[0]?.attempts.map((a) => a.status)).toEqual([
      'failed',
      'failed',
      'failed',
      'succeeded',
    ]);
    const due = (await runtime.history(runId))
      .filter((e) => e.type === 'NodeRetryScheduled')
      .map((e) => (e.data as { due_at: string }).due_at);
    expect(due.map((d) => new Date(d).getTime() - clock.now())).toEqual([-30_000, -15_000, 0]); // due at +10 s, +25 s, +40 s
  });

  it('does not retry a non-retryable error or a type listed in non_retryable_errors', async () => {
    const first = await startRun(`  a:
    uses: test.script
    with: { steps: [${fail('BadInput', ', non_retryable: true')}] }
  b:
    uses: test.script
    with: { steps: [${fail('HttpClientError')}] }
    retry: { non_retryable_errors: [HttpClientError] }
`);
    expect(await runtime.waitForRun(first, 15_000)).toBe('failed');
    const nodes = (await runtime.getRun(first))!.nodes;
    for (const node of nodes) expect(node).toMatchObject({ status: 'failed', attempt: 1 });
    expect(nodes.find((n) => n.node_id === 'b')?.error?.message).toMatch(
      /listed in non_retryable_errors/,
    );
  });

  it('gives up after maximum_attempts and says so', async () => {
    const retried = runtime.events.next('node:retrying');
    const runId = await startRun(`  a:
    uses: test.script
    with: { steps: [${fail('Flaky')}] }
    retry: { maximum_attempts: 2, initial_interval: 1s }
`);
    await retried;
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(1_000);
    expect((await finished).status).toBe('failed');
    const node = (await runtime.getRun(runId))!.nodes[0]!;
    expect(node).toMatchObject({ status: 'failed', attempt: 2, failures: 2 });
    expect(node.error?.message).toMatch(/all 2 attempts failed/);
  });

  it("waits at least an error's retry_after (a 429's Retry-After)", async () => {
    const retrying = runtime.events.next('node:retrying');
    const runId = await startRun(`  a:
    uses: test.script
    with: { steps: [${fail('HttpRateLimited', ', retry_after_ms: 90000')}, { output: ok }] }
    retry: { initial_interval: 1s }
`);
    expect((await retrying).delayMs).toBe(90_000);
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(90_000);
    expect((await finished).status).toBe('succeeded');
  });

  it('stops retrying when the next attempt would start after the deadline', async () => {
    const retrying = runtime.events.next('node:retrying');
    const runId = await startRun(`  a:
    uses: test.script
    with: { steps: [${fail('Flaky')}] }
    retry: { maximum_attempts: 0, initial_interval: 40s, backoff_coefficient: 1 }
    deadline: 1m
    timeout: 30s
`);
    expect((await retrying).delayMs).toBe(40_000);
    const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(40_000);
    expect((await finished).status).toBe('failed');
    const node = (await runtime.getRun(runId))!.nodes[0]!;
    expect(node).toMatchObject({ status: 'failed', attempt: 2 });
    expect(node.error?.message).toMatch(/after the deadline/);
  });
});
