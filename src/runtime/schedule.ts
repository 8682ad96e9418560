/**
 * Scheduling a decided node: an activity or a poll gets an attempt task (a poll's first call
 * waits one interval), a sleep a timer task, a signal wait a timeout task unless a buffered
 * signal ends it at once. Attempts are numbered on from the node's earlier ones, so a node
 * re-run by a retry of its run keeps every earlier attempt row.
 */
import type { GraphNode, PollAction } from '../contracts/graph.js';
import type { ExpressionContext } from '../expressions/evaluate.js';
import { activityInput } from './activity-input.js';
import { completeNode } from './node-end.js';
import { startReporting } from './report.js';
import { queueRunTask } from './run-tasks.js';
import { record, type TxScope } from './scope.js';
import { takeBufferedSignal } from './signal-buffer.js';
import { NODE_TRANSITIONS, sourcesOf, TransitionError } from './states.js';
import { Json, setNodeStatus } from './store.js';

/** Returns false when the node already finished (a signal that was waiting for it). */
export async function scheduleNode(
  scope: TxScope,
  node: GraphNode,
  context: ExpressionContext,
): Promise<boolean> {
  const { now } = scope;
  const action = node.action;
  // A node with `statuses` said `accepted` when its run started; its handlers say the rest.
  if (node.report !== null)
    await startReporting(scope, node, context, 'pending', node.statuses ? null : 'queued');
  switch (action.kind) {
    case 'activity':
      await scheduleAttempt(scope, node, activityInput(node, action.input, context), now);
      return true;
    case 'poll':
      // Evaluated by the parent when it started this child: used as is, never evaluated again.
      await scheduleAttempt(
        scope,
        node,
        action.input,
        now + pollDelay(action, action.polls_before),
      );
      return true;
    case 'timer':
      return scheduleTimer(scope, node, action.duration_ms);
    case 'signal':
      return scheduleSignalWait(scope, node, action.signal, action.timeout_ms);
  }
}

/** The wait before poll number `polls + 1`: `every`, grown by the coefficient, capped. */
export function pollDelay(action: PollAction, polls: number): number {
  const grown = action.every_ms * Math.pow(action.backoff_coefficient, polls);
  return Math.round(Math.min(grown, Math.max(action.maximum_interval_ms, action.every_ms)));
}

async function scheduleAttempt(
  scope: TxScope,
  node: GraphNode,
  input: unknown,
  dueAt: number,
): Promise<void> {
  const { q, run, now } = scope;
  const deadline =
    node.timeouts.deadline_ms === null ? null : new Date(now + node.timeouts.deadline_ms);
  const queueDeadline =
    node.timeouts.queue_ms === null ? null : new Date(dueAt + node.timeouts.queue_ms);
  // The node moves and its first attempt's task is queued in one statement.
  const { rows } = await q.query<{ id: number; attempt: number }>(
    `WITH n AS (
       UPDATE forgeflow.nodes SET status = 'scheduled', attempt = attempt + 1, failures = 0,
         lost_attempts = 0, input = $3::jsonb, scheduled_at = $4, deadline_at = $5
       WHERE run_id = $1 AND node_id = $2 AND status = ANY($6::text[]) RETURNING attempt)
     INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, queue_deadline_at, node_deadline_at, expires_at, created_at)
     SELECT $1, $2, 'attempt', n.attempt, $7, $8::timestamptz, $5::timestamptz, LEAST($8::timestamptz, $5::timestamptz), $4
     FROM n RETURNING id, attempt`,
    [
      run.id,
      node.id,
      JSON.stringify(input ?? null),
      new Date(now),
      deadline,
      sourcesOf(NODE_TRANSITIONS, 'scheduled'),
      new Date(dueAt),
      queueDeadline,
    ],
  );
  const attempt = rows[0]?.attempt;
  if (attempt === undefined)
    throw new TransitionError(`node ${node.id} of run ${run.id}`, 'scheduled', 'it is not pending');
  scope.after.newAttempts.push({
    taskId: Number(rows[0]!.id),
    runId: run.id,
    nodeId: node.id,
    dueAt,
  });
  record(scope, [
    {
      type: 'NodeScheduled',
      node: node.id,
      attempt,
      data: { due_at: new Date(dueAt).toISOString() },
    },
  ]);
  scope.after.emit({ type: 'node:scheduled', runId: run.id, nodeId: node.id, attempt });
}

/** Queues attempt `attempt` of an activity or poll node, due at `dueAt`. */
export async function insertAttemptTask(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  dueAt: number,
  nodeDeadline: Date | null,
): Promise<void> {
  const queueDeadline =
    node.timeouts.queue_ms === null ? null : new Date(dueAt + node.timeouts.queue_ms);
  const { rows } = await scope.q.query<{ id: number }>(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, queue_deadline_at, node_deadline_at, expires_at, created_at)
     VALUES ($1, $2, 'attempt', $3, $4, $5::timestamptz, $6::timestamptz, LEAST($5::timestamptz, $6::timestamptz), $7)
     RETURNING id`,
    [
      scope.run.id,
      node.id,
      attempt,
      new Date(dueAt),
      queueDeadline,
      nodeDeadline,
      new Date(scope.now),
    ],
  );
  scope.after.newAttempts.push({
    taskId: Number(rows[0]!.id),
    runId: scope.run.id,
    nodeId: node.id,
    dueAt,
  });
}

/** A task with a due time and no worker to run: a node's timer or a run-level task. */
export async function insertTimerTask(
  scope: TxScope,
  nodeId: string,
  kind: 'timer' | 'deadline',
  dueAt: number,
): Promise<void> {
  await queueRunTask(scope.q, {
    runId: scope.run.id,
    nodeId,
    kind,
    dueAt: new Date(dueAt),
    now: new Date(scope.now),
    onConflict: 'due',
  });
  scope.after.notifyTasks = true;
}

async function scheduleTimer(scope: TxScope, node: GraphNode, durationMs: number): Promise<true> {
  const { q, run, now } = scope;
  const fireAt = now + durationMs;
  await setNodeStatus(q, run.id, node.id, 'waiting', {
    scheduled_at: new Date(now),
    input: new Json(null),
  });
  await insertTimerTask(scope, node.id, 'timer', fireAt);
  record(scope, [
    { type: 'TimerStarted', node: node.id, data: { fire_at: new Date(fireAt).toISOString() } },
  ]);
  scope.after.emit({ type: 'timer:started', runId: run.id, nodeId: node.id, fireAt });
  return true;
}

async function scheduleSignalWait(
  scope: TxScope,
  node: GraphNode,
  signal: string,
  timeoutMs: number | null,
): Promise<boolean> {
  const { q, run, now } = scope;
  const timeoutAt = timeoutMs === null ? null : now + timeoutMs;
  await setNodeStatus(q, run.id, node.id, 'waiting', {
    scheduled_at: new Date(now),
    input: new Json(null),
  });
  record(scope, [
    {
      type: 'NodeWaiting',
      node: node.id,
      data: {
        signal,
        timeout_at: timeoutAt === null ? null : new Date(timeoutAt).toISOString(),
      },
    },
  ]);
  // A signal sent before the run got here was kept for it.
  const buffered = await takeBufferedSignal(scope, signal, node.id);
  if (buffered) {
    await completeNode(scope, node.id, buffered.payload, { signal });
    return false;
  }
  if (timeoutAt !== null) await insertTimerTask(scope, node.id, 'timer', timeoutAt);
  scope.after.emit({ type: 'node:waiting', runId: run.id, nodeId: node.id, signal });
  return true;
}
