/**
 * Starting claimed attempts inside the claiming transaction: the node moves to running, its
 * attempt row is written with the task's deadlines, and NodeStarted is recorded. Many attempts
 * start in one statement (startAttempts); one that is overdue, or that no longer fits its
 * node, takes the one-by-one path (startAttempt), which times it out or drops its task.
 */
import type { GraphNode } from '../contracts/graph.js';
import { attemptEndedBadly, timeoutError, type TimeoutKind } from './attempt-outcome.js';
import { reportNode } from './report.js';
import { record, type TxScope } from './scope.js';
import { NODE_TRANSITIONS, sourcesOf, type NodeStatus } from './states.js';
import { setNodeStatus } from './store.js';
import type { TaskRow } from './types.js';

export interface ClaimedAttempt {
  taskId: number;
  run: TxScope['run'];
  node: GraphNode;
  attempt: number;
  input: unknown;
  lastHeartbeatDetails: unknown;
  /** When this attempt must end (start-to-close), in clock milliseconds. */
  deadline: number | null;
  /** When all attempts of the node must have ended (schedule-to-close). */
  nodeDeadline: number | null;
}

/** An attempt task leased by this transaction, with its run's scope and its node. */
export interface StartRequest {
  scope: TxScope;
  node: GraphNode;
  task: TaskRow;
}

/** Why a task must time out instead of starting, if its queue or node deadline has passed. */
export function overdueKind(task: TaskRow, now: number): TimeoutKind | undefined {
  if (task.node_deadline_at && task.node_deadline_at.getTime() <= now) return 'schedule_to_close';
  if (task.queue_deadline_at && task.queue_deadline_at.getTime() <= now) return 'schedule_to_start';
  return undefined;
}

const START_MANY = `WITH i AS (
    SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[])
      AS i(task_id, run_id, node_id, attempt, attempt_deadline, heartbeat_deadline)),
  n AS (
    UPDATE forgeflow.nodes n SET status = 'running', started_at = COALESCE(n.started_at, $7)
    FROM i WHERE n.run_id = i.run_id AND n.node_id = i.node_id AND n.attempt = i.attempt
      AND n.status = ANY($9::text[])
    RETURNING i.task_id, n.run_id, n.node_id, n.attempt, n.input, n.heartbeat_details,
      i.attempt_deadline, i.heartbeat_deadline),
  t AS (
    UPDATE forgeflow.tasks t SET attempt_deadline_at = n.attempt_deadline,
      heartbeat_deadline_at = n.heartbeat_deadline,
      expires_at = LEAST(t.lease_expires_at, n.attempt_deadline, n.heartbeat_deadline, t.node_deadline_at)
    FROM n WHERE t.id = n.task_id),
  a AS (
    INSERT INTO forgeflow.attempts (run_id, node_id, attempt, status, worker, started_at)
    SELECT run_id, node_id, attempt, 'running', $8, $7 FROM n)
  SELECT task_id, input, heartbeat_details FROM n`;

/**
 * Starts every request that is not overdue and whose node still waits for exactly this
 * attempt, in one statement; the others go through startAttempt one by one. Returns the
 * attempts started (ordered as the requests).
 */
export async function startAttempts(
  requests: readonly StartRequest[],
  worker: string,
  random: () => number,
): Promise<ClaimedAttempt[]> {
  if (requests.length === 0) return [];
  const { q, now } = requests[0]!.scope;
  const onTime = requests.filter((r) => overdueKind(r.task, now) === undefined);
  const deadlines = onTime.map((r) => attemptDeadlines(r.node, now));
  const attemptDeadline = new Map(onTime.map((r, i) => [r.task.id, deadlines[i]!.attempt]));
  // All overdue: nothing to start together.
  const { rows } =
    onTime.length === 0
      ? { rows: [] }
      : await q.query<{
          task_id: number;
          input: unknown;
          heartbeat_details: unknown;
        }>(START_MANY, [
          onTime.map((r) => r.task.id),
          onTime.map((r) => r.scope.run.id),
          onTime.map((r) => r.node.id),
          onTime.map((r) => r.task.attempt),
          deadlines.map((d) => dateOrNull(d.attempt)),
          deadlines.map((d) => dateOrNull(d.heartbeat)),
          new Date(now),
          worker,
          sourcesOf(NODE_TRANSITIONS, 'running'),
        ]);
  const startedRows = new Map(rows.map((row) => [Number(row.task_id), row]));
  const started: ClaimedAttempt[] = [];
  for (const request of requests) {
    const row = startedRows.get(request.task.id);
    if (!row) {
      // Overdue, or no longer startable: decided one by one.
      const attempt = await startAttempt(request, worker, random);
      if (attempt) started.push(attempt);
      continue;
    }
    await recordStarted(request, worker);
    started.push(
      claimedAttempt(
        request,
        row.input,
        row.heartbeat_details,
        attemptDeadline.get(request.task.id) ?? null,
      ),
    );
  }
  return started;
}

