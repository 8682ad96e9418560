/**
 * Asserts that a run's history folds to the state its tables hold (folded-state.ts): the check
 * that every state change was recorded by the event written in its transaction.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime.js';
import { foldedAndStored } from './folded-state.js';

/** Asserts that the history of this run reproduces its stored state exactly. */
export async function expectHistoryMatchesState(runtime: Runtime, runId: string): Promise<void> {
  const { rebuilt, stored } = await foldedAndStored(runtime, runId);
  expect(stored, `run ${runId}`).toBeDefined();
  expect(rebuilt, `history of run ${runId} folds to its stored state`).toEqual(stored);
}

/** Folds every run in the database (call in afterAll of each runtime test file). */
export async function expectAllHistoriesMatch(runtime: Runtime): Promise<number> {
  const { rows } = await runtime.db.query<{ id: string }>('SELECT id FROM forgeflow.runs');
  for (const { id } of rows) await expectHistoryMatchesState(runtime, id);
  return rows.length;
}
