/**
 * The run cache under concurrency: runs another transaction puts in while a claim's spec query
 * is in flight may evict the runs the claim had found cached; the claim must still get them
 * (a run it cannot see is taken for ended, and its task dropped: the run would hang).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { RunCache } from '../../src/runtime/run-cache.js';
import { lockRuns } from '../../src/runtime/run-lock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { compileFor, pipeline, testHandlers, testRuntime } from '../support/runtime.js';

let db: TestDb;
let runtime: Runtime;
const handlers = testHandlers();

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db);
});
afterAll(() => db.close());

async function startRun(): Promise<string> {
  const event = manualEvent({ repo: 'octo/app' });
  const graph = compileFor(pipeline('  a: { uses: test.script }\n'), handlers, event);
  return (await runtime.start(graph, event)).runId;
}

describe('the run cache', () => {
  it('returns runs it had cached even when they are evicted while it loads others', async () => {
    const [cached, missing] = [await startRun(), await startRun()];
    const cache = new RunCache(3);
    const locked = await lockRuns(db, [cached, missing]);
    await cache.load(db, [cached], locked);

    // While the query for `missing` runs, three other runs are put in: `cached` is evicted.
    const busy: Queryable = {
      query: (sql, params) => {
        for (const id of ['x1', 'x2', 'x3'])
          cache.put({ id, pipeline: 'p', graph: {} as never, event: {} as never, parent: null });
        return db.query(sql, params);
      },
    };
    const loaded = await cache.load(busy, [cached, missing], locked);
    expect([...loaded.keys()].sort()).toEqual([cached, missing].sort());
    expect(loaded.get(cached)).toMatchObject({ id: cached, status: 'running', attempt: 1 });
  });
});