/**
 * One attempt: started, or, when overdue before it starts, timed out here rather than run by
 * a handler that must stop at once; its task is dropped when its node is no longer startable.
 */
export async function startAttempt(
  request: StartRequest,
  worker: string,
  random: () => number,
): Promise<ClaimedAttempt | undefined> {
  const { scope, node, task } = request;
  const { q, run, now } = scope;
  const overdue = overdueKind(task, now);
  const { rows } = await q.query<{
    status: string;
    attempt: number;
    input: unknown;
    heartbeat_details: unknown;
    started_at: Date | null;
  }>(
    'SELECT status, attempt, input, heartbeat_details, started_at FROM forgeflow.nodes WHERE run_id = $1 AND node_id = $2',
    [run.id, node.id],
  );
  const current = rows[0];
  const startable =
    current !== undefined &&
    current.attempt === task.attempt &&
    sourcesOf(NODE_TRANSITIONS, 'running').includes(current.status as NodeStatus);
  if (!startable || overdue) {
    await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
    // Not startable any more: canceled, or ended by a signal, while this task was being claimed.
    if (!startable || !overdue) return undefined;
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
  await setNodeStatus(q, run.id, node.id, 'running', { started_at: current.started_at ?? at });
  const deadlines = attemptDeadlines(node, now);
  await q.query(
    `UPDATE forgeflow.tasks SET attempt_deadline_at = $2::timestamptz, heartbeat_deadline_at = $3::timestamptz,
       expires_at = LEAST(lease_expires_at, $2::timestamptz, $3::timestamptz, node_deadline_at)
     WHERE id = $1`,
    [task.id, dateOrNull(deadlines.attempt), dateOrNull(deadlines.heartbeat)],
  );
  await q.query(
    `INSERT INTO forgeflow.attempts (run_id, node_id, attempt, status, worker, started_at) VALUES ($1, $2, $3, 'running', $4, $5)`,
    [run.id, node.id, task.attempt, worker, at],
  );
  await recordStarted(request, worker);
  return claimedAttempt(request, current.input, current.heartbeat_details, deadlines.attempt);
}

async function recordStarted({ scope, node, task }: StartRequest, worker: string): Promise<void> {
  record(scope, [{ type: 'NodeStarted', node: node.id, attempt: task.attempt, data: { worker } }]);
  if (!node.statuses)
    await reportNode(
      scope,
      node.id,
      'running',
      task.attempt > 1 ? `running (attempt ${task.attempt})` : 'running',
    );
  scope.after.emit({
    type: 'node:started',
    runId: scope.run.id,
    nodeId: node.id,
    attempt: task.attempt,
    worker,
  });
}

function claimedAttempt(
  { scope, node, task }: StartRequest,
  input: unknown,
  heartbeatDetails: unknown,
  deadline: number | null,
): ClaimedAttempt {
  return {
    taskId: task.id,
    run: scope.run,
    node,
    attempt: task.attempt,
    input,
    lastHeartbeatDetails: heartbeatDetails,
    deadline,
    nodeDeadline: task.node_deadline_at?.getTime() ?? null,
  };
}

function attemptDeadlines(
  node: GraphNode,
  now: number,
): { attempt: number | null; heartbeat: number | null } {
  return {
    attempt: node.timeouts.attempt_ms === null ? null : now + node.timeouts.attempt_ms,
    heartbeat: node.timeouts.heartbeat_ms === null ? null : now + node.timeouts.heartbeat_ms,
  };
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
