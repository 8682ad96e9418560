/**
 * Claiming work: due tasks are leased in one statement (`FOR UPDATE SKIP LOCKED`, so workers
 * never wait on each other), and in the same transaction each attempt is started (node running,
 * attempt row, NodeStarted) and each internal task applied (internal-tasks.ts). An attempt whose
 * queue deadline has passed is timed out instead of started. `dequeue` tasks are only leased
 * here and applied afterwards, each in a transaction of its own (concurrency.ts): they take a
 * group lock, which a transaction holding several runs' locks must not wait for.
 */
import type { GraphNode } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import { attemptEndedBadly, timeoutError } from './attempt-outcome.js';
import type { Engine } from './engine.js';
import { findNode } from './graph-index.js';
import { applyInternalTask } from './internal-tasks.js';
import { dropHeadStatus, reportNode, triedOut, type ClaimedReport } from './report.js';
import { lockRuns } from './run-lock.js';
import { activeChildren, queueRunTask } from './run-tasks.js';
import { closeScope, notifyIfNeeded, publish } from './run-transaction.js';
import { openScope, record, type TxScope } from './scope.js';
import { NODE_TRANSITIONS, sourcesOf, type NodeStatus } from './states.js';
import { setNodeStatus } from './store.js';
import { AfterCommit, type ReportItem, type RunInfo, type TaskRow } from './types.js';

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

export interface Claimed {
  /** How many tasks it took, internal ones included. */
  taken: number;
  /** Whether a limit was reached: more may be due at once. */
  full: boolean;
  attempts: ClaimedAttempt[];
  /** Statuses to post, one per reported node (they take a slot, like attempts). */
  reports: ClaimedReport[];
  /** Leased `dequeue` tasks, for `dequeue()` to apply one by one. */
  dequeues: number[];
}

/** Internal tasks (timers, child ends, deadlines, cancels, dequeues) taken per claim at most. */
export const INTERNAL_BATCH = 100;

/**
 * Takes up to `limit` due attempts (the worker's free slots, possibly 0) and up to
 * INTERNAL_BATCH due internal tasks, which need no slot.
 */
export async function claim(engine: Engine, worker: string, limit: number): Promise<Claimed> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const claimed = await engine.db.tx(async (q) => {
    const { rows: tasks } = await q.query<TaskRow>(
      `WITH attempts AS (
         SELECT id FROM forgeflow.tasks
         WHERE lease_owner IS NULL AND kind IN ('attempt', 'report') AND due_at <= $1
         ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
       internal AS (
         SELECT id FROM forgeflow.tasks
         WHERE lease_owner IS NULL AND kind NOT IN ('attempt', 'report') AND due_at <= $1
         ORDER BY due_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
       -- Leased dequeue and report tasks expire with their lease: the sweeper releases them.
       UPDATE forgeflow.tasks t SET lease_owner = $3, lease_expires_at = $4,
         expires_at = CASE WHEN t.kind IN ('dequeue', 'report') THEN $4 ELSE t.expires_at END
       WHERE t.id IN (SELECT id FROM attempts UNION ALL SELECT id FROM internal)
       RETURNING t.id, t.run_id, t.node_id, t.kind, t.attempt, t.queue_deadline_at, t.node_deadline_at, t.payload`,
      [new Date(now), limit, worker, new Date(now + engine.settings.leaseMs), INTERNAL_BATCH],
    );
    const dequeues = tasks.filter((t) => t.kind === 'dequeue').map((t) => t.id);
    const reports = await claimedReports(
      engine,
      q,
      tasks.filter((t) => t.kind === 'report'),
      worker,
      now,
    );
    const work = tasks.filter((t) => t.kind !== 'dequeue' && t.kind !== 'report');
    const slotted = tasks.filter((t) => t.kind === 'attempt' || t.kind === 'report').length;
    const full = (limit > 0 && slotted === limit) || tasks.length - slotted === INTERNAL_BATCH;
    if (work.length === 0) return { taken: tasks.length, full, attempts: [], reports, dequeues };
    const locked = await lockRuns(
      q,
      work.map((t) => t.run_id),
    );
    const runs = await engine.cache.load(q, [...locked.keys()], locked);
    const started: ClaimedAttempt[] = [];
    for (const task of work.sort((a, b) => a.id - b.id)) {
      const run = runs.get(task.run_id);
      const forRun = task.kind === 'cancel' || task.kind === 'signal';
      if (run?.status === 'continued' && forRun) {
        await forwardToSuccessor(q, run, task, now);
        after.notifyTasks = true;
        continue;
      }
      if (!run || !(run.status === 'running' || (run.status === 'queued' && forRun))) {
        await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]); // its run has ended
        continue;
      }
      const scope = openScope(q, engine, now, run, after);
      if (task.kind === 'attempt') {
        const node = findNode(run, task.node_id);
        const attempt = node && (await startAttempt(scope, node, task, worker, engine.random));
        if (!node) await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
        await closeScope(scope);
        // Closing may have ended the run (its history reached the cap): nothing to start then.
        if (attempt && scope.run.status === 'running') started.push(attempt);
        continue;
      }
      await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
      await applyInternalTask(scope, task);
      await closeScope(scope);
    }
    await notifyIfNeeded(q, after);
    return { taken: tasks.length, full, attempts: started, reports, dequeues };
  });
  publish(engine, after);
  return claimed;
}

