/**
 * Moving a run forward inside one transaction: when nodes finish, the nodes that need them are
 * counted down; a node whose needs are all done is decided (its `if` evaluated) and either
 * scheduled (an attempt task, a timer, a signal wait) or skipped, which in turn counts down its
 * dependents; when no node is left unfinished the run ends. Completing a node and scheduling
 * what it unblocks thus happen in the same transaction.
 */
import type { GraphNode } from '../contracts/graph.js';
import { EvaluationError, type ExpressionContext } from '../expressions/evaluate.js';
import { errorInfo, type ErrorInfo } from '../contracts/errors.js';
import { endRun } from './end-run.js';
import { failFast, failsFast } from './fail-fast.js';
import {
  findNode,
  jobDependentsOf,
  neededNodesOf,
  nodeDef,
  nodeDependentsOf,
  nodesOfJob,
  sortByGraph,
} from './graph-index.js';
import { nodeCondition } from './node-condition.js';
import { failNode } from './node-end.js';
import { takeSlot, waitingForSlot } from './max-parallel.js';
import { loadNeeded } from './node-outputs.js';
import { buildContext } from './node-context.js';
import { reportAccepted, startReporting } from './report.js';
import { scheduleNode } from './schedule.js';
import { record, type TxScope } from './scope.js';
import { FINAL_NODE_STATES } from './states.js';
import { setNodeStatus } from './store.js';

/**
 * Nodes just finished (any final state): count down their dependents, decide the ready ones,
 * end the run if all done. A node's `waiting_on` counts its needs entries; an entry naming a
 * whole job (graph.ts) is done when the job's last node is: counted down once, by that node.
 */
export async function afterNodesFinished(
  scope: TxScope,
  finished: readonly string[],
): Promise<void> {
  const queue: string[] = [];
  // Nodes of each job in the queue, not handled yet: final already, but not counted down.
  const queued = new Map<string, number>();
  const enqueue = (id: string) => {
    queue.push(id);
    const job = nodeDef(scope.run, id).job;
    queued.set(job, (queued.get(job) ?? 0) + 1);
  };
  for (const id of finished) enqueue(id);
  let count = 0;
  for (let head = 0; head < queue.length; head++) {
    const nodeId = queue[head]!;
    count++;
    const node = nodeDef(scope.run, nodeId);
    const job = node.job;
    // Before this node counts as handled: the siblings it cancels join the queue (same job).
    if (failsFast(scope, nodeId)) for (const id of await failFast(scope, nodeId)) enqueue(id);
    // A slot of its job is free: the nodes waiting for one are decided, in graph order.
    for (const id of await waitingForSlot(scope, node)) {
      const decided = await decideNode(scope, id);
      if (decided === 'throttled') break;
      if (decided !== 'scheduled') enqueue(id);
    }
    const left = queued.get(job)! - 1;
    queued.set(job, left);
    const dependents = [...nodeDependentsOf(scope.run, nodeId)];
    const wholeJob = jobDependentsOf(scope.run, job);
    if (wholeJob.length > 0 && left === 0 && (await jobEnded(scope, job)))
      for (const id of wholeJob) dependents.push(id);
    if (dependents.length === 0) continue;
    const { rows } = await scope.q.query<{ node_id: string; waiting_on: number }>(
      `UPDATE forgeflow.nodes SET waiting_on = waiting_on - 1
       WHERE run_id = $1 AND node_id = ANY($2::text[]) AND status = 'pending'
       RETURNING node_id, waiting_on`,
      [scope.run.id, dependents],
    );
    const ready = rows.filter((r) => r.waiting_on === 0).map((r) => r.node_id);
    for (const id of sortByGraph(scope.run, ready)) {
      if (ended(await decideNode(scope, id))) enqueue(id);
    }
  }
  await countFinished(scope, count);
}

/** Whether every node of a job is in a final state (the run is locked: no one else moves them). */
async function jobEnded(scope: TxScope, job: string): Promise<boolean> {
  const { rows } = await scope.q.query(
    `SELECT 1 FROM forgeflow.nodes
     WHERE run_id = $1 AND node_id = ANY($2::text[]) AND status <> ALL($3::text[]) LIMIT 1`,
    [scope.run.id, nodesOfJob(scope.run, job), FINAL_NODE_STATES],
  );
  return rows.length === 0;
}

/** Decides the given nodes, whose needs are all done (a run's roots, or what a retry resets). */
export async function decideReady(scope: TxScope, nodeIds: readonly string[]): Promise<void> {
  const finished: string[] = [];
  for (const id of sortByGraph(scope.run, nodeIds))
    if (ended(await decideNode(scope, id))) finished.push(id);
  await afterNodesFinished(scope, finished);
}

/** Decides every pending node whose needs are done: a queued run's, when it finally starts. */
export async function decidePendingReady(scope: TxScope): Promise<void> {
  if (scope.run.graph.nodes.length === 0) return startRoots(scope); // nothing would end it
  const { rows } = await scope.q.query<{ node_id: string; waiting_on: number }>(
    `SELECT node_id, waiting_on FROM forgeflow.nodes WHERE run_id = $1 AND status = 'pending'`,
    [scope.run.id],
  );
  await acceptNodes(
    scope,
    rows.map((r) => r.node_id),
  );
  await decideReady(
    scope,
    rows.filter((r) => r.waiting_on === 0).map((r) => r.node_id),
  );
}

