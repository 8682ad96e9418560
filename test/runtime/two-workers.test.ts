/**
 * Two workers share one database and split 1,000 nodes between them (DESIGN.md §4: tasks are
 * claimed with `FOR UPDATE SKIP LOCKED`; many workers share one Postgres). Every handler
 * execution writes a row, so "each node ran exactly once" is counted, not inferred.
 *
 * On postgres the two workers are two PROCESSES (fixtures/worker-process.ts) against this
 * file's database. On PGlite they are two Worker instances in this process sharing its Db:
 * the embedded database serves one process by design (DESIGN.md §5), so two processes cannot
 * share it, and its single session serializes their transactions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testBackend, testDb, type TestDb } from '../support/db.js';
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
const WORKERS = ['w1', 'w2'];
const CONCURRENCY = 8;
/** Long enough that no lease runs out under load: nothing here may be retried. */
const LEASE_MS = 30_000;

// 250 jobs × a matrix of 4 = 1,000 independent nodes (a pipeline holds at most 1,000 jobs,
// a matrix at most 256 combinations).
const JOBS = 250;
const PIPELINE = pipeline(
  Array.from(
    { length: JOBS },
    (_, i) =>
      `  j${String(i).padStart(3, '0')}:\n    uses: effect\n    matrix: { k: [1, 2, 3, 4] }\n`,
  ).join(''),
);

let db: TestDb | undefined;
let runtime: Runtime | undefined;
const children: WorkerProcess[] = [];

afterAll(async () => {
  for (const child of children) await child.kill();
  await runtime?.stopWorkers(1_000);
  await db?.close();
});

describe(`two workers on one database (${backend})`, () => {
  it('run each of 1,000 nodes exactly once between them', { timeout: 90_000 }, async () => {
    db = await testDb();
    await db.exec(EFFECTS_TABLE);
    const graph = compileFor(PIPELINE, fixtureHandlers(db, { worker: 'none', hang: 'effect' }));
    expect(graph.nodes).toHaveLength(1_000);
    runtime = testRuntime(db, { settings: { leaseMs: LEASE_MS } });

    // Both workers are ready before the run exists, so neither gets a head start.
    if (backend === 'postgres') {
      for (const id of WORKERS)
        children.push(
          spawnWorkerProcess({
            databaseUrl: db.url,
            workerId: id,
            concurrency: CONCURRENCY,
            leaseMs: LEASE_MS,
            effectDelayMs: 2,
          }),
        );
      await Promise.all(children.map((child) => child.line('READY')));
    } else {
      for (const id of WORKERS) {
        const handlers = fixtureHandlers(db, { worker: id, hang: 'effect', delayMs: 2 });
        await runtime
          .createWorker(workerOptions(handlers, { id, concurrency: CONCURRENCY }))
          .start();
      }
    }

    const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
    const { runId } = await runtime.start(graph, event);
    // What is checked is exactly-once, not speed (bench/ measures that): on a busy 2-core
    // machine one PGlite session serializing 1,000 nodes took 50 s, so the wait may use the
    // test's whole budget rather than a tighter cap of its own.
    expect(await runtime.waitForRun(runId, 80_000)).toBe('succeeded');

    // Every node ran exactly once: one effect row each, from its first and only attempt.
    const { rows } = await db.query<EffectRow>('SELECT * FROM test_effects WHERE run_id = $1', [
      runId,
    ]);
    const byNode = new Map<string, EffectRow[]>();
    for (const row of rows) byNode.set(row.node_id, [...(byNode.get(row.node_id) ?? []), row]);
    const twice = [...byNode].filter(([, runs]) => runs.length !== 1).map(([id]) => id);
    expect(twice, 'nodes that ran more than once').toEqual([]);
    expect([...byNode.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(rows.every((r) => r.attempt === 1 && r.started <= r.finished)).toBe(true);

    // The runtime's own record agrees: one attempt per node, by the worker that wrote the row.
    const run = await runtime.getRun(runId);
    const disagreements = run!.nodes.filter(
      (n) =>
        n.status !== 'succeeded' ||
        n.attempts.length !== 1 ||
        n.attempts[0]!.status !== 'succeeded' ||
        n.attempts[0]!.worker !== byNode.get(n.node_id)?.[0]?.worker,
    );
    expect(disagreements, 'nodes whose attempts disagree with the effects').toEqual([]);

    // Both workers did part of the work, and only they did.
    const perWorker = Object.fromEntries(WORKERS.map((w) => [w, 0]));
    for (const row of rows) perWorker[row.worker] = (perWorker[row.worker] ?? 0) + 1;
    expect(Object.keys(perWorker).sort()).toEqual(WORKERS);
    for (const w of WORKERS) expect(perWorker[w], `nodes run by ${w}`).toBeGreaterThan(0);
    if (backend === 'postgres') {
      const pids = new Set(rows.map((r) => r.pid));
      expect(pids).toEqual(new Set(children.map((c) => c.pid)));
    }

    const history = await runtime.history(runId, { limit: 10_000 });
    const count = (type: string) => history.filter((e) => e.type === type).length;
    expect(count('NodeStarted')).toBe(1_000);
    expect(count('NodeCompleted')).toBe(1_000);
    expect(count('NodeRetryScheduled') + count('LateCompletionFenced')).toBe(0);
    expect(await expectAllHistoriesMatch(runtime)).toBe(1);
  });
});
