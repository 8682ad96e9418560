/**
 * fail_fast (GitHub Actions' strategy.fail-fast): a node of a fail-fast job that fails for good
 * (its retries spent; not one that continues on error) cancels the job's unfinished nodes, as a
 * stop of the run would cancel them (cancel-nodes.ts): queued ones never start, running ones see
 * their AbortSignal fire and end canceled when their attempt reports. Dependents of the canceled
 * nodes are decided as those of any canceled node. Nothing here runs for a graph without it.
 */
import type { GraphNode } from '../contracts/graph.js';
import { cancelWaitingNode, flagRunning } from './cancel-nodes.js';
import { nodeDef, nodesOfJob, sortByGraph } from './graph-index.js';
import type { TxScope } from './scope.js';
import { FINAL_NODE_STATES, type NodeStatus } from './states.js';

/**
 * Whether this node failed in this transaction and its job must now fail fast: failNode
 * (node-end.ts) noted it in the scope.
 */
export function failsFast(scope: TxScope, nodeId: string): boolean {
  return scope.failedFast?.delete(nodeId) ?? false;
}

/** Cancels the unfinished nodes of the failed node's job; returns those ended here. */
export async function failFast(scope: TxScope, failedId: string): Promise<string[]> {
  const { run } = scope;
  const job = nodeDef(run, failedId).job;
  if (scope.failedFastJobs?.has(job)) return []; // its siblings are being canceled already
  const reason = `${failedId} failed and job "${job}" fails fast (fail_fast)`;
  (scope.failedFastJobs ??= new Map()).set(job, reason);
  const { rows } = await scope.q.query<{ node_id: string; status: NodeStatus }>(
    `SELECT node_id, status FROM forgeflow.nodes
     WHERE run_id = $1 AND node_id = ANY($2::text[]) AND NOT (status = ANY($3::text[]))`,
    [run.id, nodesOfJob(run, job), FINAL_NODE_STATES],
  );
  const state = new Map(rows.map((r) => [r.node_id, r.status]));
  const canceled: string[] = [];
  const running: string[] = [];
  for (const id of sortByGraph(run, state.keys())) {
    const status = state.get(id)!;
    if (status === 'running') running.push(id);
    else if (await cancelWaitingNode(scope, id, status, reason, `its node was canceled: ${reason}`))
      canceled.push(id);
  }
  const tasks = await flagRunning(scope, running, reason);
  if (tasks.length > 0) scope.after.abortTasks.push({ tasks, reason });
  return canceled;
}

/**
 * Why a node's attempt that just ended is not to be retried: its job failed fast. Told by the
 * flag its task carried (`canceledBy`, a report arriving after the fail-fast transaction), or by
 * this transaction, when a sibling's failure was applied before this report in the same group.
 */
export function failedFastBy(
  scope: TxScope,
  node: GraphNode,
  canceledBy: string | undefined,
): string | undefined {
  if (scope.run.stopping !== null || !node.fail_fast) return undefined;
  return canceledBy ?? scope.failedFastJobs?.get(node.job);
}