/** Posts the `accepted` status of the nodes with `statuses` among those about to run (report.ts). */
export async function acceptNodes(scope: TxScope, nodeIds: readonly string[]): Promise<void> {
  if (!scope.run.graph.nodes.some((n) => n.statuses)) return;
  await reportAccepted(scope, nodeIds, (node) => buildContext(scope.run, node, [], scope.settings));
}

/** Schedules the nodes that need nothing (a run's roots). */
export async function startRoots(scope: TxScope): Promise<void> {
  // Every job left out by its own `on:`: nothing to do, and nothing would ever end the run.
  if (scope.run.graph.nodes.length === 0) {
    await endRun(scope, 'succeeded', {});
    return;
  }
  await acceptNodes(
    scope,
    scope.run.graph.nodes.map((n) => n.id),
  );
  await decideReady(
    scope,
    scope.run.graph.nodes.filter((n) => n.needs.length === 0).map((n) => n.id),
  );
}

type Decision = 'scheduled' | 'throttled' | 'skipped' | 'failed' | 'finished';

/** Whether a decided node is in a final state now. */
function ended(decision: Decision): boolean {
  return decision !== 'scheduled' && decision !== 'throttled';
}

/**
 * Evaluates a ready node's condition; schedules it, or skips or fails it. 'finished' is a node
 * that ended as it was scheduled (a signal wait whose signal was already buffered); 'throttled'
 * one left pending, its needs done, until its job has a slot free (max-parallel.ts).
 */
async function decideNode(scope: TxScope, nodeId: string): Promise<Decision> {
  const { q, run, now } = scope;
  const node = nodeDef(run, nodeId);
  const needed = await loadNeeded(scope, neededNodesOf(run, node));
  try {
    const condition = nodeCondition(run, node, needed, scope.settings);
    if (!condition.runs) {
      const { reason } = condition;
      await setNodeStatus(q, run.id, nodeId, 'skipped', { finished_at: new Date(now) });
      record(scope, [{ type: 'NodeSkipped', node: nodeId, data: { reason } }]);
      scope.after.emit({ type: 'node:skipped', runId: run.id, nodeId, reason });
      if (node.report !== null) await reportSkipped(scope, node, condition.context, reason);
      return 'skipped';
    }
    if (!(await takeSlot(scope, node))) return 'throttled';
    return (await scheduleNode(scope, node, condition.context)) ? 'scheduled' : 'finished';
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    await failNode(
      scope,
      nodeId,
      errorInfo('ExpressionError', error.message, { nonRetryable: true }),
    );
    return 'failed';
  }
}

/**
 * A reported node that will never run posts its end as the others do (node-end.ts), so a
 * required check of its name does not wait forever. A `report:` that cannot be evaluated in
 * the skipped node's context names no status: nothing is posted (the skip stands).
 */
async function reportSkipped(
  scope: TxScope,
  node: GraphNode,
  context: ExpressionContext,
  reason: string,
): Promise<void> {
  try {
    await startReporting(scope, node, context, 'skipped', `skipped: ${reason}`);
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
  }
}

/**
 * Counts nodes that reached a final state; the last one ends the run: as its stop asked
 * (canceled, timed out), else failed if a node failed, else succeeded.
 */
async function countFinished(scope: TxScope, count: number): Promise<void> {
  if (count === 0) return;
  const { q, run } = scope;
  // The failed nodes come with the count (one round trip): they matter only to the last one.
  const { rows } = await q.query<{ unfinished_nodes: number; failed: string[] | null }>(
    `UPDATE forgeflow.runs SET unfinished_nodes = unfinished_nodes - $2 WHERE id = $1
     RETURNING unfinished_nodes, CASE WHEN unfinished_nodes = 0 THEN ARRAY(
       SELECT node_id FROM forgeflow.nodes WHERE run_id = $1 AND status IN ('failed', 'timed_out')
       ORDER BY node_id) END AS failed`,
    [run.id, count],
  );
  if (rows[0]?.unfinished_nodes !== 0) return;
  // A node that continues on error failed, but its conclusion is success: the run's too.
  const failed = (rows[0].failed ?? []).filter((id) => !findNode(run, id)?.continue_on_error);
  if (run.stopping !== null) {
    await endRun(scope, run.stopping, {}, run.stopping === 'timed_out' ? deadlineError(run) : null);
    return;
  }
  await endRun(
    scope,
    failed.length > 0 ? 'failed' : 'succeeded',
    failed.length > 0 ? { failed } : {},
  );
}

function deadlineError(run: TxScope['run']): ErrorInfo {
  return errorInfo('Timeout', 'the run did not finish before its timeout', {
    nonRetryable: true,
    details: { kind: 'run', timeout_ms: run.graph.timeout_ms },
  });
}
