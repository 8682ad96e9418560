/**
 * The graph step of pruning against a start still open (PostgreSQL only: PGlite has one
 * connection, so nothing is ever open beside the pruner). A start that inserted a run of a
 * graph whose other runs were pruned holds ROW EXCLUSIVE on `graphs` until it commits: the step
 * waits for it no longer than its lock_timeout, deletes nothing meanwhile and keeps the graph
 * queued; once the start committed, the graph is seen in use and kept. A graph no one uses goes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneGraphBatch } from '../../src/runtime/prune-graphs.js';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

const AT = new Date('2026-02-01T00:00:00Z');

async function queued(): Promise<string[]> {
  const { rows } = await db.query<{ hash: string }>(
    'SELECT hash FROM forgeflow.graph_checks ORDER BY hash',
  );
  return rows.map((r) => r.hash);
}

async function graphs(): Promise<string[]> {
  const { rows } = await db.query<{ hash: string }>(
    'SELECT hash FROM forgeflow.graphs ORDER BY hash',
  );
  return rows.map((r) => r.hash);
}

describe('deleting unused graphs', () => {
  it('gives way to a start under way, then keeps the graph that start used', async () => {
    await db.query(
      `INSERT INTO forgeflow.graphs (hash, graph) VALUES ('reused', '{}'), ('unused', '{}')`,
    );
    await db.query(`INSERT INTO forgeflow.graph_checks (hash) VALUES ('reused'), ('unused')`);
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let inserted!: () => void;
    const started = new Promise<void>((resolve) => (inserted = resolve));
    // A start, as insertRuns writes one: the graph ON CONFLICT DO NOTHING, and its run.
    const start = db.tx(async (q) => {
      await q.query(
        `INSERT INTO forgeflow.graphs (hash, graph) VALUES ('reused', '{}') ON CONFLICT (hash) DO NOTHING`,
      );
      await q.query(
        `INSERT INTO forgeflow.runs (id, pipeline, status, graph_hash, trigger, repo,
           unfinished_nodes, created_at, updated_at)
         VALUES ($1, 'ci', 'queued', 'reused', 'manual', 'octo/app', 1, $2, $2)`,
        [randomUUID(), AT],
      );
      inserted();
      await committed;
    });
    await started;
    const began = Date.now();
    expect(await pruneGraphBatch(db, 10)).toEqual({ graphs: 0, more: false, busy: true });
    // It gave up after its lock_timeout (100 ms), not after the start.
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(await queued()).toEqual(['reused', 'unused']);
    commit();
    await start;
    expect(await pruneGraphBatch(db, 10)).toEqual({ graphs: 1, more: false, busy: false });
    expect(await graphs()).toEqual(['reused']);
    expect(await queued()).toEqual([]);
  });
});
