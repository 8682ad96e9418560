/**
 * Tasks a transaction queues for a run, its own or another's. Work that concerns another run
 * always travels this way (a child's end to its parent, a cancel or a signal to a child, a
 * group's turn to its next run), so no transaction holds two runs' locks.
 */
import type { Queryable } from '../db/db.js';
import type { TaskKind } from './types.js';
import { ACTIVE_RUN_STATES_SQL } from './states.js';

/**
 * What a second task of the same run, node and kind does: `keep` the first; `append` its
 * payload (a JSON array) to the first's; or move the first's `due` time.
 */
export type OnConflict = 'keep' | 'append' | 'due';

export interface RunTask {
  runId: string;
  /** '' for a run-level task. */
  nodeId?: string;
  kind: TaskKind;
  dueAt: Date;
  now: Date;
  payload?: unknown;
  onConflict: OnConflict;
}

const CONFLICT: Record<OnConflict, string> = {
  keep: 'DO NOTHING',
  append: 'DO UPDATE SET payload = forgeflow.tasks.payload || EXCLUDED.payload',
  due: 'DO UPDATE SET due_at = EXCLUDED.due_at',
};

export async function queueRunTask(q: Queryable, task: RunTask): Promise<void> {
  await q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, created_at, payload)
     VALUES ($1, $2, $3, 0, $4, $5, $6::jsonb)
     ON CONFLICT (run_id, node_id, kind) ${CONFLICT[task.onConflict]}`,
    [
      task.runId,
      task.nodeId ?? '',
      task.kind,
      task.dueAt,
      task.now,
      task.payload === undefined ? null : JSON.stringify(task.payload),
    ],
  );
}

/** The active (queued or running) child runs of these nodes. */
export async function activeChildren(
  q: Queryable,
  runId: string,
  nodeIds: readonly string[],
): Promise<string[]> {
  if (nodeIds.length === 0) return [];
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM forgeflow.runs WHERE parent_run_id = $1 AND parent_node_id = ANY($2::text[])
       AND status IN (${ACTIVE_RUN_STATES_SQL}) ORDER BY id`,
    [runId, nodeIds],
  );
  return rows.map((r) => r.id);
}
