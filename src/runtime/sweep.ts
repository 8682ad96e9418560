/**
 * The sweeper: tasks past one of their deadlines (a lease nobody extended, start-to-close,
 * heartbeat, schedule-to-start, schedule-to-close) become timed-out attempts, retried by the
 * node's policy; one whose lease ran out also counts as lost to a dead worker (lost-workers.ts). One indexed range scan on `expires_at` finds them all, so an idle system with
 * many pending timers costs one cheap query per interval.
 */
import { attemptEndedBadly, timeoutError, type TimeoutKind } from './attempt-outcome.js';
import type { Engine } from './engine.js';
import { findNode } from './graph-index.js';
import { inRun } from './run-transaction.js';
import { ACTIVE_RUN_STATES } from './states.js';

interface Overdue {
  id: number;
  run_id: string;
  node_id: string;
  attempt: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  queue_deadline_at: Date | null;
  attempt_deadline_at: Date | null;
  heartbeat_deadline_at: Date | null;
  node_deadline_at: Date | null;
  canceled: boolean;
  /** Why its job's fail-fast flagged it canceled (fail-fast.ts), if it did. */
  canceled_by: string | null;
}

/** Times out what is overdue; returns how many tasks it handled. */
export async function sweep(engine: Engine, limit = 100): Promise<number> {
  const now = engine.clock.now();
  // A dequeue or a status post whose worker died before finishing it: free it for another. A
  // status post counts it as a failed try (report.ts), so one that kills every worker ends.
  const released = await engine.db.query(
    `UPDATE forgeflow.tasks SET lease_owner = NULL, lease_expires_at = NULL, expires_at = NULL,
       attempt = CASE WHEN kind = 'report' THEN attempt + 1 ELSE attempt END
     WHERE expires_at <= $1 AND kind IN ('dequeue', 'report')`,
    [new Date(now)],
  );
  if (released.rowCount > 0) await engine.db.query(`SELECT pg_notify('forgeflow_tasks', '')`);
  const { rows } = await engine.db.query<Overdue>(
    `SELECT id, run_id, node_id, attempt, lease_owner, lease_expires_at, queue_deadline_at,
            attempt_deadline_at, heartbeat_deadline_at, node_deadline_at
     FROM forgeflow.tasks WHERE expires_at <= $1 AND kind = 'attempt' ORDER BY expires_at LIMIT $2`,
    [new Date(now), limit],
  );
  let handled = 0;
  for (const task of rows) {
    const done = await inRun(engine, task.run_id, async (scope) => {
      // Re-read under the run lock: the worker may have finished or extended it meanwhile.
      const { rows: fresh } = await scope.q.query<Overdue>(
        // SKIP LOCKED: a worker claiming this task holds its row and waits for the run lock we
        // hold; waiting for it here would deadlock. The claim handles an overdue task itself.
        `DELETE FROM forgeflow.tasks
         WHERE id = (SELECT id FROM forgeflow.tasks WHERE id = $1 AND expires_at <= $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, run_id, node_id, attempt, lease_owner, lease_expires_at, queue_deadline_at,
                   attempt_deadline_at, heartbeat_deadline_at, node_deadline_at, canceled,
                   CASE WHEN canceled THEN payload ->> 'reason' END AS canceled_by`,
        [task.id, new Date(now)],
      );
      const current = fresh[0];
      const node = findNode(scope.run, task.node_id);
      if (!current || !node) return false;
      // A run that ended while this attempt ran: nothing of it is left to time out.
      if (!ACTIVE_RUN_STATES.includes(scope.run.status)) return true;
      const { rows: state } = await scope.q.query<{ status: string; attempt: number }>(
        'SELECT status, attempt FROM forgeflow.nodes WHERE run_id = $1 AND node_id = $2',
        [task.run_id, task.node_id],
      );
      const expected = current.lease_owner !== null ? ['running'] : ['scheduled', 'retrying'];
      if (!expected.includes(state[0]?.status ?? '') || state[0]?.attempt !== current.attempt)
        return true; // the node moved on without this task (a signal ended its poll, say)
      const kind = overdueKind(current, now);
      const started = current.lease_owner !== null;
      // An attempt its run's stop (or its job's fail-fast) was aborting, whose worker went away
      // before it reported.
      const canceledBy = current.canceled_by ?? undefined;
      const canceled =
        current.canceled && (scope.run.stopping !== null || canceledBy !== undefined);
      // Its worker stopped extending the lease: it died (or hangs) running this attempt. A
      // live worker ends an attempt past its own deadlines itself, and keeps its lease.
      const workerLost =
        started && current.lease_expires_at !== null && current.lease_expires_at.getTime() <= now;
      await attemptEndedBadly(
        scope,
        node,
        current.attempt,
        canceled ? 'canceled' : 'timed_out',
        timeoutError(kind, node),
        started,
        engine.random,
        workerLost,
        canceledBy,
      );
      return true;
    });
    if (done) handled++;
  }
  return handled;
}

function overdueKind(task: Overdue, now: number): TimeoutKind {
  const past = (d: Date | null) => d !== null && d.getTime() <= now;
  if (past(task.node_deadline_at)) return 'schedule_to_close';
  if (task.lease_owner === null) return 'schedule_to_start';
  if (past(task.attempt_deadline_at)) return 'start_to_close';
  if (past(task.heartbeat_deadline_at)) return 'heartbeat';
  return 'lease';
}
