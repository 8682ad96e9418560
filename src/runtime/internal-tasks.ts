/**
 * Tasks no handler runs, applied by the claiming worker in the claim's transaction under the
 * run's lock: a node's timer (a sleep ends, a signal wait times out), the end of a child run,
 * the run's deadline, and a cancel sent by a newer run of the concurrency group.
 */
import { formatDuration } from '../contracts/duration.js';
import { errorInfo } from '../contracts/errors.js';
import type { GraphNode } from '../contracts/graph.js';
import { afterNodesFinished } from './advance.js';
import { findNode } from './graph-index.js';
import { completeNode, failNode } from './node-end.js';
import { childrenFinished } from './child-finished.js';
import { record, type TxScope } from './scope.js';
import { deliverSignal } from './signals.js';
import { requestStop } from './stop.js';
import type { TaskRow } from './types.js';

/** Applies one internal task (already deleted from the queue by the caller). */
export async function applyInternalTask(scope: TxScope, task: TaskRow): Promise<void> {
  const { run } = scope;
  switch (task.kind) {
    case 'timer': {
      const node = findNode(run, task.node_id);
      if (node && run.status === 'running') await fireTimer(scope, node);
      return;
    }
    case 'child': {
      const node = findNode(run, task.node_id);
      if (node && run.status === 'running') await childrenFinished(scope, node, task.payload);
      return;
    }
    case 'deadline':
      if (run.status === 'running')
        await requestStop(
          scope,
          'timed_out',
          run.graph.timeout_ms === null
            ? 'its deadline passed'
            : `its timeout (${formatDuration(run.graph.timeout_ms)}) passed`,
        );
      return;
    case 'cancel': {
      const reason = (task.payload as { reason?: unknown } | null)?.reason;
      await requestStop(scope, 'canceled', typeof reason === 'string' ? reason : 'canceled');
      return;
    }
    case 'signal':
      for (const signal of Array.isArray(task.payload) ? task.payload : []) {
        const { name, payload } = signal as { name?: unknown; payload?: unknown };
        if (typeof name === 'string') await deliverSignal(scope, name, payload ?? null);
      }
      return;
    case 'attempt':
    case 'dequeue':
    case 'report':
      throw new Error(`a ${task.kind} task is not internal`);
  }
}

/** A sleep ends successfully; a signal wait that reaches its timeout times out. */
async function fireTimer(scope: TxScope, node: GraphNode): Promise<void> {
  const { q, run } = scope;
  // A signal may have ended the wait, or a cancel the node, while this task was being claimed.
  const { rows } = await q.query<{ status: string }>(
    'SELECT status FROM forgeflow.nodes WHERE run_id = $1 AND node_id = $2',
    [run.id, node.id],
  );
  if (rows[0]?.status !== 'waiting') return;
  if (node.action.kind === 'timer') {
    record(scope, [{ type: 'TimerFired', node: node.id, data: {} }]);
    scope.after.emit({ type: 'timer:fired', runId: run.id, nodeId: node.id });
    await completeNode(scope, node.id, null);
  } else {
    const signal = node.action.kind === 'signal' ? node.action.signal : '';
    await failNode(
      scope,
      node.id,
      errorInfo('Timeout', `no "${signal}" signal arrived before wait_for.timeout`, {
        nonRetryable: true,
        details: { kind: 'wait_for' },
      }),
      { timedOut: true },
    );
  }
  await afterNodesFinished(scope, [node.id]);
}
