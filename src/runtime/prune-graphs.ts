/**
 * Deleting the graphs no run uses any more (prune-runs.ts queues the graphs of the runs it
 * pruned in `graph_checks`). A start inserts its runs and any new graph in one statement, with
 * `ON CONFLICT DO NOTHING` on a graph already there, taking no lock on that row; so a start
 * still open when a graph's last reader was checked could reference a graph deleted under it.
 * The check therefore runs under a SHARE ROW EXCLUSIVE lock on `graphs`, which waits for the
 * starts under way (they hold ROW EXCLUSIVE on it) and holds new ones back for the few index
 * probes of one batch. `lock_timeout` bounds that: on a busy server the step gives up for now
 * (its rows stay queued) rather than make starts queue behind it. Readers are never blocked.
 */
import type { Db } from '../db/db.js';

/** How long the step waits for the starts under way before leaving the graphs for later. */
export const GRAPH_LOCK_TIMEOUT_MS = 100;

/** Postgres' lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * One batch of up to `limit` queued graphs: each deleted unless a run uses it. `busy`: the lock
 * was not had in time, and nothing was done.
 */
export async function pruneGraphBatch(
  db: Db,
  limit: number,
): Promise<{ graphs: number; more: boolean; busy: boolean }> {
  try {
    return await db.tx(async (q) => {
      await q.query(`SET LOCAL lock_timeout = '${GRAPH_LOCK_TIMEOUT_MS}ms'`);
      await q.query('LOCK TABLE forgeflow.graphs IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await q.query<{ checked: number; graphs: number }>(
        `WITH batch AS MATERIALIZED (
           SELECT hash FROM forgeflow.graph_checks ORDER BY hash LIMIT $1 FOR UPDATE SKIP LOCKED),
         checked AS (
           DELETE FROM forgeflow.graph_checks k USING batch b WHERE k.hash = b.hash RETURNING k.hash),
         gone AS (
           DELETE FROM forgeflow.graphs g USING batch b
           WHERE g.hash = b.hash
             AND NOT EXISTS (SELECT 1 FROM forgeflow.runs r WHERE r.graph_hash = b.hash)
           RETURNING g.hash)
         SELECT (SELECT count(*) FROM checked)::int AS checked, (SELECT count(*) FROM gone)::int AS graphs`,
        [limit],
      );
      const row = rows[0] ?? { checked: 0, graphs: 0 };
      return { graphs: row.graphs, more: row.checked >= limit, busy: false };
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE)
      return { graphs: 0, more: false, busy: true };
    throw error;
  }
}

/** How many queued graphs no run uses: what the step would delete now. */
export async function countPrunableGraphs(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM forgeflow.graph_checks k
     WHERE NOT EXISTS (SELECT 1 FROM forgeflow.runs r WHERE r.graph_hash = k.hash)`,
  );
  return rows[0]?.n ?? 0;
}
