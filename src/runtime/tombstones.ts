/**
 * What is left of a pruned top-level run (migration 0016): enough for the API to say it was
 * there, how it ended and when it was pruned (410 RUN_PRUNED), and pruned in turn, by age.
 */
import type { Db, Queryable } from '../db/db.js';

export interface Tombstone {
  id: string;
  pipeline: string;
  repo: string;
  trigger: string;
  status: string;
  created_at: Date;
  finished_at: Date;
  pruned_at: Date;
}

/** The tombstone of run `id`, if it was pruned. `id` must be a UUID (the API checks it). */
export async function prunedRun(q: Queryable, id: string): Promise<Tombstone | undefined> {
  const { rows } = await q.query<Tombstone>(
    `SELECT id, pipeline, repo, trigger, status, created_at, finished_at, pruned_at
     FROM forgeflow.run_tombstones WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Deletes up to `limit` tombstones of runs pruned before `before`, oldest first. */
export async function pruneTombstoneBatch(
  db: Db,
  before: Date,
  limit: number,
): Promise<{ tombstones: number; more: boolean }> {
  const { rowCount } = await db.query(
    `DELETE FROM forgeflow.run_tombstones WHERE id IN (
       SELECT id FROM forgeflow.run_tombstones WHERE pruned_at < $1
       ORDER BY pruned_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [before, limit],
  );
  return { tombstones: rowCount, more: rowCount >= limit };
}

export async function countPrunableTombstones(q: Queryable, before: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.run_tombstones WHERE pruned_at < $1',
    [before],
  );
  return rows[0]?.n ?? 0;
}
