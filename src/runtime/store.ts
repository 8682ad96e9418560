/**
 * Guarded writes of run, node and attempt state. Each status change names the states it may
 * come from, computed from the transition tables in states.ts, so a late or duplicate call
 * changes nothing and says so (TransitionError) instead of overwriting newer state.
 */
import type { Queryable } from '../db/db.js';
import {
  ATTEMPT_TRANSITIONS,
  NODE_TRANSITIONS,
  RUN_TRANSITIONS,
  sourcesOf,
  TransitionError,
  type AttemptStatus,
  type NodeStatus,
  type RunStatus,
} from './states.js';

/** A value for a jsonb column: serialized explicitly, because pg would turn arrays into SQL arrays. */
export class Json {
  constructor(readonly value: unknown) {}
}

type Fields = Record<string, unknown>;

function assignments(fields: Fields, offset: number): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(fields)) {
    params.push(value instanceof Json ? JSON.stringify(value.value ?? null) : value);
    sql.push(`${column} = $${offset + params.length}${value instanceof Json ? '::jsonb' : ''}`);
  }
  return { sql, params };
}

export async function setNodeStatus(
  q: Queryable,
  runId: string,
  nodeId: string,
  to: NodeStatus,
  fields: Fields = {},
): Promise<void> {
  const from = sourcesOf(NODE_TRANSITIONS, to);
  const set = assignments(fields, 3);
  const { rowCount } = await q.query(
    `UPDATE forgeflow.nodes SET ${['status = $3', ...set.sql].join(', ')}
     WHERE run_id = $1 AND node_id = $2 AND status = ANY($${4 + set.params.length}::text[])`,
    [runId, nodeId, to, ...set.params, from],
  );
  if (rowCount === 0)
    throw new TransitionError(
      `node ${nodeId} of run ${runId}`,
      to,
      `it is not in ${from.join('/')}`,
    );
}

export async function setAttemptStatus(
  q: Queryable,
  runId: string,
  nodeId: string,
  attempt: number,
  to: AttemptStatus,
  fields: Fields = {},
): Promise<void> {
  const from = sourcesOf(ATTEMPT_TRANSITIONS, to);
  const set = assignments(fields, 4);
  const { rowCount } = await q.query(
    `UPDATE forgeflow.attempts SET ${['status = $4', ...set.sql].join(', ')}
     WHERE run_id = $1 AND node_id = $2 AND attempt = $3 AND status = ANY($${5 + set.params.length}::text[])`,
    [runId, nodeId, attempt, to, ...set.params, from],
  );
  if (rowCount === 0)
    throw new TransitionError(
      `attempt ${attempt} of ${nodeId}`,
      to,
      `it is not in ${from.join('/')}`,
    );
}

/** Returns false (changing nothing) when the run is not in a state that may move to `to`. */
export async function setRunStatus(
  q: Queryable,
  runId: string,
  to: RunStatus,
  fields: Fields = {},
): Promise<boolean> {
  const from = sourcesOf(RUN_TRANSITIONS, to);
  const set = assignments(fields, 2);
  const { rowCount } = await q.query(
    `UPDATE forgeflow.runs SET ${['status = $2', ...set.sql].join(', ')}
     WHERE id = $1 AND status = ANY($${3 + set.params.length}::text[])`,
    [runId, to, ...set.params, from],
  );
  return rowCount > 0;
}

/**
 * Ends the running attempts of a run (or of one of its nodes) canceled, in bulk: a stop or a
 * signal that ends a poll aborts them, and their workers' late reports are fenced. Unlike the
 * single-row writes above, finding none is fine (nothing was running).
 */
export async function cancelRunningAttempts(
  q: Queryable,
  where: { runId: string; nodeId?: string },
  fields: { finished_at: Date; error?: Json },
): Promise<void> {
  const set = assignments(fields, 2);
  await q.query(
    `UPDATE forgeflow.attempts SET ${["status = 'canceled'", ...set.sql].join(', ')}
     WHERE run_id = $1 AND ($2::text IS NULL OR node_id = $2)
       AND status = ANY($${3 + set.params.length}::text[])`,
    [where.runId, where.nodeId ?? null, ...set.params, sourcesOf(ATTEMPT_TRANSITIONS, 'canceled')],
  );
}
