/**
 * Stopping a run: cancel (asked through the API, ChatOps or a newer run of its group) and the
 * run's deadline work the same way, cooperatively. At once: every node that is only waiting
 * (pending, queued for a worker, a timer, a signal, a polling child) is canceled, child runs
 * are stopped, and workers running its attempts are told to abort them (NOTIFY, and a flag on
 * the task their lease keeper reads). Those attempts then report, `always()` / `cancelled()`
 * cleanup nodes still run, and the run ends canceled or timed out when its last node is done.
 *
 * Terminating is the hard stop for a run that must not go on at all (its history is full):
 * every unfinished node is canceled and the run ends in the same transaction; late reports of
 * its attempts are fenced off.
 */
import { conditionCalls } from '../expressions/evaluate.js';
import type { ErrorInfo } from '../contracts/errors.js';
import { afterNodesFinished } from './advance.js';
import { endRun } from './end-run.js';
import { nodeDef, sortByGraph } from './graph-index.js';
import { cancelWaitingNode, flagRunning, stopChildren } from './cancel-nodes.js';
import { cancelNode } from './node-end.js';
import { record, type TxScope } from './scope.js';
import {
  ACTIVE_RUN_STATES,
  FINAL_NODE_STATES,
  type NodeStatus,
  type StopStatus,
} from './states.js';
import { cancelRunningAttempts } from './store.js';

export type StopOutcome = 'stopping' | 'already-stopping' | 'finished';

const CLEANUP = ['always', 'cancelled'];

export async function requestStop(
  scope: TxScope,
  status: StopStatus,
  reason: string,
): Promise<StopOutcome> {
  const { q, run } = scope;
  if (!ACTIVE_RUN_STATES.includes(run.status)) return 'finished';
  if (run.stopping !== null) return 'already-stopping';
  await q.query('UPDATE forgeflow.runs SET stopping = $2, updated_at = $3 WHERE id = $1', [
    run.id,
    status,
    new Date(scope.now),
  ]);
  run.stopping = status;
  record(scope, [{ type: 'CancelRequested', data: { reason, status } }]);
  scope.after.emit({ type: 'run:stopping', runId: run.id, status, reason });
  scope.after.stoppedRuns.push(run.id);

  const canceled: string[] = [];
  const running: string[] = [];
  const queued = run.status === 'queued';
  const childReason = `its parent run ${run.id} is being stopped: ${reason}`;
  for (const { node_id: id, status: state } of await unfinishedNodes(scope)) {
    // Cleanup that asked to run whatever happens is decided when its needs end.
    if (state === 'pending' && !queued && conditionCalls(nodeDef(run, id).if, CLEANUP)) continue;
    // A running one: its worker aborts it (forgeflow_cancel); it ends when the attempt reports.
    if (state === 'running') running.push(id);
    else if (await cancelWaitingNode(scope, id, state, reason, childReason)) canceled.push(id);
  }
  await flagRunning(scope, running, null);
  await afterNodesFinished(scope, canceled);
  return 'stopping';
}

/** Ends the run now, failed with `error`: every unfinished node canceled, every task dropped. */
export async function terminateRun(scope: TxScope, error: ErrorInfo): Promise<void> {
  const { q, run, now } = scope;
  const unfinished = await unfinishedNodes(scope);
  await stopChildren(
    scope,
    unfinished.map((n) => n.node_id),
    `its parent run ${run.id} was ended: ${error.message}`,
  );
  await cancelRunningAttempts(q, { runId: run.id }, { finished_at: new Date(now) });
  for (const { node_id: id } of unfinished) await cancelNode(scope, id, error.message);
  await q.query(
    `DELETE FROM forgeflow.tasks WHERE id IN (
       SELECT id FROM forgeflow.tasks WHERE run_id = $1 AND kind NOT IN ('dequeue', 'report') FOR UPDATE SKIP LOCKED)`,
    [run.id],
  );
  await q.query('UPDATE forgeflow.runs SET unfinished_nodes = 0 WHERE id = $1', [run.id]);
  scope.after.stoppedRuns.push(run.id);
  await endRun(scope, 'failed', { failed: [], error }, error);
}

async function unfinishedNodes(scope: TxScope): Promise<{ node_id: string; status: NodeStatus }[]> {
  const { rows } = await scope.q.query<{ node_id: string; status: NodeStatus }>(
    `SELECT node_id, status FROM forgeflow.nodes WHERE run_id = $1 AND NOT (status = ANY($2::text[]))`,
    [scope.run.id, FINAL_NODE_STATES],
  );
  const byId = new Map(rows.map((r) => [r.node_id, r]));
  return sortByGraph(
    scope.run,
    rows.map((r) => r.node_id),
  ).map((id) => byId.get(id)!);
}
