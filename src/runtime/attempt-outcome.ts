/**
 * What happens when an attempt ends badly (failed, timed out, interrupted by a shutdown) or
 * well: the attempt row, the node, the retry decision and the history, inside the caller's
 * transaction after it has fenced the task (proved the lease is still its own).
 */
import type { GraphNode } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import { formatDuration } from '../contracts/duration.js';
import { errorInfo, type ErrorInfo } from '../contracts/errors.js';
import { afterNodesFinished } from './advance.js';
import { failedFastBy } from './fail-fast.js';
import { cancelNode, completeNode, failNode, nodeCompleted } from './node-end.js';
import { poisonError } from './lost-workers.js';
import { decideRetry, type RetryDecision } from './retry.js';
import { insertAttemptTask } from './schedule.js';
import { record, type TxScope } from './scope.js';
import { ATTEMPT_TRANSITIONS, NODE_TRANSITIONS, sourcesOf, TransitionError } from './states.js';
import { Json, setAttemptStatus, setNodeStatus } from './store.js';

export type BadOutcome = 'failed' | 'timed_out' | 'canceled';

export type TimeoutKind =
  'start_to_close' | 'heartbeat' | 'schedule_to_start' | 'schedule_to_close' | 'lease';

/** Temporal retries start-to-close and heartbeat timeouts, never the two schedule-* ones. */
export function timeoutError(kind: TimeoutKind, node: GraphNode): ErrorInfo {
  const t = node.timeouts;
  const describe: Record<TimeoutKind, string> = {
    start_to_close: `the attempt ran longer than its timeout (${formatDuration(t.attempt_ms ?? 0)})`,
    heartbeat: `no heartbeat for ${formatDuration(t.heartbeat_ms ?? 0)} (heartbeat_timeout)`,
    schedule_to_start: `no worker started it within queue_timeout (${formatDuration(t.queue_ms ?? 0)})`,
    schedule_to_close: `its deadline (${formatDuration(t.deadline_ms ?? 0)}) passed`,
    lease: 'the worker running it stopped extending its lease (crashed or cut off)',
  };
  return errorInfo(kind === 'lease' ? 'WorkerLost' : 'Timeout', describe[kind], {
    nonRetryable: kind === 'schedule_to_start' || kind === 'schedule_to_close',
    details: { kind },
  });
}

/** `written`: the attempt and node rows were moved already, with others (markSucceeded). */
export async function attemptSucceeded(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  output: unknown,
  written = false,
): Promise<void> {
  const at = new Date(scope.now);
  if (written) await nodeCompleted(scope, node.id, output, { attempt });
  else {
    await setAttemptStatus(scope.q, scope.run.id, node.id, attempt, 'succeeded', {
      finished_at: at,
    });
    await completeNode(scope, node.id, output, { attempt });
  }
  await afterNodesFinished(scope, [node.id]);
}

const MARK_SUCCEEDED = `WITH i AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[]) AS i(run_id, node_id, attempt)),
  a AS (
    UPDATE forgeflow.attempts a SET status = 'succeeded', finished_at = $4
    FROM i WHERE a.run_id = i.run_id AND a.node_id = i.node_id AND a.attempt = i.attempt
      AND a.status = ANY($5::text[])
    RETURNING a.run_id, a.node_id)
  UPDATE forgeflow.nodes n SET status = 'succeeded', error = 'null'::jsonb, lost_attempts = 0,
    finished_at = $4
  FROM a WHERE n.run_id = a.run_id AND n.node_id = a.node_id AND n.status = ANY($6::text[])`;

/**
 * Moves the attempt and node rows of many succeeded attempts (of different runs) in one
 * statement, guarded like setAttemptStatus and setNodeStatus: if any cannot move, throws.
 */
export async function markSucceeded(
  q: Queryable,
  attempts: readonly { runId: string; nodeId: string; attempt: number }[],
  now: number,
): Promise<void> {
  if (attempts.length === 0) return;
  const { rowCount } = await q.query(MARK_SUCCEEDED, [
    attempts.map((a) => a.runId),
    attempts.map((a) => a.nodeId),
    attempts.map((a) => a.attempt),
    new Date(now),
    sourcesOf(ATTEMPT_TRANSITIONS, 'succeeded'),
    sourcesOf(NODE_TRANSITIONS, 'succeeded'),
  ]);
  if (rowCount !== attempts.length)
    throw new TransitionError(
      `${attempts.length - rowCount} of ${attempts.length} attempts`,
      'succeeded',
      'their attempt or node is not running',
    );
}

