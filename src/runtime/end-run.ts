/**
 * A run reaching its end. Besides its own row and history, two things outside it may have to
 * know, and each learns through a task (never by this transaction locking another run): the
 * parent of a child run, and the next run queued in its concurrency group. An edge that asked
 * (run-end-hooks.ts) is told in this transaction.
 */
import type { ErrorInfo } from '../contracts/errors.js';
import { RUN_END_EVENT, type EndStatus, type HistoryEvent } from './history.js';
import { queueRunSummary, queueStatus } from './report.js';
import type { FailedNode, RunEndTx, RunEnding } from './run-end-hooks.js';
import { queueRunTask } from './run-tasks.js';
import { record, type TxScope } from './scope.js';
import { RUN_TRANSITIONS, sourcesOf } from './states.js';

/**
 * The run row's guarded move to its end and, in the same statement, its timers, deadlines and
 * retries deleted: they have nothing left to do (leased ones are fenced when they report).
 */
const END_RUN = `WITH moved AS (
    UPDATE forgeflow.runs SET status = $2, finished_at = $3, updated_at = $3, error = $4::jsonb
    WHERE id = $1 AND status = ANY($5::text[]) RETURNING id, created_at, started_at),
  gone AS (
    DELETE FROM forgeflow.tasks WHERE id IN (
      SELECT t.id FROM forgeflow.tasks t JOIN moved ON t.run_id = moved.id
      WHERE t.lease_owner IS NULL AND t.kind NOT IN ('dequeue', 'report')
      FOR UPDATE OF t SKIP LOCKED))
  SELECT count(*)::int AS moved, max(created_at) AS created_at, max(started_at) AS started_at FROM moved`;

export async function endRun(
  scope: TxScope,
  status: EndStatus,
  data: Record<string, unknown>,
  error: ErrorInfo | null = null,
): Promise<boolean> {
  const { q, run, now } = scope;
  const { rows } = await q.query<{
    moved: number;
    created_at: Date | null;
    started_at: Date | null;
  }>(END_RUN, [
    run.id,
    status,
    new Date(now),
    JSON.stringify(error),
    sourcesOf(RUN_TRANSITIONS, status),
  ]);
  if (rows[0]?.moved !== 1) return false;
  run.status = status;
  const type = RUN_END_EVENT[status];
  const recorded = status === 'timed_out' ? { ...data, error } : data;
  record(scope, [{ type, data: recorded } as HistoryEvent]);
  const createdAt = rows[0].created_at ?? new Date(now);
  await tellRunEndHooks(scope, status, error, createdAt);
  scope.after.runEnds.push(`${run.id}:${status}`);
  if (run.parent && status !== 'continued') await tellParent(scope);
  if (run.group !== null) await wakeGroup(scope, run.group);
  scope.after.finishedRuns.push(run.id);
  scope.after.emit({
    type: 'run:finished',
    runId: run.id,
    status,
    pipeline: run.pipeline,
    repo: run.event.repo.full_name,
    // A run that never left its queue has no started_at: its time is counted from its creation.
    startedAt: (rows[0].started_at ?? createdAt).getTime(),
    at: now,
  });
  return true;
}

/** The parent node applies this child's end in a transaction of its own (a `child` task). */
async function tellParent(scope: TxScope): Promise<void> {
  const parent = scope.run.parent!;
  const at = new Date(scope.now);
  // Appended, never replaced: the end of a stale child must not hide the current one's.
  await queueRunTask(scope.q, {
    runId: parent.runId,
    nodeId: parent.nodeId,
    kind: 'child',
    dueAt: at,
    now: at,
    payload: [scope.run.id],
    onConflict: 'append',
  });
  scope.after.notifyTasks = true;
}

/**
 * The group may be free now: a `dequeue` task starts its oldest queued run, if any, under the
 * group's lock (concurrency.ts). Always queued, even when nothing waits: whether something
 * waits can only be decided under that lock, which a transaction holding run locks must not
 * wait for.
 */
async function wakeGroup(scope: TxScope, group: string): Promise<void> {
  const at = new Date(scope.now);
  await queueRunTask(scope.q, {
    runId: scope.run.id,
    kind: 'dequeue',
    dueAt: at,
    now: at,
    payload: { group },
    onConflict: 'keep',
  });
  scope.after.notifyTasks = true;
}

/** The hooks the edges registered for the run's pipeline and for every run, told once its row moved. */
async function tellRunEndHooks(
  scope: TxScope,
  status: EndStatus,
  error: ErrorInfo | null,
  createdAt: Date,
): Promise<void> {
  const { run } = scope;
  const hooks = scope.engine.runEndHooks.forRun(run.pipeline);
  if (hooks.length === 0 || run.parent !== null || status === 'continued') return;
  const ending: RunEnding = {
    runId: run.id,
    pipeline: run.pipeline,
    status,
    error: status === 'succeeded' ? null : (error ?? (await firstNodeError(scope))),
    reason: status === 'canceled' ? await cancelReason(scope) : null,
    event: run.event,
    at: new Date(scope.now),
    createdAt,
    attempt: run.attempt,
  };
  const tx: RunEndTx = {
    q: scope.q,
    postStatus: (item) => queueStatus(scope, item),
    failedNodes: (limit) => failedNodes(scope, limit),
    postRunSummary: (summary) => queueRunSummary(scope, summary),
  };
  for (const hook of hooks) await hook(ending, tx);
}

async function failedNodes(
  scope: TxScope,
  limit: number,
): Promise<{ nodes: FailedNode[]; total: number }> {
  const { rows } = await scope.q.query<{
    node_id: string;
    status: 'failed' | 'timed_out';
    attempt: number;
    error: ErrorInfo | null;
    total: number;
  }>(
    `SELECT node_id, status, attempt, error, count(*) OVER ()::int AS total FROM forgeflow.nodes
     WHERE run_id = $1 AND status IN ('failed', 'timed_out')
     ORDER BY finished_at, node_id LIMIT $2`,
    [scope.run.id, Math.max(1, limit)],
  );
  return {
    nodes: rows.slice(0, limit).map((r) => ({
      node: r.node_id,
      result: r.status,
      attempts: r.attempt,
      error: r.error,
    })),
    total: rows[0]?.total ?? 0,
  };
}

async function firstNodeError(scope: TxScope): Promise<ErrorInfo | null> {
  const { rows } = await scope.q.query<{ error: ErrorInfo | null }>(
    `SELECT error FROM forgeflow.nodes
     WHERE run_id = $1 AND status IN ('failed', 'timed_out') AND error IS NOT NULL
     ORDER BY finished_at, node_id LIMIT 1`,
    [scope.run.id],
  );
  return rows[0]?.error ?? null;
}

/** The latest cancel's reason: still in this transaction's history, or already written. */
async function cancelReason(scope: TxScope): Promise<string | null> {
  const pending = scope.history.findLast(
    (e): e is Extract<HistoryEvent, { type: 'CancelRequested' }> => e.type === 'CancelRequested',
  );
  if (pending) return pending.data.reason;
  const { rows } = await scope.q.query<{ reason: string | null }>(
    `SELECT data ->> 'reason' AS reason FROM forgeflow.history
     WHERE run_id = $1 AND type = 'CancelRequested' ORDER BY seq DESC LIMIT 1`,
    [scope.run.id],
  );
  return rows[0]?.reason ?? null;
}
