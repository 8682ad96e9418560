/**
 * The first tasks of runs a batch starts set-based (start-plan.ts), all in one statement: each
 * root's first attempt, due now, and the run's deadline. The rows are those insertAttemptTask
 * and insertTimerTask (schedule.ts) write for one node or run: expires_at is the earliest of the
 * attempt's queue and node deadlines, and a run-level task has node '' and attempt 0.
 */
import type { Queryable } from '../db/db.js';
import type { PlannedStart } from './start-plan.js';

export async function insertFirstTasks(
  q: Queryable,
  starts: readonly PlannedStart[],
  now: number,
): Promise<number> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const rows = starts.flatMap(({ run, roots, deadlineAt }) => [
    ...roots.map(({ node, deadlineAt: nodeDeadline }) => ({
      run: run.id,
      node: node.id,
      kind: 'attempt',
      attempt: 1,
      due_at: iso(now),
      queue_deadline_at: iso(node.timeouts.queue_ms === null ? null : now + node.timeouts.queue_ms),
      node_deadline_at: iso(nodeDeadline),
    })),
    ...(deadlineAt === null
      ? []
      : [{ run: run.id, node: '', kind: 'deadline', attempt: 0, due_at: iso(deadlineAt) }]),
  ]);
  if (rows.length === 0) return 0;
  await q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, queue_deadline_at,
       node_deadline_at, expires_at, created_at)
     SELECT t.run, t.node, t.kind, t.attempt, t.due_at, t.queue_deadline_at, t.node_deadline_at,
       LEAST(t.queue_deadline_at, t.node_deadline_at), $2
     FROM jsonb_to_recordset($1::jsonb) AS t(run uuid, node text, kind text, attempt int,
       due_at timestamptz, queue_deadline_at timestamptz, node_deadline_at timestamptz)`,
    [JSON.stringify(rows), new Date(now)],
  );
  return rows.length;
}
