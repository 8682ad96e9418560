/**
 * Claiming work: due tasks are leased in one statement (`FOR UPDATE SKIP LOCKED`, so workers
 * never wait on each other), and in the same transaction each attempt is started (node running,
 * attempt row, NodeStarted) and each due timer fired. An attempt whose queue deadline has
 * passed is timed out instead of started.
 */
import type { GraphNode } from '../compiler/graph.js';
import {
  afterNodesFinished,
  closeScope,
  notifyIfNeeded,
  openScope,
  record,
  type TxScope,
} from './advance.js';
import { attemptEndedBadly, timeoutError } from './attempt-outcome.js';
import { publish, type Engine } from './engine.js';
import { lockRuns } from './run-lock.js';
import { NODE_TRANSITIONS, sourcesOf } from './states.js';
import { Json, setNodeStatus } from './store.js';
import { AfterCommit, type RunInfo, type TaskRow } from './types.js';

export interface ClaimedAttempt {
  taskId: number;
  run: RunInfo;
  node: GraphNode;
  attempt: number;
  input: unknown;
  lastHeartbeatDetails: unknown;
  /** When this attempt must end (start-to-close), in clock milliseconds. */
  deadline: number | null;
  /** When all attempts of the node must have ended (schedule-to-close). */
  nodeDeadline: number | null;
}

export async function claim(
  engine: Engine,
  worker: string,
  limit: number,
): Promise<ClaimedAttempt[]> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const claimed = await engine.db.tx(async (q) => {
    const { rows: tasks } = await q.query<TaskRow>(
      `WITH picked AS (
         SELECT id FROM forgeflow.tasks
         WHERE lease_owner IS NULL AND due_at <= $1
         ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE forgeflow.tasks t SET lease_owner = $3, lease_expires_at = $4
       FROM picked WHERE t.id = picked.id
       RETURNING t.id, t.run_id, t.node_id, t.kind, t.attempt, t.queue_deadline_at, t.node_deadline_at`,
      [new Date(now), limit, worker, new Date(now + engine.settings.leaseMs)],
    );
    if (tasks.length === 0) return [];
    const locked = await lockRuns(
      q,
      tasks.map((t) => t.run_id),
    );
    const runs = await engine.cache.load(q, [...locked.keys()], locked);
    const started: ClaimedAttempt[] = [];
    for (const task of tasks.sort((a, b) => a.id - b.id)) {
      const run = runs.get(task.run_id);
      const node = run?.graph.nodes.find((n) => n.id === task.node_id);
      if (!run || !node || locked.get(task.run_id)?.status !== 'running') {
        await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]); // its run has ended
        continue;
      }
      const scope = openScope(q, now, run, engine.settings, after);
      if (task.kind === 'timer') await fireTimer(scope, node, task);
      else {
        const attempt = await startAttempt(scope, node, task, worker, engine.random);
        if (attempt) started.push(attempt);
      }
      await closeScope(scope);
    }
    await notifyIfNeeded(q, after);
    return started;
  });
  publish(engine, after);
  return claimed;
}

async function startAttempt(
  scope: TxScope,
  node: GraphNode,
  task: TaskRow,
  worker: string,
  random: () => number,
): Promise<ClaimedAttempt | undefined> {
  const { q, run, now } = scope;
  // Overdue before it starts: time it out here rather than run a handler that must stop at once.
  const overdue =
    task.node_deadline_at && task.node_deadline_at.getTime() <= now
      ? 'schedule_to_close'
      : task.queue_deadline_at && task.queue_deadline_at.getTime() <= now
        ? 'schedule_to_start'
        : undefined;
  if (overdue) {
    await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
    await attemptEndedBadly(
      scope,
      node,
      task.attempt,
      'timed_out',
      timeoutError(overdue, node),
      false,
      random,
    );
    return undefined;
  }
  const at = new Date(now);
  const attemptDeadline = node.timeouts.attempt_ms === null ? null : now + node.timeouts.attempt_ms;
  const heartbeatDeadline =
    node.timeouts.heartbeat_ms === null ? null : now + node.timeouts.heartbeat_ms;
  await q.query(
    `UPDATE forgeflow.tasks SET attempt_deadline_at = $2::timestamptz, heartbeat_deadline_at = $3::timestamptz,
       expires_at = LEAST(lease_expires_at, $2::timestamptz, $3::timestamptz, node_deadline_at)
     WHERE id = $1`,
    [task.id, dateOrNull(attemptDeadline), dateOrNull(heartbeatDeadline)],
  );
  const { rows } = await q.query<{ input: unknown; heartbeat_details: unknown }>(
    `UPDATE forgeflow.nodes SET status = 'running', started_at = COALESCE(started_at, $3)
     WHERE run_id = $1 AND node_id = $2 AND status = ANY($4::text[])
     RETURNING input, heartbeat_details`,
    [run.id, node.id, at, sourcesOf(NODE_TRANSITIONS, 'running')],
  );
  if (rows.length === 0)
    throw new Error(`task ${task.id} found node ${node.id} of run ${run.id} not scheduled`);
  await q.query(
    `INSERT INTO forgeflow.attempts (run_id, node_id, attempt, status, worker, started_at) VALUES ($1, $2, $3, 'running', $4, $5)`,
    [run.id, node.id, task.attempt, worker, at],
  );
  await record(scope, [
    { type: 'NodeStarted', node: node.id, attempt: task.attempt, data: { worker } },
  ]);
  scope.after.emit({
    type: 'node:started',
    runId: run.id,
    nodeId: node.id,
    attempt: task.attempt,
    worker,
  });
  return {
    taskId: task.id,
    run,
    node,
    attempt: task.attempt,
    input: rows[0]!.input,
    lastHeartbeatDetails: rows[0]!.heartbeat_details,
    deadline: attemptDeadline,
    nodeDeadline: task.node_deadline_at?.getTime() ?? null,
  };
}

/** A sleep ends successfully; a signal wait that reaches its timeout times out. */
async function fireTimer(scope: TxScope, node: GraphNode, task: TaskRow): Promise<void> {
  const { q, run, now } = scope;
  await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
  if (node.action.kind === 'timer') {
    await record(scope, [{ type: 'TimerFired', node: node.id, data: {} }]);
    scope.after.emit({ type: 'timer:fired', runId: run.id, nodeId: node.id });
    await setNodeStatus(q, run.id, node.id, 'succeeded', {
      output: new Json(null),
      finished_at: new Date(now),
    });
    await record(scope, [{ type: 'NodeCompleted', node: node.id, data: { output: null } }]);
    scope.after.emit({ type: 'node:completed', runId: run.id, nodeId: node.id, attempt: 0 });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  const signal = node.action.kind === 'signal' ? node.action.signal : '';
  const error = {
    type: 'Timeout',
    message: `no "${signal}" signal arrived before wait_for.timeout`,
    non_retryable: true,
    details: { kind: 'wait_for' },
  };
  await setNodeStatus(q, run.id, node.id, 'timed_out', {
    error: new Json(error),
    finished_at: new Date(now),
  });
  await record(scope, [{ type: 'NodeTimedOut', node: node.id, data: { error } }]);
  scope.after.emit({
    type: 'node:failed',
    runId: run.id,
    nodeId: node.id,
    attempt: null,
    error,
    timedOut: true,
  });
  await afterNodesFinished(scope, [node.id]);
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