/**
 * A cancel or a signal for a polling child that has continued as a new run goes on to the
 * run that continues it (created, and so committed, with its predecessor's end).
 */
async function forwardToSuccessor(
  q: Queryable,
  run: RunInfo,
  task: TaskRow,
  now: number,
): Promise<void> {
  await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
  if (!run.parent) return;
  for (const successor of await activeChildren(q, run.parent.runId, [run.parent.nodeId]))
    await queueRunTask(q, {
      runId: successor,
      kind: task.kind,
      dueAt: new Date(now),
      now: new Date(now),
      payload: task.payload,
      onConflict: task.kind === 'signal' ? 'append' : 'keep',
    });
}

/** The head status of each report task, with its run and the node's context. */
async function claimedReports(
  engine: Engine,
  q: Queryable,
  tasks: readonly TaskRow[],
  worker: string,
  now: number,
): Promise<ClaimedReport[]> {
  if (tasks.length === 0) return [];
  const specs = await engine.cache.specs(
    q,
    tasks.map((t) => t.run_id),
  );
  const { rows } = await q.query<{ run_id: string; node_id: string; report: string | null }>(
    `SELECT run_id, node_id, report FROM forgeflow.nodes
     WHERE (run_id, node_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
    [tasks.map((t) => t.run_id), tasks.map((t) => t.node_id)],
  );
  const claimed: ClaimedReport[] = [];
  for (const task of tasks) {
    const run = specs.get(task.run_id);
    const item = (task.payload as ReportItem[] | null)?.[0];
    const context =
      item?.context ??
      rows.find((r) => r.run_id === task.run_id && r.node_id === task.node_id)?.report;
    if (!run || !context || !item) {
      await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]); // nothing to post
      continue;
    }
    if (triedOut(task.attempt)) {
      await dropHeadStatus(q, task.id, worker, now); // its posts kept killing their worker
      continue;
    }
    claimed.push({
      taskId: task.id,
      run,
      nodeId: task.node_id,
      context,
      item,
      failures: task.attempt,
    });
  }
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
  const attemptDeadline = node.timeouts.attempt_ms === null ? null : now + node.timeouts.attempt_ms;
  const heartbeatDeadline =
    node.timeouts.heartbeat_ms === null ? null : now + node.timeouts.heartbeat_ms;
  await q.query(
    `UPDATE forgeflow.tasks SET attempt_deadline_at = $2::timestamptz, heartbeat_deadline_at = $3::timestamptz,
       expires_at = LEAST(lease_expires_at, $2::timestamptz, $3::timestamptz, node_deadline_at)
     WHERE id = $1`,
    [task.id, dateOrNull(attemptDeadline), dateOrNull(heartbeatDeadline)],
  );
  await q.query(
    `INSERT INTO forgeflow.attempts (run_id, node_id, attempt, status, worker, started_at) VALUES ($1, $2, $3, 'running', $4, $5)`,
    [run.id, node.id, task.attempt, worker, at],
  );
  record(scope, [{ type: 'NodeStarted', node: node.id, attempt: task.attempt, data: { worker } }]);
  await reportNode(
    scope,
    node.id,
    'running',
    task.attempt > 1 ? `running (attempt ${task.attempt})` : 'running',
  );
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
    input: current.input,
    lastHeartbeatDetails: current.heartbeat_details,
    deadline: attemptDeadline,
    nodeDeadline: task.node_deadline_at?.getTime() ?? null,
  };
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
