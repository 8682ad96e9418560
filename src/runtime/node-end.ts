/**
 * A node reaching a final state: the guarded status change, its history event and its runtime
 * event, together. Callers then call afterNodesFinished (advance.ts) with every node they ended.
 * A completed node's output is stored once, in its NodeCompleted event (history.ts).
 */
import type { ErrorInfo } from '../contracts/errors.js';
import { statusUpdateOf } from '../contracts/status-update.js';
import { findNode } from './graph-index.js';
import { reportNodeEnd } from './report.js';
import { record, type TxScope } from './scope.js';
import { Json, setNodeStatus } from './store.js';

export async function completeNode(
  scope: TxScope,
  nodeId: string,
  output: unknown,
  how: { attempt?: number; signal?: string } = {},
): Promise<void> {
  const { q, run, now } = scope;
  // The output itself goes into NodeCompleted only; the node row will point at that event.
  await setNodeStatus(q, run.id, nodeId, 'succeeded', {
    error: new Json(null),
    lost_attempts: 0,
    finished_at: new Date(now),
  });
  await nodeCompleted(scope, nodeId, output, how);
}

/** What follows a node's row moving to succeeded (written already, by completeNode or in bulk). */
export async function nodeCompleted(
  scope: TxScope,
  nodeId: string,
  output: unknown,
  how: { attempt?: number; signal?: string } = {},
): Promise<void> {
  const { run } = scope;
  scope.outputs.set(nodeId, output);
  record(scope, [
    {
      type: 'NodeCompleted',
      node: nodeId,
      ...(how.attempt !== undefined ? { attempt: how.attempt } : {}),
      data: { output, ...(how.signal !== undefined ? { signal: how.signal } : {}) },
    },
  ]);
  scope.after.emit({
    type: 'node:completed',
    runId: run.id,
    nodeId,
    attempt: how.attempt ?? 0,
  });
  await reportNodeEnd(scope, nodeId, 'success', 'succeeded', {
    result: 'succeeded',
    told: statusUpdateOf(output),
  });
}

export async function failNode(
  scope: TxScope,
  nodeId: string,
  error: ErrorInfo,
  how: { attempt?: number; timedOut?: boolean; attemptTimedOut?: boolean } = {},
): Promise<void> {
  const { q, run, now } = scope;
  const timedOut = how.timedOut ?? false;
  await setNodeStatus(q, run.id, nodeId, timedOut ? 'timed_out' : 'failed', {
    error: new Json(error),
    finished_at: new Date(now),
  });
  noteFailure(scope, nodeId);
  const attempt = how.attempt !== undefined ? { attempt: how.attempt } : {};
  record(scope, [
    timedOut
      ? { type: 'NodeTimedOut', node: nodeId, ...attempt, data: { error } }
      : {
          type: 'NodeFailed',
          node: nodeId,
          ...attempt,
          // Failed by an attempt that timed out: its worker died once too often (lost-workers.ts).
          data: { error, ...(how.attemptTimedOut ? { attempt_outcome: 'timed_out' } : {}) },
        },
  ]);
  scope.after.emit({
    type: 'node:failed',
    runId: run.id,
    nodeId,
    attempt: how.attempt ?? null,
    error,
    timedOut,
  });
  await reportNodeEnd(
    scope,
    nodeId,
    timedOut ? 'error' : 'failure',
    `${timedOut ? 'timed out' : 'failed'}: ${error.message}`,
    { result: timedOut ? 'timed_out' : 'failed', error, told: statusUpdateOf(error.details) },
  );
}

/**
 * A node of a fail-fast job failed for good (not one continuing on error, not while its run
 * stops): noted, for afterNodesFinished to cancel its job's other nodes (fail-fast.ts).
 */
function noteFailure(scope: TxScope, nodeId: string): void {
  const node = findNode(scope.run, nodeId);
  if (!node?.fail_fast || node.continue_on_error || scope.run.stopping !== null) return;
  (scope.failedFast ??= new Set()).add(nodeId);
}

export async function cancelNode(
  scope: TxScope,
  nodeId: string,
  reason: string,
  attempt?: number,
): Promise<void> {
  const { q, run, now } = scope;
  await setNodeStatus(q, run.id, nodeId, 'canceled', { finished_at: new Date(now) });
  record(scope, [
    {
      type: 'NodeCanceled',
      node: nodeId,
      ...(attempt !== undefined ? { attempt } : {}),
      data: { reason },
    },
  ]);
  scope.after.emit({ type: 'node:canceled', runId: run.id, nodeId, reason });
  await reportNodeEnd(scope, nodeId, 'canceled', `canceled: ${reason}`, { result: 'canceled' });
}

/**
 * Deletes a node's queued tasks of these kinds, skipping any a claim holds at this moment: that
 * claim waits for our run lock, and waiting for its row here would deadlock. The claim then
 * finds the node no longer startable and drops the task itself.
 */
export async function dropNodeTasks(
  scope: TxScope,
  nodeId: string,
  kinds: readonly string[],
): Promise<void> {
  await scope.q.query(
    `DELETE FROM forgeflow.tasks WHERE id IN (
       SELECT id FROM forgeflow.tasks WHERE run_id = $1 AND node_id = $2 AND kind = ANY($3::text[])
       FOR UPDATE SKIP LOCKED)`,
    [scope.run.id, nodeId, kinds],
  );
}
