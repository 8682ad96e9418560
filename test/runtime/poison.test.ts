/**
 * A poison pill: a task whose worker PROCESS dies every time it runs it (the reproduction: a
 * pushed config that made the compiler exhaust the heap, the plan step retried after every
 * restart, each new process dead again within seconds). Its node must end failed, with a reason
 * that says so, after a bounded number of lost attempts, even with `maximum_attempts: 0`
 * (unlimited); a task that kills its worker once, then succeeds, is still retried and succeeds.
 *
 * Each round spawns a real worker process (fixtures/worker-process.ts, one slot) that claims the
 * next due attempt and SIGKILLs itself in the handler. No waiting for its lease: this process
 * backdates the dead worker's lease and sweeps with its injected clock, as a surviving worker's
 * sweeper would once the lease ran out. On PGlite the child owns the data directory while it
 * runs, so this process closes its database before each child and reopens it after.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { DEFAULT_MAX_LOST_ATTEMPTS } from '../../src/runtime/lost-workers.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { sweep } from '../../src/runtime/sweep.js';
import { freshPgliteDir, testBackend, testDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime } from '../support/runtime.js';
import {
  EFFECTS_TABLE,
  fixtureHandlers,
  spawnWorkerProcess,
  type WorkerProcess,
} from './fixtures/worker-process.js';

const backend = testBackend();
const LIMIT = DEFAULT_MAX_LOST_ATTEMPTS;

// Unlimited retries and no deadline: only the lost-attempt bound can end `doomed`.
const DOOMED = pipeline(`  doomed:
    uses: die
    retry: { maximum_attempts: 0, initial_interval: 1ms }
`);
const FLAKY = pipeline(`  flaky:
    uses: die
    with: { times: 1 }
    retry: { maximum_attempts: 0, initial_interval: 1ms }
`);

let db: Db | undefined;
let url: string | undefined;
let dir: string | undefined;
let runtime: Runtime | undefined;
const children: WorkerProcess[] = [];
// Kept at the real time the children read (their retries must fall due for them at once).
const clock = new FakeClock(Date.now());

afterAll(async () => {
  for (const child of children) await child.kill();
  try {
    if (runtime) await expectAllHistoriesMatch(runtime);
  } finally {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

async function openDb(): Promise<Db> {
  db ??= await openPglite({ dataDir: dir });
  runtime = testRuntime(db, { clock });
  return db;
}

async function releaseDb(): Promise<void> {
  if (backend !== 'pglite') return;
  await db?.close();
  db = undefined;
  runtime = undefined;
}

/** One worker process: it claims the next due attempt and dies running it. */
async function crashOnce(): Promise<void> {
  await releaseDb();
  const child = spawnWorkerProcess({ databaseUrl: url, pgliteDir: dir, concurrency: 1 });
  children.push(child);
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
}

/** What a surviving worker does once the dead one's lease ran out: its sweeper times it out. */
async function sweepTheDead(): Promise<number> {
  const q = await openDb();
  clock.advance(Math.max(0, Date.now() - clock.now()));
  const { rowCount } = await q.query(
    `UPDATE forgeflow.tasks SET lease_expires_at = $1, expires_at = $1
     WHERE kind = 'attempt' AND lease_owner IS NOT NULL`,
    [new Date(clock.now() - 1)],
  );
  expect(rowCount, 'one attempt held by the dead worker').toBe(1);
  return sweep(runtime!.engine);
}

