/**
 * A commit status whose post kills its worker every time must not take down worker after
 * worker: each lease that runs out counts as a failed try, and the status is given up after
 * as many tries as one the forge keeps refusing (the statuses after it still go). No worker
 * runs here: ghosts claim the status and die, the clock passes their leases, the sweeper frees
 * them. Clock injected; both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { MAXIMUM_TRIES } from '../../src/runtime/report.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { sweep } from '../../src/runtime/sweep.js';
import type { ReportItem } from '../../src/runtime/types.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testHandlers, testRuntime } from '../support/runtime.js';

const clock = new FakeClock();
let db: TestDb;
let runtime: Runtime;

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
});

afterAll(async () => {
  try {
    await expectAllHistoriesMatch(runtime);
  } finally {
    await db.close();
  }
});

describe('a status whose post kills its worker', () => {
  it(`is given up after ${MAXIMUM_TRIES} lost tries`, async () => {
    const graph = compileFor(
      pipeline(`  gate:\n    wait_for: { signal: go }\n    report: gate\n`),
      testHandlers(),
    );
    const { runId } = await runtime.start(graph, manualEvent({ repo: 'octo/app' }));
    const reportTasks = () =>
      db.query<{ attempt: number; payload: unknown }>(
        `SELECT attempt, payload FROM forgeflow.tasks WHERE run_id = $1 AND kind = 'report'`,
        [runId],
      );
    for (let tries = 1; tries <= MAXIMUM_TRIES; tries++) {
      const claimed = await claim(runtime.engine, `ghost-${tries}`, 1);
      expect(claimed.reports.map((r) => [r.context, (r.item as ReportItem).state])).toEqual([
        ['gate', 'pending'],
      ]);
      clock.advance(runtime.engine.settings.leaseMs + 1);
      await sweep(runtime.engine);
      expect((await reportTasks()).rows.map((r) => r.attempt)).toEqual([tries]);
    }
    const last = await claim(runtime.engine, 'ghost-last', 1);
    expect(last.reports).toEqual([]);
    expect((await reportTasks()).rows).toEqual([]);

    // The next status of the node still goes out.
    await runtime.cancel(runId);
    const after = await claim(runtime.engine, 'survivor', 1);
    expect(after.reports.map((r) => (r.item as ReportItem).state)).toEqual(['canceled']);
  });
});
