/**
 * When a worker's idle wait should end (worker.ts `idle`): the next task it could take falls
 * due, or the next deadline the sweeper ends passes. With no free slot, the next attempt is no
 * reason to wake (a finishing attempt wakes the worker); the next timer, deadline or cancel is.
 * Index probes only, however many tasks are pending. The earliest expiry is of what no live
 * worker holds: a held attempt's own deadlines (start-to-close, heartbeat, the node's) are its
 * holder's to enforce, in process; sweeping them too would race it, and whichever lost would
 * leave a LateCompletionFenced in the history. Its lease is still swept.
 */
import type { Queryable } from '../db/db.js';

export async function nextDue(
  db: Queryable,
  slotFree: boolean,
): Promise<{ due: number; expiry: number }> {
  const { rows } = await db.query<{
    attempt: Date | null;
    internal: Date | null;
    expiry: Date | null;
  }>(
    `SELECT (SELECT min(due_at) FROM forgeflow.tasks WHERE lease_owner IS NULL AND kind IN ('attempt', 'report')) AS attempt,
            (SELECT min(due_at) FROM forgeflow.tasks WHERE lease_owner IS NULL AND kind NOT IN ('attempt', 'report')) AS internal,
            (SELECT min(expires_at) FROM forgeflow.tasks WHERE expires_at IS NOT NULL AND kind IN ('attempt', 'dequeue', 'report')
               AND (lease_owner IS NULL OR expires_at >= lease_expires_at)) AS expiry`,
  );
  return {
    due: Math.min(
      slotFree ? (rows[0]?.attempt?.getTime() ?? Infinity) : Infinity,
      rows[0]?.internal?.getTime() ?? Infinity,
    ),
    expiry: rows[0]?.expiry?.getTime() ?? Infinity,
  };
}
