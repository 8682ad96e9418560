/**
 * Moving a run forward inside one transaction: when nodes finish, the nodes that need them are
 * counted down; a node whose needs are all done is decided (its `if` evaluated) and either
 * scheduled (an attempt task, or a timer) or skipped, which in turn counts down its dependents;
 * when no node is left unfinished the run ends. Completing a node and scheduling what it
 * unblocks thus happen in the same transaction.
 */
import type { GraphNode } from '../compiler/graph.js';
import type { Queryable } from '../db/db.js';
import { EvaluationError, evaluateCondition, evaluateValue } from '../expressions/evaluate.js';
import type { ErrorInfo } from '../handlers/types.js';
import { storable } from './storable.js';
import { appendHistory, RUN_END_EVENT, type HistoryEvent } from './history.js';
import { buildContext, statusFunctions, type NeededNode } from './node-context.js';
import type { RunStatus } from './states.js';
import { Json, setNodeStatus, setRunStatus } from './store.js';
import type { AfterCommit, RunInfo, RuntimeSettings } from './types.js';

export interface TxScope {
  q: Queryable;
  now: number;
  run: RunInfo;
  settings: RuntimeSettings;
  after: AfterCommit;
  /** History of this transaction, written once by closeScope. */
  history: HistoryEvent[];
}

export function openScope(
  q: Queryable,
  now: number,
  run: RunInfo,
  settings: RuntimeSettings,
  after: AfterCommit,
): TxScope {
  return { q, now, run, settings, after, history: [] };
}

/** Writes the scope's history (one statement); call last in the transaction. */
export async function closeScope(scope: TxScope): Promise<void> {
  await appendHistory(scope.q, scope.run.id, new Date(scope.now), scope.history.splice(0));
}

/** Wakes workers when the transaction commits (NOTIFY is transactional: dropped on rollback). */
export async function notifyIfNeeded(q: Queryable, after: AfterCommit): Promise<void> {
  if (after.notifyTasks) await q.query(`SELECT pg_notify('forgeflow_tasks', '')`);
  after.notifyTasks = false;
}

const dependentsCache = new WeakMap<object, Map<string, string[]>>();

function dependentsOf(run: RunInfo, nodeId: string): string[] {
  let map = dependentsCache.get(run.graph);
  if (!map) {
    map = new Map();
    for (const [from, to] of run.graph.edges) map.set(from, [...(map.get(from) ?? []), to]);
    dependentsCache.set(run.graph, map);
  }
  return map.get(nodeId) ?? [];
}

function nodeDef(run: RunInfo, nodeId: string): GraphNode {
  const node = run.graph.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`run ${run.id} has no node ${nodeId} in its graph`);
  return node;
}

/** Nodes just finished (any terminal state): count down their dependents, decide the ready ones, end the run if all done. */
export async function afterNodesFinished(
  scope: TxScope,
  finished: readonly string[],
): Promise<void> {
  const queue = [...finished];
  let count = 0;
  while (queue.length > 0) {
    const nodeId = queue.shift()!;
    count++;
    const dependents = dependentsOf(scope.run, nodeId);
    if (dependents.length === 0) continue;
    const { rows } = await scope.q.query<{ node_id: string }>(
      `UPDATE forgeflow.nodes SET waiting_on = waiting_on - 1
       WHERE run_id = $1 AND node_id = ANY($2::text[]) AND status = 'pending'
       RETURNING node_id, waiting_on`,
      [scope.run.id, dependents],
    );
    const ready = (rows as unknown as { node_id: string; waiting_on: number }[])
      .filter((r) => r.waiting_on === 0)
      .map((r) => r.node_id);
    for (const id of sortByGraph(scope.run, ready)) {
      const outcome = await decideNode(scope, id);
      if (outcome !== 'scheduled') queue.push(id);
    }
  }
  await countFinished(scope, count);
}

