/**
 * Replay tests (Temporal's): each stored case is run again on a fresh runtime, from its stored
 * graph and event, driven with the same inputs (the same handlers, signals, cancels and clock
 * steps: its `drive`), and every run's new history must equal the stored one, event by event.
 * A change of what the runtime records, or of the order it records it in, fails here with the
 * first event that differs; a deliberate change re-records (test/fixtures/replay/README.md).
 * Runs on PGlite and on Postgres, every case on this file's database.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { testDb, type TestDb } from '../support/db.js';
import { expectHistoryMatchesState } from '../support/fold-history.js';
import { testRuntime } from '../support/runtime.js';
import { REPLAY_CASES } from './cases/index.js';
import { readStoredCase } from './fixture-files.js';
import type { NormalizedRun } from './normalize.js';
import { playCase } from './play.js';

let db: TestDb;

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());
// A case that failed half-way must not leave its tasks to the next one.
afterEach(async () => {
  await db.query('DELETE FROM forgeflow.tasks');
});

it.each(REPLAY_CASES)('$name replays to its stored histories', async (replayCase) => {
  const stored = readStoredCase(replayCase);
  const played = await playCase(db, replayCase, stored.graph, stored.event);
  expect(played.graph, 'the graph as the runtime stored it').toEqual(stored.graph);
  expectSameRuns(played.runs, stored.runs);
  // And each replayed history still rebuilds its run's state in the tables.
  const reader = testRuntime(db);
  for (const id of played.runIds) await expectHistoryMatchesState(reader, id);
});

function expectSameRuns(replayed: NormalizedRun[], stored: NormalizedRun[]): void {
  expect(
    replayed.map((r) => r.run),
    'the runs the case made',
  ).toEqual(stored.map((r) => r.run));
  for (const [i, { run, events }] of stored.entries()) {
    const again = replayed[i]?.events ?? [];
    for (let n = 0; n < Math.max(events.length, again.length); n++)
      expect(again[n], `${run}, event ${n + 1} of ${events.length} stored`).toEqual(events[n]);
  }
}
