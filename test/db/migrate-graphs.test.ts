/**
 * Migration 0009 moves the graphs stored with each run (run_specs.graph) into forgeflow.graphs,
 * once per distinct graph. The runs are started for real, then the database is put back as
 * migration 0008 left it (each spec holding its graph, runs.graph_hash the compiler's hash) and
 * migrated again: runs sharing a graph share its row, two graphs carrying the same compiler hash
 * keep a row each, every run reads its own graph back, and the runs finish. Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, StoredGraph } from '../../src/contracts/graph.js';
import { migrate } from '../../src/db/migrate.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { asFormat1 } from '../support/graph-format-1.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

const handlers = testHandlers();
const event = manualEvent({ repo: 'octo/app', sha: 'b'.repeat(40) });
let db: TestDb;

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

/** Back to the schema and rows migration 0008 left: what runs started before 0009 hold. */
const BEFORE_0009 = `
  ALTER TABLE forgeflow.run_specs ADD COLUMN graph jsonb;
  UPDATE forgeflow.run_specs s SET graph = g.graph
    FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash WHERE r.id = s.run_id;
  ALTER TABLE forgeflow.run_specs ALTER COLUMN graph SET NOT NULL;
  UPDATE forgeflow.runs r SET graph_hash = s.graph ->> 'hash'
    FROM forgeflow.run_specs s WHERE s.run_id = r.id;
  DROP TABLE forgeflow.graphs;
  DELETE FROM forgeflow.migrations WHERE id = 9;`;

async function graphOf(runtime: Runtime, runId: string): Promise<StoredGraph | undefined> {
  const { rows } = await db.query<{ graph: StoredGraph }>(
    `SELECT g.graph FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash
     WHERE r.id = $1`,
    [runId],
  );
  expect((await runtime.getRun(runId))?.id).toBe(runId);
  return rows[0]?.graph;
}

describe('migration 0009', () => {
  it('moves each distinct graph into forgeflow.graphs once, and the runs finish on theirs', async () => {
    const shared = compileFor(
      pipeline(
        '  a: { uses: test.script, with: { echo: 1 } }\n  b: { needs: a, uses: test.script }\n',
      ),
      handlers,
      event,
    );
    // The same compiler hash, another graph: an altered copy keeps the hash it was sealed with.
    const altered: Graph = {
      ...shared,
      nodes: shared.nodes.map((n) =>
        n.id === 'a' && n.action.kind === 'activity'
          ? { ...n, action: { ...n.action, input: { echo: 2 } } }
          : n,
      ),
    };
    const format1 = asFormat1(
      compileFor(
        pipeline(
          '  m: { matrix: { k: [x, y] }, uses: test.script }\n  n: { needs: m, uses: test.script }\n',
        ),
        handlers,
        event,
      ),
    ) as unknown as Graph;
    const starter = testRuntime(db);
    const runs = await starter.startMany([
      { graph: shared, event },
      { graph: shared, event },
      { graph: altered, event },
      { graph: format1, event },
    ]);
    const ids = runs.map((r) => r.runId);

    await db.exec(BEFORE_0009);
    const { rows: before } = await db.query<{ graph_hash: string }>(
      'SELECT graph_hash FROM forgeflow.runs WHERE id = ANY($1::uuid[]) ORDER BY graph_hash',
      [ids],
    );
    expect(before.map((r) => r.graph_hash).sort()).toEqual(
      [shared.hash, shared.hash, shared.hash, format1.hash].sort(),
    );

    expect((await migrate(db)).applied).toEqual(['0009_graphs_by_hash']);

    const { rows: columns } = await db.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
       WHERE table_schema = 'forgeflow' AND table_name = 'run_specs' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.name)).toEqual(['run_id', 'event', 'config_source']);
    const { rows: hashes } = await db.query<{ id: string; graph_hash: string }>(
      'SELECT id, graph_hash FROM forgeflow.runs WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const hashOf = new Map(hashes.map((r) => [r.id, r.graph_hash]));
    expect(hashOf.get(ids[1]!)).toBe(hashOf.get(ids[0]!));
    expect(new Set(hashOf.values()).size).toBe(3);
    const { rows: count } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM forgeflow.graphs',
    );
    expect(count[0]?.n).toBe(3);

    // A fresh runtime (nothing cached) reads each run's own graph, and finishes them.
    const runtime = testRuntime(db);
    expect(await graphOf(runtime, ids[0]!)).toEqual(shared);
    expect(await graphOf(runtime, ids[2]!)).toEqual(altered);
    expect(await graphOf(runtime, ids[3]!)).toEqual(format1);
    await runtime.createWorker(workerOptions(handlers, { concurrency: 4 })).start();
    try {
      for (const id of ids) expect(await runtime.waitForRun(id, 15_000)).toBe('succeeded');
      const output = async (id: string) =>
        (await runtime.getRun(id))?.nodes.find((n) => n.node_id === 'a')?.output;
      expect([await output(ids[0]!), await output(ids[2]!)]).toEqual([1, 2]);
      // A run started now of a graph the migration moved finds its row.
      const again = await runtime.startMany([{ graph: shared, event }]);
      expect(await runtime.waitForRun(again[0]!.runId, 15_000)).toBe('succeeded');
      const { rows: after } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM forgeflow.graphs',
      );
      expect(after[0]?.n).toBe(3);
      expect(await expectAllHistoriesMatch(runtime)).toBe(5);
    } finally {
      await runtime.stopWorkers(1_000);
    }
  });
});
