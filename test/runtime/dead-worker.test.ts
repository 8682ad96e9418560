/**
 * A dead worker is noticed by its silence, not by its lease (issue 19 item 1): every worker
 * beats a row in forgeflow.workers; when one stops beating, another judges it dead after its
 * dead-after (5 s here) and its attempt is retried then, long before its 30 s lease ran out. A
 * live worker running a long attempt keeps it; the late writes of one judged dead are fenced.
 *
 * The dead worker is a real Worker whose runtime has a clock of its own that the test does not
 * move: frozen, it neither beats nor extends its lease nor sweeps (a SIGKILLed or SIGSTOPped
 * process, as the database sees it), yet its handler can still return (a late completion) and
 * its clock can be moved again (a process that was only paused). Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { HandlerError } from '../../src/contracts/errors.js';
import type { Handler, HandlerContext } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { RuntimeEvent } from '../../src/runtime/events.js';
import { beatInterval } from '../../src/runtime/liveness-timing.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { RuntimeSettings } from '../../src/runtime/types.js';
import type { Worker } from '../../src/runtime/worker.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime, workerOptions } from '../support/runtime.js';

const DAY = 86_400_000;
const LEASE_MS = 30_000;
const DEAD_AFTER_MS = 5_000;
const BEAT_MS = beatInterval(DEAD_AFTER_MS);
const SETTINGS: Partial<RuntimeSettings> = { leaseMs: LEASE_MS, workerDeadAfterMs: DEAD_AFTER_MS };

/** `test.gate`: each attempt (of a run) waits until the test opens it, or it is aborted. */
class Gate {
  private readonly open = new Map<string, { context: HandlerContext; done: () => void }>();
  private readonly arrivals: (() => void)[] = [];
  readonly handler: Handler = {
    spec: { name: 'test.gate', description: 'Waits to be opened (tests only).', input: {} },
    run: (_input, context) =>
      new Promise((resolve, reject) => {
        context.signal.addEventListener(
          'abort',
          () => reject(new HandlerError('Aborted', JSON.stringify(context.signal.reason))),
          { once: true },
        );
        this.open.set(`${context.runId}#${context.attempt}`, {
          context,
          done: () => resolve({ attempt: context.attempt }),
        });
        for (const arrive of this.arrivals.splice(0)) arrive();
      }),
  };

  async arrived(runId: string, attempt: number): Promise<HandlerContext> {
    for (;;) {
      const entry = this.open.get(`${runId}#${attempt}`);
      if (entry) return entry.context;
      await new Promise<void>((resolve) => this.arrivals.push(resolve));
    }
  }

  release(runId: string, attempt: number): void {
    this.open.get(`${runId}#${attempt}`)?.done();
  }
}

const gate = new Gate();
const handlers = new Map<string, Handler>([['test.gate', gate.handler]]);
const liveClock = new FakeClock();
let db: TestDb;
let live: Runtime;
const frozen: Runtime[] = [];

beforeAll(async () => {
  db = await testDb();
  live = testRuntime(db, { clock: liveClock, settings: SETTINGS });
});

afterAll(async () => {
  try {
    await expectAllHistoriesMatch(live);
  } finally {
    await live.stopWorkers(0);
    for (const runtime of frozen) await runtime.stopWorkers(0);
    await db.close();
  }
});

/** A worker whose clock only moves when the test says: stopped, it is a dead process. */
async function frozenWorker(
  id: string,
): Promise<{ runtime: Runtime; clock: FakeClock; worker: Worker }> {
  const clock = new FakeClock(liveClock.now());
  const runtime = testRuntime(db, { clock, settings: SETTINGS });
  frozen.push(runtime);
  const worker = runtime.createWorker(workerOptions(handlers, { id, pollMs: DAY, concurrency: 1 }));
  await worker.start();
  return { runtime, clock, worker };
}

async function liveWorker(id: string): Promise<Worker> {
  const worker = live.createWorker(workerOptions(handlers, { id, pollMs: DAY, concurrency: 1 }));
  await worker.start();
  return worker;
}

async function startRun(): Promise<string> {
  const event = manualEvent({ repo: 'octo/app' });
  const graph = compileFor(
    pipeline(`  job:\n    uses: test.gate\n    retry: { initial_interval: 1s }\n`),
    handlers,
    event,
  );
  return (await live.start(graph, event)).runId;
}

/** Moves the live clock one beat on and waits until each of these workers has beaten. */
async function beatOnce(workers: readonly string[]): Promise<void> {
  const beats = workers.map((w) => live.events.next('worker:beat', (e) => e.worker === w));
  liveClock.advance(BEAT_MS);
  await Promise.all(beats);
}

async function workerRows(): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM forgeflow.workers ORDER BY id');
  return rows.map((r) => r.id);
}

const attemptsOf = async (runId: string) =>
  (await live.getRun(runId))!.nodes.find((n) => n.node_id === 'job')!.attempts;

