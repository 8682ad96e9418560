/**
 * The end of a polling child run, applied to the parent node that waits for it (a `child`
 * task, in the parent's own transaction): its output, its failure or its timeout.
 */
import { formatDuration } from '../contracts/duration.js';
import type { GraphNode } from '../contracts/graph.js';
import { errorInfo, type ErrorInfo } from '../contracts/errors.js';
import type { ErrorType } from '../contracts/error-types.js';
import { afterNodesFinished } from './advance.js';
import { completeNode, failNode } from './node-end.js';
import { nodeOutputSql } from './node-outputs.js';
import { POLL_NODE } from './poll-start.js';
import { record, type TxScope } from './scope.js';
import { ACTIVE_RUN_STATES, type RunStatus } from './states.js';

interface ChildState {
  status: RunStatus;
  parent_run_id: string | null;
  parent_node_id: string | null;
  parent_attempt: number | null;
  error: ErrorInfo | null;
  output: unknown;
  node_error: ErrorInfo | null;
}

/**
 * A `child` task on the parent: the ends of child runs (an array of their ids). The one of the
 * node's current attempt, if there, is applied to the waiting node; stale ones are ignored.
 */
export async function childrenFinished(
  scope: TxScope,
  node: GraphNode,
  payload: unknown,
): Promise<void> {
  for (const childId of Array.isArray(payload) ? payload : [])
    if (typeof childId === 'string' && (await childFinished(scope, node, childId))) return;
}

async function childFinished(scope: TxScope, node: GraphNode, childId: string): Promise<boolean> {
  const { q, run } = scope;
  const { rows } = await q.query<ChildState & { node_status: string; node_attempt: number }>(
    `SELECT c.status, c.parent_run_id, c.parent_node_id, c.parent_attempt, c.error,
            ${nodeOutputSql('cn')} AS output, cn.error AS node_error, pn.status AS node_status, pn.attempt AS node_attempt
     FROM forgeflow.runs c
     LEFT JOIN forgeflow.nodes cn ON cn.run_id = c.id AND cn.node_id = $4
     JOIN forgeflow.nodes pn ON pn.run_id = $2 AND pn.node_id = $3
     WHERE c.id = $1`,
    [childId, run.id, node.id, POLL_NODE],
  );
  const child = rows[0];
  // Only the child of the node's current attempt, while the node still waits for it, and ended.
  if (
    !child ||
    child.parent_run_id !== run.id ||
    child.parent_node_id !== node.id ||
    child.parent_attempt !== child.node_attempt ||
    child.node_status !== 'waiting' ||
    // still going: active, or handed over to the run it continued as
    [...ACTIVE_RUN_STATES, 'continued'].includes(child.status)
  )
    return false;
  const { rows: chain } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM forgeflow.runs WHERE parent_run_id = $1 AND parent_node_id = $2 AND parent_attempt = $3`,
    [run.id, node.id, child.node_attempt],
  );
  record(scope, [
    {
      type: 'ChildRunCompleted',
      node: node.id,
      data: { child_run_id: childId, status: child.status, runs: chain[0]?.n ?? 1 },
    },
  ]);
  scope.after.emit({
    type: 'child:completed',
    runId: run.id,
    nodeId: node.id,
    childRunId: childId,
    status: child.status,
  });
  // No attempt on these events: the node's attempt (its first call) succeeded; the polling ended.
  if (child.status === 'succeeded') await completeNode(scope, node.id, child.output);
  else if (child.status === 'timed_out')
    await failNode(scope, node.id, pollTimeout(node), { timedOut: true });
  else if (child.status === 'canceled')
    await failNode(
      scope,
      node.id,
      errorInfo('ChildRunCanceled', `its polling child run ${childId} was canceled`, {
        nonRetryable: true,
      }),
    );
  else {
    const error = child.node_error ?? child.error;
    await failNode(scope, node.id, {
      type: error?.type ?? ('PollFailed' satisfies ErrorType),
      message: `polling failed: ${error?.message ?? `child run ${childId} failed`}`,
      non_retryable: true,
      ...(error?.details !== undefined ? { details: error.details } : {}),
    });
  }
  await afterNodesFinished(scope, [node.id]);
  return true;
}

function pollTimeout(node: GraphNode): ErrorInfo {
  const ms = node.action.kind === 'activity' ? (node.action.poll?.timeout_ms ?? 0) : 0;
  return errorInfo(
    'Timeout',
    `polling did not finish within poll.timeout (${formatDuration(ms)})`,
    { nonRetryable: true, details: { kind: 'poll' } },
  );
}
