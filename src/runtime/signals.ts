/**
 * Signals: named messages to a run (API, CLI, `/forgeflow signal NAME`). Each is recorded
 * (SignalReceived) and wakes exactly one node: the first, in graph order, that waits for that
 * name right now — a `wait_for` node (the payload is its output), a node whose `poll.signal`
 * names it (its polling child ends with the payload as output) or, in a child run, the poll
 * itself. When nothing waits yet, the signal is kept, and the first node to wait for it later
 * takes it (signal-buffer.ts): a signal sent before the run gets there is not lost.
 */
import { errorInfo } from '../contracts/errors.js';
import { afterNodesFinished } from './advance.js';
import { sortByGraph } from './graph-index.js';
import { completeNode, dropNodeTasks } from './node-end.js';
import { activeChildren, queueRunTask } from './run-tasks.js';
import type { TxScope } from './scope.js';
import { ACTIVE_RUN_STATES, type NodeStatus, type RunStatus } from './states.js';
import { cancelRunningAttempts, Json } from './store.js';

export type SignalResult =
  | { outcome: 'delivered'; node: string; childRunId?: string }
  | { outcome: 'buffered' }
  | { outcome: 'run-finished'; status: RunStatus };

type Waiter = 'wait_for' | 'poll_parent' | 'poll';

/** Which nodes of the run could take this signal, and in which states they would. */
function waitersOf(scope: TxScope, name: string): Map<string, Waiter> {
  const waiters = new Map<string, Waiter>();
  for (const node of scope.run.graph.nodes) {
    const action = node.action;
    if (action.kind === 'signal' && action.signal === name) waiters.set(node.id, 'wait_for');
    if (action.kind === 'activity' && action.poll?.signal === name)
      waiters.set(node.id, 'poll_parent');
    if (action.kind === 'poll' && action.signal === name) waiters.set(node.id, 'poll');
  }
  return waiters;
}

const WAITING_STATES: Record<Waiter, readonly NodeStatus[]> = {
  wait_for: ['waiting'],
  poll_parent: ['waiting'],
  poll: ['scheduled', 'running', 'retrying'],
};

export async function deliverSignal(
  scope: TxScope,
  name: string,
  payload: unknown,
): Promise<SignalResult> {
  const { q, run, now } = scope;
  if (!ACTIVE_RUN_STATES.includes(run.status))
    return { outcome: 'run-finished', status: run.status };
  const waiters = waitersOf(scope, name);
  const mark = scope.history.length;
  let delivered: { node: string; childRunId?: string } | undefined;
  if (waiters.size > 0) {
    const { rows } = await q.query<{ node_id: string; status: NodeStatus }>(
      'SELECT node_id, status FROM forgeflow.nodes WHERE run_id = $1 AND node_id = ANY($2::text[])',
      [run.id, [...waiters.keys()]],
    );
    const status = new Map(rows.map((r) => [r.node_id, r.status]));
    for (const id of sortByGraph(run, waiters.keys())) {
      const kind = waiters.get(id)!;
      if (!WAITING_STATES[kind].includes(status.get(id)!)) continue;
      delivered = await wake(scope, id, kind, status.get(id)!, name, payload);
      if (delivered) break;
    }
  }
  // Recorded before the events of the node it woke (which wake() queued already).
  scope.history.splice(mark, 0, {
    type: 'SignalReceived',
    data: { name, payload, delivered_to: delivered?.node ?? null },
  });
  await q.query(
    `INSERT INTO forgeflow.signals (run_id, name, payload, received_at, consumed_by, consumed_at)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
    [
      run.id,
      name,
      JSON.stringify(payload ?? null),
      new Date(now),
      delivered?.node ?? null,
      delivered ? new Date(now) : null,
    ],
  );
  scope.after.emit({
    type: 'signal:received',
    runId: run.id,
    name,
    deliveredTo: delivered?.node ?? null,
  });
  return delivered ? { outcome: 'delivered', ...delivered } : { outcome: 'buffered' };
}

async function wake(
  scope: TxScope,
  nodeId: string,
  kind: Waiter,
  status: NodeStatus,
  name: string,
  payload: unknown,
): Promise<{ node: string; childRunId?: string } | undefined> {
  const { q, run } = scope;
  if (kind === 'poll_parent') {
    // The poll runs in a child run: the signal travels there as a task (a child that continues
    // as a new run meanwhile passes it on), ends the poll, and the child's end reaches here.
    const [child] = await activeChildren(q, run.id, [nodeId]);
    if (child === undefined) return undefined;
    const at = new Date(scope.now);
    await queueRunTask(q, {
      runId: child,
      kind: 'signal',
      dueAt: at,
      now: at,
      payload: [{ name, payload }],
      onConflict: 'append',
    });
    scope.after.notifyTasks = true;
    return { node: nodeId, childRunId: child };
  }
  if (kind === 'poll' && status === 'running') {
    // A poll call is in flight: its worker is told to abort it, and its report will be fenced
    // off (its task is gone). The task first: a heartbeat locks the task, then the attempt.
    await q.query(
      `DELETE FROM forgeflow.tasks WHERE run_id = $1 AND node_id = $2 AND kind = 'attempt'`,
      [run.id, nodeId],
    );
    const canceled = errorInfo('Canceled', `the poll ended: signal "${name}" arrived`, {
      nonRetryable: true,
    });
    await cancelRunningAttempts(
      q,
      { runId: run.id, nodeId },
      { finished_at: new Date(scope.now), error: new Json(canceled) },
    );
    scope.after.stoppedRuns.push(run.id);
  } else {
    await dropNodeTasks(scope, nodeId, kind === 'poll' ? ['attempt'] : ['timer']);
  }
  await completeNode(scope, nodeId, payload, { signal: name });
  await afterNodesFinished(scope, [nodeId]);
  return { node: nodeId };
}