describe(`a worker that stops beating`, () => {
  it('is judged dead after its dead-after and its attempt is retried, long before its lease ran out; its late completion is fenced', async () => {
    const dead = await frozenWorker('doomed');
    const runId = await startRun();
    await gate.arrived(runId, 1);
    const survivor = await liveWorker('survivor');
    expect(await workerRows()).toEqual(['doomed', 'survivor']);

    const judged: RuntimeEvent[] = [];
    const off = live.events.on('workers:dead', (e) => judged.push(e));
    const retrying = live.events.next('node:retrying', (e) => e.runId === runId);
    const t0 = liveClock.now();
    while (judged.length === 0) await beatOnce([survivor.id]);
    off();
    const judgedAfter = liveClock.now() - t0;
    expect(judged).toEqual([
      { type: 'workers:dead', by: 'survivor', workers: ['doomed'], tasks: 1 },
    ]);
    expect(judgedAfter).toBeGreaterThanOrEqual(DEAD_AFTER_MS);
    expect(judgedAfter).toBeLessThanOrEqual(DEAD_AFTER_MS + BEAT_MS);
    expect(await workerRows()).toEqual(['survivor']);

    // Retried as a dead worker's attempt always was (WorkerLost, counted as lost), at once.
    expect((await retrying).error).toMatchObject({
      type: 'WorkerLost',
      details: { kind: 'lease' },
    });
    const { rows: lost } = await db.query<{ lost_attempts: number }>(
      'SELECT lost_attempts FROM forgeflow.nodes WHERE run_id = $1',
      [runId],
    );
    expect(lost, 'counted toward the poison-pill limit').toEqual([{ lost_attempts: 1 }]);
    liveClock.advance(1_000); // the retry's initial interval
    const second = await gate.arrived(runId, 2);
    expect(liveClock.now() - t0).toBeLessThan(LEASE_MS / 3);
    expect(second.attempt).toBe(2);

    // The dead worker's handler returns after all: its completion changes nothing.
    const fenced = dead.runtime.events.next('completion:fenced', (e) => e.runId === runId);
    gate.release(runId, 1);
    expect(await fenced).toMatchObject({ nodeId: 'job', attempt: 1, worker: 'doomed' });

    const finished = live.events.next('run:finished', (e) => e.runId === runId);
    gate.release(runId, 2);
    expect((await finished).status).toBe('succeeded');
    expect((await attemptsOf(runId)).map((a) => [a.attempt, a.status, a.worker])).toEqual([
      [1, 'timed_out', 'doomed'],
      [2, 'succeeded', 'survivor'],
    ]);
    const history = await live.history(runId, { limit: 1_000 });
    expect(history.filter((e) => e.type === 'LateCompletionFenced')).toMatchObject([
      { node_id: 'job', attempt: 1 },
    ]);
    await dead.worker.stop(0);
    await survivor.stop(0);
    expect(await workerRows()).toEqual([]);
  });

  it('that was only paused finds itself judged dead when it wakes: it aborts the attempt it lost and beats again', async () => {
    const paused = await frozenWorker('paused');
    const runId = await startRun();
    const first = await gate.arrived(runId, 1);
    const survivor = await liveWorker('survivor');
    let judged = false;
    const off = live.events.on('workers:dead', () => (judged = true));
    const retrying = live.events.next('node:retrying', (e) => e.runId === runId);
    while (!judged) await beatOnce([survivor.id]);
    off();
    await retrying;
    liveClock.advance(1_000);
    await gate.arrived(runId, 2);

    // It wakes: its first beat finds its row gone; it checks its leases and aborts attempt 1.
    const woke = paused.runtime.events.next('worker:beat', (e) => e.worker === 'paused');
    const fenced = paused.runtime.events.next('completion:fenced', (e) => e.runId === runId);
    paused.clock.advance(liveClock.now() - paused.clock.now());
    expect(await woke).toMatchObject({ alive: false });
    expect((await fenced).attempt).toBe(1);
    expect(first.signal.reason).toEqual({ kind: 'lease_lost' });
    expect(await workerRows()).toEqual(['paused', 'survivor']);

    const finished = live.events.next('run:finished', (e) => e.runId === runId);
    gate.release(runId, 2);
    expect((await finished).status).toBe('succeeded');
    await paused.worker.stop(0);
    await survivor.stop(0);
  });
});

describe('a live worker running a long attempt', () => {
  it('keeps its lease well past the dead-after: beating is what counts, not finishing', async () => {
    const a = await liveWorker('a');
    const b = await liveWorker('b');
    const runId = await startRun();
    await gate.arrived(runId, 1);
    const judged: RuntimeEvent[] = [];
    const off = live.events.on('workers:dead', (e) => judged.push(e));
    for (let t = 0; t < 4 * DEAD_AFTER_MS; t += BEAT_MS) await beatOnce([a.id, b.id]);
    off();
    expect(judged).toEqual([]);
    expect(await workerRows()).toEqual(['a', 'b']);
    const finished = live.events.next('run:finished', (e) => e.runId === runId);
    gate.release(runId, 1);
    expect((await finished).status).toBe('succeeded');
    expect((await attemptsOf(runId)).map((x) => [x.attempt, x.status])).toEqual([[1, 'succeeded']]);
    await a.stop(0);
    await b.stop(0);
  });
});