/**
 * An attempt that did not succeed. `started` is false for an attempt that timed out in the
 * queue (it has no attempt row). A shutdown interruption ('canceled') does not count against
 * maximum_attempts and is retried at once. Nothing is retried in a run being stopped: an
 * attempt aborted by the stop ends its node canceled. `workerLost`: its worker died running it
 * (the sweeper found its lease run out); enough of those in a row fail the node whatever its
 * retry policy (lost-workers.ts), and any other end resets the count. `canceledBy`: why its
 * task was flagged canceled by its job failing fast (fail-fast.ts); such an attempt is not
 * retried either, and one aborted ends its node canceled, for that reason.
 */
export async function attemptEndedBadly(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  outcome: BadOutcome,
  reported: ErrorInfo,
  started: boolean,
  random: () => number,
  workerLost = false,
  canceledBy?: string,
): Promise<void> {
  const { q, run, now } = scope;
  const at = new Date(now);
  const failedFast = failedFastBy(scope, node, canceledBy);
  const error =
    failedFast !== undefined && outcome === 'canceled'
      ? errorInfo('Canceled', failedFast, { nonRetryable: true })
      : reported;
  if (started)
    await setAttemptStatus(q, run.id, node.id, attempt, outcome, {
      finished_at: at,
      error: new Json(error),
    });
  if (run.stopping !== null || failedFast !== undefined) {
    if (outcome === 'canceled') await cancelNode(scope, node.id, error.message, attempt);
    else await failNode(scope, node.id, error, { attempt, timedOut: outcome === 'timed_out' });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  const counted = outcome !== 'canceled';
  const { rows } = await q.query<{ failures: number; lost: number; deadline_at: Date | null }>(
    `UPDATE forgeflow.nodes SET failures = failures + $3,
       lost_attempts = CASE WHEN $4::boolean THEN lost_attempts + 1 ELSE 0 END
     WHERE run_id = $1 AND node_id = $2 RETURNING failures, lost_attempts AS lost, deadline_at`,
    [run.id, node.id, counted ? 1 : 0, workerLost],
  );
  const { failures, lost, deadline_at: deadline } = rows[0]!;
  const poison = workerLost ? poisonError(lost, scope.settings.maxLostAttempts) : undefined;
  const decision: RetryDecision = poison
    ? { retry: false, reason: poison.message }
    : counted
      ? decideRetry(node.retry, error, failures, now, deadline?.getTime() ?? null, random)
      : { retry: true, delayMs: 0 };
  const retriable = node.action.kind === 'activity' || node.action.kind === 'poll';
  if (retriable && decision.retry) {
    const next = attempt + 1;
    const due = now + decision.delayMs;
    await setNodeStatus(q, run.id, node.id, 'retrying', { attempt: next, error: new Json(error) });
    await insertAttemptTask(scope, node, next, due, deadline);
    record(scope, [
      {
        type: 'NodeRetryScheduled',
        node: node.id,
        attempt,
        data: {
          outcome,
          error,
          next_attempt: next,
          due_at: new Date(due).toISOString(),
          counted,
          ...(workerLost ? { lost_attempts: lost } : {}),
        },
      },
    ]);
    scope.after.emit({
      type: 'node:retrying',
      runId: run.id,
      nodeId: node.id,
      attempt,
      error,
      delayMs: decision.delayMs,
    });
    return;
  }
  const final: ErrorInfo =
    poison ??
    (decision.retry
      ? error
      : { ...error, message: `${error.message} (not retried: ${decision.reason})` });
  // A poison pill fails (its workers died); it did not run out of time.
  await failNode(scope, node.id, final, {
    attempt,
    timedOut: outcome === 'timed_out' && poison === undefined,
    attemptTimedOut: outcome === 'timed_out',
  });
  await afterNodesFinished(scope, [node.id]);
}