/** Schedules the nodes that need nothing (a run's roots). */
export async function startRoots(scope: TxScope): Promise<void> {
  // Every job left out by its own `on:`: nothing to do, and nothing would ever end the run.
  if (scope.run.graph.nodes.length === 0) {
    await endRun(scope, 'succeeded', {});
    return;
  }
  const roots = scope.run.graph.nodes.filter((n) => n.needs.length === 0).map((n) => n.id);
  const finished: string[] = [];
  for (const id of roots) if ((await decideNode(scope, id)) !== 'scheduled') finished.push(id);
  await afterNodesFinished(scope, finished);
}

/** Evaluates a ready node's condition and input; schedules it, or skips or fails it. */
async function decideNode(
  scope: TxScope,
  nodeId: string,
): Promise<'scheduled' | 'skipped' | 'failed'> {
  const { q, run, now } = scope;
  const node = nodeDef(run, nodeId);
  const needed = await loadNeeded(q, run.id, node.needs);
  try {
    const context = buildContext(run, node, needed, scope.settings);
    if (!evaluateCondition(node.if, context, statusFunctions(needed, run.cancelRequested))) {
      const reason = needed.some((n) => n.status !== 'succeeded')
        ? `a needed node did not succeed and "if: ${node.if}" is false`
        : `"if: ${node.if}" is false`;
      await setNodeStatus(q, run.id, nodeId, 'skipped', { finished_at: new Date(now) });
      await record(scope, [{ type: 'NodeSkipped', node: nodeId, data: { reason } }]);
      scope.after.emit({ type: 'node:skipped', runId: run.id, nodeId, reason });
      return 'skipped';
    }
    await scheduleNode(scope, node, context);
    return 'scheduled';
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    const info: ErrorInfo = {
      type: 'ExpressionError',
      message: error.message,
      non_retryable: true,
    };
    await setNodeStatus(q, run.id, nodeId, 'failed', {
      error: new Json(info),
      finished_at: new Date(now),
    });
    await record(scope, [{ type: 'NodeFailed', node: nodeId, data: { error: info } }]);
    scope.after.emit({
      type: 'node:failed',
      runId: run.id,
      nodeId,
      attempt: null,
      error: info,
      timedOut: false,
    });
    return 'failed';
  }
}

async function scheduleNode(
  scope: TxScope,
  node: GraphNode,
  context: ReturnType<typeof buildContext>,
): Promise<void> {
  const { q, run, now } = scope;
  const at = new Date(now);
  const action = node.action;
  if (action.kind === 'activity') {
    const evaluated = storable(evaluateValue(action.input, context));
    if (!evaluated.ok)
      throw new EvaluationError(`the evaluated input cannot be stored: ${evaluated.reason}`, '');
    const input = evaluated.value;
    const deadline =
      node.timeouts.deadline_ms === null ? null : new Date(now + node.timeouts.deadline_ms);
    await setNodeStatus(q, run.id, node.id, 'scheduled', {
      attempt: 1,
      input: new Json(input),
      scheduled_at: at,
      deadline_at: deadline,
    });
    await insertAttemptTask(scope, node, 1, now, deadline);
    await record(scope, [
      { type: 'NodeScheduled', node: node.id, attempt: 1, data: { due_at: at.toISOString() } },
    ]);
    scope.after.emit({ type: 'node:scheduled', runId: run.id, nodeId: node.id, attempt: 1 });
    return;
  }
  // A timer fires after its duration; a signal wait "fires" at its timeout (signals end it earlier).
  const fireAt =
    action.kind === 'timer'
      ? now + action.duration_ms
      : action.timeout_ms === null
        ? null
        : now + action.timeout_ms;
  await setNodeStatus(q, run.id, node.id, 'waiting', { scheduled_at: at, input: new Json(null) });
  if (fireAt !== null) {
    await q.query(
      `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, created_at) VALUES ($1, $2, 'timer', 0, $3, $4)`,
      [run.id, node.id, new Date(fireAt), at],
    );
    scope.after.emit({ type: 'timer:started', runId: run.id, nodeId: node.id, fireAt });
    scope.after.notifyTasks = true;
  }
  const fireIso = fireAt === null ? null : new Date(fireAt).toISOString();
  await record(scope, [
    action.kind === 'timer'
      ? { type: 'TimerStarted', node: node.id, data: { fire_at: fireIso! } }
      : {
          type: 'NodeWaiting',
          node: node.id,
          data: { signal: action.signal, timeout_at: fireIso },
        },
  ]);
}

