/**
 * Claiming work: due tasks are leased in one statement (`FOR UPDATE SKIP LOCKED`, so workers
 * never wait on each other), and in the same transaction the attempts are started (node running,
 * attempt row, NodeStarted: together, attempt-start.ts) and each internal task applied
 * (internal-tasks.ts); the runs' history is written in one statement at the end. An attempt
 * whose queue deadline has passed is timed out instead of started. `dequeue` tasks are only leased
 * here and applied afterwards, each in a transaction of its own (concurrency.ts): they take a
 * group lock, which a transaction holding several runs' locks must not wait for.
 */
import type { Queryable } from '../db/db.js';
import {
  startAttempt,
  startAttempts,
  type ClaimedAttempt,
  type StartRequest,
} from './attempt-start.js';
import type { Engine } from './engine.js';
import { findNode } from './graph-index.js';
import { applyInternalTask } from './internal-tasks.js';
import { dropHeadStatus, isRunSummary, triedOut, type ClaimedReport } from './report.js';
import type { LockedRun } from './run-lock.js';
import { activeChildren, queueRunTask } from './run-tasks.js';
import { closeScopes, notifyIfNeeded, publish } from './run-transaction.js';
import { openScope, type TxScope } from './scope.js';
import { AfterCommit, type QueuedReport, type RunInfo, type TaskRow } from './types.js';

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
    // Leased, and the runs of the tasks that change them locked (in id order, as lockRuns
    // does), in one statement.
    const { rows } = await q.query<TaskRow & { locked: LockedRun | null }>(
      `WITH attempts AS (
         SELECT id FROM forgeflow.tasks
         WHERE lease_owner IS NULL AND kind IN ('attempt', 'report') AND due_at <= $1
         ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
       internal AS (
         SELECT id FROM forgeflow.tasks
         WHERE lease_owner IS NULL AND kind NOT IN ('attempt', 'report') AND due_at <= $1
         ORDER BY due_at, id LIMIT $5 FOR UPDATE SKIP LOCKED),
       -- Leased dequeue and report tasks expire with their lease: the sweeper releases them.
       leased AS (
         UPDATE forgeflow.tasks t SET lease_owner = $3, lease_expires_at = $4,
           expires_at = CASE WHEN t.kind IN ('dequeue', 'report') THEN $4 ELSE t.expires_at END
         WHERE t.id IN (SELECT id FROM attempts UNION ALL SELECT id FROM internal)
         RETURNING t.id, t.run_id, t.node_id, t.kind, t.attempt, t.queue_deadline_at, t.node_deadline_at, t.payload),
       locked AS (
         SELECT r.id, r.status, r.stopping, r.attempt, r.concurrency_group FROM forgeflow.runs r
         WHERE r.id IN (SELECT run_id FROM leased WHERE kind NOT IN ('dequeue', 'report'))
         ORDER BY r.id FOR UPDATE OF r)
       SELECT l.*, to_jsonb(k) AS locked FROM leased l LEFT JOIN locked k ON k.id = l.run_id`,
      [new Date(now), limit, worker, new Date(now + engine.settings.leaseMs), INTERNAL_BATCH],
    );
    const tasks: TaskRow[] = rows.map(({ locked: _, ...task }) => task);
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
    const locked = new Map<string, LockedRun>();
    for (const row of rows) if (row.locked?.id) locked.set(row.run_id, row.locked);
    const runs = await engine.cache.load(q, [...locked.keys()], locked);
    // One scope per run, closed together at the end: one history statement for the claim.
    const scopes = new Map<string, TxScope>();
    const scopeOf = (run: RunInfo) =>
      scopes.get(run.id) ?? scopes.set(run.id, openScope(q, engine, now, run, after)).get(run.id)!;
    // A run with an internal task here too takes everything one by one, in task order (a
    // cancel before its attempt, say); other attempts start together (attempt-start.ts).
    const oneByOne = new Set(work.filter((t) => t.kind !== 'attempt').map((t) => t.run_id));
    const starts: StartRequest[] = [];
    const dropped: number[] = [];
    let started: ClaimedAttempt[] = [];
    for (const task of work.sort((a, b) => a.id - b.id)) {
      const run = runs.get(task.run_id);
      const forRun = task.kind === 'cancel' || task.kind === 'signal';
      if (run?.status === 'continued' && forRun) {
        await forwardToSuccessor(q, run, task, now);
        after.notifyTasks = true;
        continue;
      }
      if (!run || !(run.status === 'running' || (run.status === 'queued' && forRun))) {
        dropped.push(task.id); // its run has ended
        continue;
      }
      const scope = scopeOf(run);
      if (task.kind === 'attempt') {
        const node = findNode(run, task.node_id);
        if (!node) dropped.push(task.id);
        else if (oneByOne.has(run.id)) {
          const attempt = await startAttempt({ scope, node, task }, worker, engine.random);
          if (attempt) started.push(attempt);
        } else starts.push({ scope, node, task });
        continue;
      }
      await q.query('DELETE FROM forgeflow.tasks WHERE id = $1', [task.id]);
      await applyInternalTask(scope, task);
    }
    if (dropped.length > 0)
      await q.query('DELETE FROM forgeflow.tasks WHERE id = ANY($1::bigint[])', [dropped]);
    started.push(...(await startAttempts(starts, worker, engine.random)));
    await closeScopes([...scopes.values()]);
    // Closing may have ended a run (its history reached the cap): nothing to start there.
    started = started.filter((attempt) => attempt.run.status === 'running');
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
    const item = (task.payload as QueuedReport[] | null)?.[0];
    // A run summary has no status context; a status without one has nowhere to go.
    const context =
      item === undefined || isRunSummary(item)
        ? null
        : (item.context ??
          rows.find((r) => r.run_id === task.run_id && r.node_id === task.node_id)?.report);
    if (!run || !item || (!isRunSummary(item) && !context)) {
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
      context: context ?? null,
      item,
      failures: task.attempt,
    });
  }
  return claimed;
}
