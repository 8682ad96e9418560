/**
 * Every transaction that changes a run first locks its row. Two nodes of one run finishing on
 * two workers at once would otherwise each see the other still running, and neither would end
 * the run. Runs are locked in id order so a transaction touching several cannot deadlock.
 */
import type { Queryable } from '../db/db.js';
import type { RunStatus } from './states.js';

export interface LockedRun {
  id: string;
  status: RunStatus;
  cancel_requested: boolean;
  attempt: number;
}

export async function lockRuns(
  q: Queryable,
  runIds: readonly string[],
): Promise<Map<string, LockedRun>> {
  const ids = [...new Set(runIds)].sort();
  const { rows } = await q.query<LockedRun>(
    `SELECT id, status, cancel_requested, attempt FROM forgeflow.runs
     WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function lockRun(q: Queryable, runId: string): Promise<LockedRun | undefined> {
  return (await lockRuns(q, [runId])).get(runId);
}
