/**
 * Canceling unfinished nodes of a run, as a stop of the run does (stop.ts) and as a fail-fast
 * job does to its own nodes (fail-fast.ts). A node only waiting (pending, queued for a worker, a
 * timer, a signal, a polling child) is canceled at once; a running one is flagged on its task and
 * its worker aborts it, cooperatively: it ends when its attempt reports.
 */
import { cancelNode, dropNodeTasks } from './node-end.js';
import { activeChildren, queueRunTask } from './run-tasks.js';
import type { TxScope } from './scope.js';
import type { NodeStatus } from './states.js';

/**
 * Cancels a node that is only waiting, in state `state`; false (nothing done) for one running
 * or already final. `childReason`: what its polling child runs are told.
 */
export async function cancelWaitingNode(
  scope: TxScope,
  id: string,
  state: NodeStatus,
  reason: string,
  childReason: string,
): Promise<boolean> {
  switch (state) {
    case 'pending':
      break;
    case 'scheduled':
    case 'retrying':
      await dropNodeTasks(scope, id, ['attempt']);
      break;
    case 'waiting':
      await dropNodeTasks(scope, id, ['timer', 'child']);
      await stopChildren(scope, [id], childReason);
      break;
    default:
      return false;
  }
  await cancelNode(scope, id, reason);
  return true;
}

/**
 * Flags the running attempts of these nodes canceled (their lease keeper reads the flag, in case
 * the NOTIFY that aborts them is missed); `reason`, when given, is kept on the task for when the
 * attempt reports (finish.ts). A leased task: no claim holds its row (only heartbeats do,
 * briefly, without locks). Returns the flagged tasks.
 */
export async function flagRunning(
  scope: TxScope,
  nodeIds: readonly string[],
  reason: string | null,
): Promise<number[]> {
  if (nodeIds.length === 0) return [];
  const { rows } = await scope.q.query<{ id: number }>(
    `UPDATE forgeflow.tasks SET canceled = true,
       payload = COALESCE($3::jsonb, payload)
     WHERE run_id = $1 AND node_id = ANY($2::text[]) AND kind = 'attempt' AND lease_owner IS NOT NULL
     RETURNING id`,
    [scope.run.id, nodeIds, reason === null ? null : JSON.stringify({ reason })],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Stops the active child runs of these nodes, through `cancel` tasks: a child that continues as
 * a new run meanwhile passes its cancel on to its successor (claim.ts).
 */
export async function stopChildren(
  scope: TxScope,
  nodeIds: readonly string[],
  reason: string,
): Promise<void> {
  const at = new Date(scope.now);
  for (const child of await activeChildren(scope.q, scope.run.id, nodeIds))
    await queueRunTask(scope.q, {
      runId: child,
      kind: 'cancel',
      dueAt: at,
      now: at,
      payload: { reason },
      onConflict: 'keep',
    });
  scope.after.notifyTasks = true;
}
