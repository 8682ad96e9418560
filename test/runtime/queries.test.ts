/**
 * The runtime's read module answers what the API shows without the API running SQL of its own:
 * a run's stored graph, whether a run exists, and the queue the metrics report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { dueTasks, runExists, runGraph } from '../../src/runtime/queries.js';
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

describe('the runtime read module', () => {
  it("reads a run's graph and existence, and counts due tasks nobody has claimed", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await runExists(db, unknown)).toBe(false);
    expect(await runGraph(db, unknown)).toBeUndefined();
    expect((await dueTasks(db, new Date())).oldestDue).toBeNull();

    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(
      pipeline('  a: { uses: test.script }\n  b: { uses: test.script }\n'),
      handlers,
      event,
    );
    const { runId } = await runtime.start(graph, event);
    expect(await runExists(db, runId)).toBe(true);
    expect((await runGraph(db, runId))?.hash).toBe(graph.hash);

    // No worker runs here: both nodes' first attempts wait in the queue.
    const later = new Date(Date.now() + 60_000);
    const { byKind, oldestDue } = await dueTasks(db, later);
    expect([...byKind.values()].reduce((a, b) => a + b, 0)).toBe(2);
    expect(oldestDue).toBeInstanceOf(Date);
    expect(oldestDue!.getTime()).toBeLessThanOrEqual(later.getTime());
    expect((await dueTasks(db, new Date(0))).byKind.size).toBe(0);
  });
});
