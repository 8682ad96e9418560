/**
 * Every transaction that changes a run first locks its row. Two nodes of one run finishing on
 * two workers at once would otherwise each see the other still running, and neither would end
 * the run. Runs are locked in id order so a transaction touching several cannot deadlock; a
 * transaction that also locks a child run locks its parent first (parent before child, always),
 * and a child never locks its parent: what it has to tell it travels as a task.
 */
import type { Queryable } from '../db/db.js';
import type { RunStatus, StopStatus } from './states.js';

export interface LockedRun {
  id: string;
  status: RunStatus;
  stopping: StopStatus | null;
  attempt: number;
  concurrency_group: string | null;
}

export async function lockRuns(
  q: Queryable,
  runIds: readonly string[],
): Promise<Map<string, LockedRun>> {
  const ids = [...new Set(runIds)].sort();
  const { rows } = await q.query<LockedRun>(
    `SELECT id, status, stopping, attempt, concurrency_group FROM forgeflow.runs
     WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function lockRun(q: Queryable, runId: string): Promise<LockedRun | undefined> {
  return (await lockRuns(q, [runId])).get(runId);
}
