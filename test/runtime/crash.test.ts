/**
 * A worker PROCESS killed with SIGKILL in the middle of an activity (DESIGN.md §4: "a worker
 * that dies loses its lease and the attempt is retried … Completed nodes are never
 * re-executed"). The child (fixtures/worker-process.ts) runs `a → b → c → d` until c hangs; it
 * is killed; a worker in this process finishes the run. Side effects are counted in a table the
 * handlers write, so "not executed again" is observed, not inferred from the runtime's tables.
 *
 * On PGlite the child owns the data directory while it runs (PGlite serves one process): this
 * process closes its database first and reopens it after the kill, which proves two more things:
 * what the child committed survived the SIGKILL, and the directory lock of the dead pid is
 * taken over.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { freshPgliteDir, testBackend, testDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime, workerOptions } from '../support/runtime.js';
import {
  EFFECTS_TABLE,
  fixtureHandlers,
  spawnWorkerProcess,
  type EffectRow,
  type WorkerProcess,
} from './fixtures/worker-process.js';

const backend = testBackend();
/**
 * The production lease: the dead worker is noticed by its silence (issue 19), after
 * DEAD_AFTER_MS without a beat of its liveness row, long before its lease could run out. Real
 * time, as the child's is.
 */
const LEASE_MS = 30_000;
const DEAD_AFTER_MS = 3_000;

const PIPELINE = pipeline(`  a:
    uses: effect
  b:
    uses: effect
    needs: a
  c:
    uses: hang
    needs: b
    retry: { maximum_attempts: 3, initial_interval: 100ms }
  d:
    uses: effect
    needs: c
`);

let db: Db | undefined;
let dir: string | undefined;
let runtime: Runtime | undefined;
const children: WorkerProcess[] = [];

afterAll(async () => {
  for (const child of children) await child.kill();
  try {
    if (runtime && db) await expectAllHistoriesMatch(runtime);
  } finally {
    await runtime?.stopWorkers(1_000);
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

async function effects(q: Db, runId: string): Promise<EffectRow[]> {
  const { rows } = await q.query<EffectRow>(
    'SELECT * FROM test_effects WHERE run_id = $1 ORDER BY at',
    [runId],
  );
  return rows;
}

describe(`a worker process killed mid-activity (${backend})`, () => {
  // Real processes and real time: a child needs 1–3 s to start (tsx, PGlite), more on a busy machine.
  it(
    'is replaced by another worker that finishes the run without re-running completed nodes',
    { timeout: 30_000 },
    async () => {
      // The database, the effects table and the run, set up from this process.
      let url: string | undefined;
      if (backend === 'pglite') {
        dir = await freshPgliteDir();
        db = await openPglite({ dataDir: dir });
      } else {
        const test = await testDb();
        db = test;
        url = test.url;
      }
      await db.exec(EFFECTS_TABLE);
      const graph = compileFor(PIPELINE, fixtureHandlers(db, { worker: 'none', hang: 'effect' }));
      const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
      const { runId } = await testRuntime(db).start(graph, event);
      if (backend === 'pglite') {
        await db.close(); // the child gets the directory to itself
        db = undefined;
      }

      // The child runs a and b, starts c, and is killed while c is in flight.
      const child = spawnWorkerProcess({
        databaseUrl: url,
        pgliteDir: dir,
        leaseMs: LEASE_MS,
        deadAfterMs: DEAD_AFTER_MS,
      });
      children.push(child);
      await child.line('HANG c');
      await child.kill();
      const killedAt = Date.now();
      expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });

      // On PGlite: take the directory over from the dead pid; what it committed must be there.
      db ??= await openPglite({ dataDir: dir });
      runtime = testRuntime(db, {
        settings: { leaseMs: LEASE_MS, workerDeadAfterMs: DEAD_AFTER_MS },
      });
      const before = await runtime.getRun(runId);
      expect(
        Object.fromEntries(before!.nodes.map((n) => [n.node_id, [n.status, n.attempt]])),
        'the state the dead worker committed',
      ).toEqual({
        a: ['succeeded', 1],
        b: ['succeeded', 1],
        c: ['running', 1],
        d: ['pending', 0],
      });
      expect((await effects(db, runId)).map((e) => [e.node_id, e.pid])).toEqual([
        ['a', child.pid],
        ['b', child.pid],
        ['c', child.pid],
      ]);

      // A worker in this process, whose `hang` returns at once, finishes the run.
      const survivor = runtime.createWorker(
        workerOptions(fixtureHandlers(db, { worker: 'survivor', hang: 'effect' }), {
          id: 'survivor',
        }),
      );
      const judged = runtime.events.next('workers:dead', undefined, 15_000);
      await survivor.start();
      expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
      // Retried once the child stopped beating: seconds after the kill, not the 30 s lease.
      const recoveredInMs = Date.now() - killedAt;
      expect(recoveredInMs).toBeLessThan(LEASE_MS / 2);
      expect(await judged).toMatchObject({ workers: [`child-${child.pid}`], tasks: 1 });
      console.info(`dead worker (${backend}): run finished ${recoveredInMs} ms after the SIGKILL`);

      const rows = await effects(db, runId);
      const of = (node: string) => rows.filter((e) => e.node_id === node).map((e) => e.pid);
      expect(of('a'), 'a ran once, in the dead child').toEqual([child.pid]);
      expect(of('b'), 'b ran once, in the dead child').toEqual([child.pid]);
      expect(of('c'), 'c ran in the child, then once more here').toEqual([child.pid, process.pid]);
      expect(of('d'), 'd ran once, here').toEqual([process.pid]);

      const run = await runtime.getRun(runId);
      const node = (id: string) => run!.nodes.find((n) => n.node_id === id)!;
      const childWorker = `child-${child.pid}`;
      for (const id of ['a', 'b'])
        expect(node(id).attempts.map((a) => [a.attempt, a.status, a.worker])).toEqual([
          [1, 'succeeded', childWorker],
        ]);
      expect(node('c')).toMatchObject({ status: 'succeeded', attempt: 2 });
      expect(node('c').attempts).toMatchObject([
        {
          attempt: 1,
          status: 'timed_out',
          worker: childWorker,
          error: { type: 'WorkerLost', details: { kind: 'lease' } },
        },
        { attempt: 2, status: 'succeeded', worker: 'survivor' },
      ]);
      expect(node('d').attempts.map((a) => [a.attempt, a.status, a.worker])).toEqual([
        [1, 'succeeded', 'survivor'],
      ]);
      // Nothing the dead worker did arrived late (it cannot: it is dead), nothing was fenced.
      const history = await runtime.history(runId, { limit: 10_000 });
      expect(history.filter((e) => e.type === 'LateCompletionFenced')).toEqual([]);
      expect(
        history.filter((e) => e.type === 'NodeTimedOut' || e.type === 'NodeRetryScheduled'),
      ).toMatchObject([{ type: 'NodeRetryScheduled', node_id: 'c', attempt: 1 }]);
    },
  );
});
