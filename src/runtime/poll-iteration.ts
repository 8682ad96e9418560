/**
 * Polling, the child's side: each poll call's output is checked against `until`; not done, the
 * next call is due one interval later (grown by the coefficient, capped); after
 * `polls_per_run` polls the child continues as a new run, so no history grows without bound.
 */
import {
  GRAPH_FORMAT,
  sealGraph,
  type Graph,
  type GraphNode,
  type PollAction,
} from '../contracts/graph.js';
import { errorInfo } from '../contracts/errors.js';
import { EvaluationError, evaluateExpression } from '../expressions/evaluate.js';
import { sameStatus, statusUpdateOf } from '../contracts/status-update.js';
import { afterNodesFinished } from './advance.js';
import { nodeOutputSql } from './node-outputs.js';
import { reportUpdate } from './report.js';
import { endRun } from './end-run.js';
import { completeNode, failNode } from './node-end.js';
import { startChild } from './poll-start.js';
import { insertAttemptTask, pollDelay } from './schedule.js';
import { record, type TxScope } from './scope.js';
import { setAttemptStatus, setNodeStatus } from './store.js';

export async function pollReturned(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  output: unknown,
): Promise<void> {
  const { q, run, now } = scope;
  if (node.action.kind !== 'poll') throw new Error(`node ${node.id} is not a poll`);
  const action = node.action;
  const endAttempt = (status: 'succeeded' | 'failed') =>
    setAttemptStatus(q, run.id, node.id, attempt, status, { finished_at: new Date(now) });
  let done: boolean;
  try {
    done = Boolean(
      evaluateExpression(action.until, { ...action.context, event: run.event, output }),
    );
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    // The attempt fails as its event says: `until` could not tell what the answer means.
    const info = errorInfo('ExpressionError', error.message, { nonRetryable: true });
    await endAttempt('failed');
    await failNode(scope, node.id, info, { attempt });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  await endAttempt('succeeded');
  if (done || run.stopping !== null) {
    await completeNode(scope, node.id, output, { attempt });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  if (action.report_status) await reportChange(scope, node, action, output);
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM forgeflow.attempts WHERE run_id = $1 AND node_id = $2 AND status = 'succeeded'`,
    [run.id, node.id],
  );
  const mine = rows[0]?.n ?? 0;
  const polls = action.polls_before + mine;
  if (mine >= action.polls_per_run) {
    await continueAsNew(scope, node, action, attempt, output, polls);
    return;
  }
  const next = attempt + 1;
  const due = now + pollDelay(action, polls);
  // The output is held by NodePolled, which the node row then points at (history.ts).
  await setNodeStatus(q, run.id, node.id, 'scheduled', {
    attempt: next,
    failures: 0,
    lost_attempts: 0,
  });
  scope.outputs.set(node.id, output);
  await insertAttemptTask(scope, node, next, due, null);
  record(scope, [
    {
      type: 'NodePolled',
      node: node.id,
      attempt,
      data: { output, polls, next_attempt: next, due_at: new Date(due).toISOString() },
    },
  ]);
  scope.after.emit({ type: 'node:polled', runId: run.id, nodeId: node.id, polls, nextAt: due });
}

/**
 * A poll of a node with `statuses`: its output's status goes to the parent node's commit status
 * when it differs from the last poll's (or, first in this run, from what was said before it):
 * one post per change, in the order of the polls.
 */
async function reportChange(
  scope: TxScope,
  node: GraphNode,
  action: PollAction,
  output: unknown,
): Promise<void> {
  const parent = scope.run.parent;
  const told = statusUpdateOf(output);
  if (parent === null || told === null) return;
  const { rows } = await scope.q.query<{ output: unknown }>(
    `SELECT ${nodeOutputSql('n')} AS output FROM forgeflow.nodes n WHERE n.run_id = $1 AND n.node_id = $2`,
    [scope.run.id, node.id],
  );
  const previous = rows[0]?.output;
  const last =
    previous === undefined || previous === null
      ? (action.report_status?.last_status ?? null)
      : statusUpdateOf(previous);
  if (sameStatus(told, last)) return;
  await reportUpdate(scope, { runId: parent.runId, nodeId: parent.nodeId }, told);
}

/** The poll action of the next run of a chain: its count, and what the last poll said. */
function continued(action: PollAction, polls: number, output: unknown): PollAction {
  const next: PollAction = { ...action, polls_before: polls };
  if (action.report_status) {
    const said = statusUpdateOf(output) ?? action.report_status.last_status;
    next.report_status = { last_status: said };
  }
  return next;
}

/** The child hands over to a fresh run with the same parent, deadline and poll count. */
async function continueAsNew(
  scope: TxScope,
  node: GraphNode,
  action: PollAction,
  attempt: number,
  output: unknown,
  polls: number,
): Promise<void> {
  const { q, run } = scope;
  const { rows } = await q.query<{ deadline_at: Date | null }>(
    'SELECT deadline_at FROM forgeflow.runs WHERE id = $1',
    [run.id],
  );
  const deadline = rows[0]?.deadline_at?.getTime() ?? null;
  // A new run: a graph of this format, even when the chain began with a format-1 one.
  const { pipeline, source, trigger, env, concurrency, timeout_ms } = run.graph;
  const graph: Omit<Graph, 'hash'> = {
    format: GRAPH_FORMAT,
    pipeline,
    source,
    trigger,
    env,
    concurrency,
    timeout_ms,
    nodes: [{ ...node, action: continued(action, polls, output) }],
  };
  const nextId = await startChild(scope, run.parent!, sealGraph(graph), deadline, run.id);
  await completeNode(scope, node.id, output, { attempt });
  await q.query('UPDATE forgeflow.runs SET unfinished_nodes = 0 WHERE id = $1', [run.id]);
  await endRun(scope, 'continued', { next_run_id: nextId, polls });
  scope.after.emit({ type: 'run:continued', runId: run.id, nextRunId: nextId });
}