describe(`a task that kills its worker process (${backend})`, () => {
  it(
    `fails after ${LIMIT} lost attempts whatever its retry policy; one that kills it once is retried`,
    { timeout: 240_000 },
    async () => {
      if (backend === 'pglite') {
        dir = await freshPgliteDir();
      } else {
        const test = await testDb();
        db = test;
        url = test.url;
      }
      await openDb();
      await db!.exec(EFFECTS_TABLE);
      const handlers = fixtureHandlers(db!, { worker: 'none', hang: 'effect' });
      const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
      // Doomed first: with one slot, the child claims the oldest due attempt.
      const doomed = (await runtime!.start(compileFor(DOOMED, handlers), event)).runId;
      const flaky = (await runtime!.start(compileFor(FLAKY, handlers), event)).runId;

      // Doomed #1, flaky #1, doomed #2, then flaky #2 (succeeds) and doomed #3 in one process.
      let rounds = 0;
      for (; rounds < 2 * LIMIT + 2;) {
        await crashOnce();
        rounds++;
        expect(await sweepTheDead()).toBe(1);
        const { rows } = await db!.query<{ status: string }>(
          'SELECT status FROM forgeflow.runs WHERE id = $1',
          [doomed],
        );
        if (rows[0]?.status !== 'running') break;
      }
      expect(rounds, 'worker processes it took down').toBe(LIMIT + 1);

      const doomedRun = await runtime!.getRun(doomed);
      expect(doomedRun?.status).toBe('failed');
      const node = doomedRun!.nodes[0]!;
      expect(node).toMatchObject({
        node_id: 'doomed',
        status: 'failed',
        attempt: LIMIT,
        error: {
          type: 'WorkerCrashed',
          non_retryable: true,
          details: { kind: 'lease', lost_attempts: LIMIT, limit: LIMIT },
        },
      });
      expect(node.error?.message).toContain(`the worker died ${LIMIT} times in a row`);
      expect(node.attempts.map((a) => [a.attempt, a.status, a.error?.type])).toEqual(
        Array.from({ length: LIMIT }, (_, i) => [i + 1, 'timed_out', 'WorkerLost']),
      );
      const history = await runtime!.history(doomed, { limit: 1_000 });
      expect(
        history
          .filter((e) => e.type.startsWith('Node') || e.type.startsWith('Run'))
          .map((e) => [e.type, e.attempt, e.data.lost_attempts ?? null]),
      ).toEqual([
        ['RunStarted', null, null],
        ['NodeScheduled', 1, null],
        ['NodeStarted', 1, null],
        ['NodeRetryScheduled', 1, 1],
        ['NodeStarted', 2, null],
        ['NodeRetryScheduled', 2, 2],
        ['NodeStarted', 3, null],
        ['NodeFailed', 3, null],
        ['RunFailed', null, null],
      ]);
      expect(history.find((e) => e.type === 'NodeFailed')?.data.error).toMatchObject({
        type: 'WorkerCrashed',
      });

      // Nothing left to claim: no retry is queued for either run.
      const { rows: tasks } = await db!.query(
        `SELECT * FROM forgeflow.tasks WHERE run_id = ANY($1::uuid[])`,
        [[doomed, flaky]],
      );
      expect(tasks).toEqual([]);

      const flakyRun = await runtime!.getRun(flaky);
      expect(flakyRun?.status).toBe('succeeded');
      expect(
        flakyRun!.nodes[0]!.attempts.map((a) => [a.attempt, a.status, a.error?.type ?? null]),
      ).toEqual([
        [1, 'timed_out', 'WorkerLost'],
        [2, 'succeeded', null],
      ]);
      const flakyHistory = await runtime!.history(flaky, { limit: 1_000 });
      expect(
        flakyHistory.filter((e) => e.type === 'NodeRetryScheduled').map((e) => e.data),
      ).toMatchObject([{ outcome: 'timed_out', lost_attempts: 1, counted: true }]);

      // Every execution is counted by the handler itself: one per attempt, each in its own
      // process; flaky's second attempt and doomed's third ran in the last one.
      const { rows: effects } = await db!.query<{ node_id: string; attempt: number; pid: number }>(
        'SELECT node_id, attempt, pid FROM test_effects ORDER BY at',
      );
      expect(effects.map((e) => [e.node_id, e.attempt])).toEqual([
        ['doomed', 1],
        ['flaky', 1],
        ['doomed', 2],
        ['flaky', 2],
        ['doomed', 3],
      ]);
      expect(effects.map((e) => e.pid)).toEqual([
        children[0]!.pid,
        children[1]!.pid,
        children[2]!.pid,
        children[3]!.pid,
        children[3]!.pid,
      ]);
    },
  );
});