/** Queues attempt `attempt` of an activity node, due at `dueAt`. */
export async function insertAttemptTask(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  dueAt: number,
  nodeDeadline: Date | null,
): Promise<void> {
  const queueDeadline =
    node.timeouts.queue_ms === null ? null : new Date(dueAt + node.timeouts.queue_ms);
  await scope.q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, queue_deadline_at, node_deadline_at, expires_at, created_at)
     VALUES ($1, $2, 'attempt', $3, $4, $5::timestamptz, $6::timestamptz, LEAST($5::timestamptz, $6::timestamptz), $7)`,
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
  scope.after.notifyTasks = true;
}

async function loadNeeded(
  q: Queryable,
  runId: string,
  needs: readonly string[],
): Promise<NeededNode[]> {
  if (needs.length === 0) return [];
  const { rows } = await q.query<NeededNode>(
    'SELECT node_id, status, output FROM forgeflow.nodes WHERE run_id = $1 AND node_id = ANY($2::text[])',
    [runId, needs],
  );
  return needs.flatMap((id) => rows.filter((r) => r.node_id === id));
}

function sortByGraph(run: RunInfo, ids: readonly string[]): string[] {
  const order = new Map(run.graph.nodes.map((n, i) => [n.id, i]));
  return [...ids].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/** Counts nodes that reached a final state; the last one ends the run (failed if any failed). */
async function countFinished(scope: TxScope, count: number): Promise<void> {
  if (count === 0) return;
  const { q, run } = scope;
  const { rows } = await q.query<{ unfinished_nodes: number }>(
    'UPDATE forgeflow.runs SET unfinished_nodes = unfinished_nodes - $2 WHERE id = $1 RETURNING unfinished_nodes',
    [run.id, count],
  );
  if (rows[0]?.unfinished_nodes !== 0) return;
  const failed = await failedNodes(q, run.id);
  await endRun(
    scope,
    failed.length > 0 ? 'failed' : 'succeeded',
    failed.length > 0 ? { failed } : {},
  );
}

async function failedNodes(q: Queryable, runId: string): Promise<string[]> {
  const { rows } = await q.query<{ node_id: string }>(
    `SELECT node_id FROM forgeflow.nodes WHERE run_id = $1 AND status IN ('failed', 'timed_out') ORDER BY node_id`,
    [runId],
  );
  return rows.map((r) => r.node_id);
}

export async function endRun(
  scope: TxScope,
  status: Exclude<RunStatus, 'queued' | 'running'>,
  data: Record<string, unknown>,
  error: ErrorInfo | null = null,
): Promise<boolean> {
  const { q, run, now } = scope;
  const moved = await setRunStatus(q, run.id, status, {
    finished_at: new Date(now),
    updated_at: new Date(now),
    error: new Json(error),
  });
  if (!moved) return false;
  const type = RUN_END_EVENT[status];
  await record(scope, [{ type, data } as HistoryEvent]);
  await q.query(`SELECT pg_notify('forgeflow_runs', $1)`, [`${run.id}:${status}`]);
  scope.after.finishedRuns.push(run.id);
  scope.after.emit({ type: 'run:finished', runId: run.id, status });
  return true;
}

export function record(scope: TxScope, events: readonly HistoryEvent[]): Promise<void> {
  scope.history.push(...events);
  return Promise.resolve();
}
