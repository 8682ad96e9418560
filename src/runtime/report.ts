/**
 * Reporting nodes on the forge (`report:` in pipeline.yaml). The runtime knows nothing of
 * forges: it records, in the transaction of each state change, the status to post (pending
 * when scheduled, running when an attempt starts, the outcome at the end; `skipped` alone for a
 * node that never ran) on a `report` task of the node, and a worker posts them, in order,
 * through the handler named `forge.status`. A failed post is retried with backoff (a rate
 * limit's Retry-After honoured); the run does not wait for its statuses.
 *
 * A node's final status carries its facts (result, duration, attempts, error: NodeEndFacts),
 * which a GitHub App check run shows as its summary. A run of a pull request that ends may
 * queue its summary on the run's own report task (run-end-hooks.ts), posted the same way
 * through `forge.run_summary`: the runtime says what happened, the forge layer says it.
 */
import type { Queryable } from '../db/db.js';
import type { ErrorInfo } from '../contracts/errors.js';
import type { GraphNode } from '../contracts/graph.js';
import {
  errorFacts,
  pageUrl,
  type NodeEndFacts,
  type NodeResult,
  type RunSummaryFacts,
} from '../contracts/report-facts.js';
import type { StatusUpdate } from '../contracts/status-update.js';
import {
  EvaluationError,
  evaluateTemplate,
  type ExpressionContext,
} from '../expressions/evaluate.js';
import type { Engine } from './engine.js';
import { findNode } from './graph-index.js';
import { backoff } from './retry.js';
import type { TxScope } from './scope.js';
import type { QueuedReport, ReportItem, ReportState, RunSpec, RunSummaryItem } from './types.js';

export const STATUS_HANDLER = 'forge.status';
export { RUN_SUMMARY_HANDLER } from '../contracts/report-facts.js';

/** The node id of a run's own statuses (no node row, so its context travels in each item). */
export const RUN_STATUS_NODE = '';

export interface ClaimedReport {
  taskId: number;
  run: RunSpec;
  nodeId: string;
  /** The commit status context (the node's evaluated `report:`); null for a run summary. */
  context: string | null;
  item: QueuedReport;
  /** Failed tries of this item so far. */
  failures: number;
}

/** Posts of one status are given up after this many failures (the next state still goes). */
export const MAXIMUM_TRIES = 8;
const REPORT_RETRY = {
  maximum_attempts: MAXIMUM_TRIES,
  initial_interval_ms: 2_000,
  backoff_coefficient: 2,
  maximum_interval_ms: 300_000,
  jitter: 0.1,
  non_retryable_errors: [],
};

/** Queues a status of a reported node; a node without `report:` is left alone. */
export async function reportNode(
  scope: TxScope,
  nodeId: string,
  state: ReportState,
  description: string,
  context?: string,
): Promise<void> {
  if (findNode(scope.run, nodeId)?.report == null) return;
  await queueNodeStatus(scope, nodeId, { state, description } satisfies ReportItem, null, context);
}

/** How a node ended, for the facts of its final status. */
export interface NodeEnd {
  result: NodeResult;
  error?: ErrorInfo | null;
  /** A node with `statuses`: what its handler said last (its output's or its error's). */
  told?: StatusUpdate | null;
}

/**
 * Queues the final status of a reported node with its facts: attempts and duration read from
 * its row (already moved to its end) in the same statement.
 */
export async function reportNodeEnd(
  scope: TxScope,
  nodeId: string,
  state: ReportState,
  description: string,
  end: NodeEnd,
): Promise<void> {
  const node = findNode(scope.run, nodeId);
  if (node?.report == null) return;
  const maximum = node.retry.maximum_attempts;
  const known: Omit<NodeEndFacts, 'attempts' | 'duration_ms'> = {
    result: end.result,
    max_attempts: maximum > 0 ? maximum : null,
    error: end.error ? errorFacts(end.error) : null,
  };
  const told = node.statuses ? (end.told ?? null) : null;
  const item: ReportItem = told
    ? {
        state,
        description: told.description,
        ...(told.target_url === null ? {} : { target_url: told.target_url }),
      }
    : { state, description };
  await queueNodeStatus(scope, nodeId, item, known);
}

/**
 * Queues what a running node's handler told (StatusUpdate) on the status of the node
 * `target` of run `runId` (its own, or a polling child's parent), unless that node has ended
 * or its final status is queued already: a late update never follows the end.
 */
export async function reportUpdate(
  scope: TxScope,
  target: { runId: string; nodeId: string },
  update: StatusUpdate,
): Promise<void> {
  const item: ReportItem = {
    state: update.state,
    description: update.description,
    ...(update.target_url === null ? {} : { target_url: update.target_url }),
  };
  await scope.q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, created_at, payload)
     SELECT $1, $2, 'report', 0, $3, $3, jsonb_build_array($4::jsonb)
     FROM forgeflow.nodes
     WHERE run_id = $1 AND node_id = $2 AND report IS NOT NULL AND status IN ('running', 'waiting')
     ON CONFLICT (run_id, node_id, kind) DO UPDATE SET payload = forgeflow.tasks.payload || EXCLUDED.payload
     WHERE NOT forgeflow.tasks.payload @> '[{"facts": {}}]'::jsonb`,
    [target.runId, target.nodeId, new Date(scope.now), JSON.stringify(item)],
  );
  scope.after.notifyTasks = true;
}

async function queueNodeStatus(
  scope: TxScope,
  nodeId: string,
  item: ReportItem,
  facts: Omit<NodeEndFacts, 'attempts' | 'duration_ms'> | null,
  context?: string,
): Promise<void> {
  await scope.q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, created_at, payload)
     SELECT $1, $2, 'report', 0, $3, $3, jsonb_build_array(CASE WHEN $6::jsonb IS NULL THEN $4::jsonb
       ELSE $4::jsonb || jsonb_build_object('facts', $6::jsonb || jsonb_build_object(
         'attempts', attempt,
         'duration_ms', floor(extract(epoch FROM ($3::timestamptz - started_at)) * 1000)::bigint)) END)
     FROM forgeflow.nodes
     WHERE run_id = $1 AND node_id = $2 AND COALESCE($5, report) IS NOT NULL
     ON CONFLICT (run_id, node_id, kind) DO UPDATE SET payload = forgeflow.tasks.payload || EXCLUDED.payload`,
    [
      scope.run.id,
      nodeId,
      new Date(scope.now),
      JSON.stringify(item),
      context ?? null,
      facts === null ? null : JSON.stringify(facts),
    ],
  );
  scope.after.notifyTasks = true;
}

/**
 * Evaluates a reported node's `report:` context once, as it is scheduled or skipped, stores it
 * (later statuses use it) and queues the first status. Throws EvaluationError.
 */
export async function startReporting(
  scope: TxScope,
  node: GraphNode,
  context: ExpressionContext,
  state: ReportState,
  /** null: the context is stored, nothing is queued (a node with `statuses`, accepted already). */
  description: string | null,
): Promise<void> {
  const evaluated = evaluateTemplate(node.report ?? '', context);
  const name = typeof evaluated === 'string' ? evaluated : JSON.stringify(evaluated);
  await scope.q.query('UPDATE forgeflow.nodes SET report = $3 WHERE run_id = $1 AND node_id = $2', [
    scope.run.id,
    node.id,
    name,
  ]);
  if (description !== null) await reportNode(scope, node.id, state, description, name);
}

/**
 * The nodes with `statuses` among `nodeIds` (those about to run, or to run again) say they are
 * accepted, pending, as packit-service does when its task is accepted: every status of the run
 * is there from its start, not from when each node is scheduled. A `report:` that cannot be
 * evaluated before the node's needs are done waits for its scheduling, as any other.
 */
export async function reportAccepted(
  scope: TxScope,
  nodeIds: readonly string[],
  contextOf: (node: GraphNode) => ExpressionContext,
): Promise<void> {
  for (const id of nodeIds) {
    const node = findNode(scope.run, id);
    if (!node?.statuses || node.report === null) continue;
    try {
      await startReporting(scope, node, contextOf(node), 'pending', node.statuses.accepted);
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
    }
  }
}

/** Queues a status of the run itself (not of a node), with its own context. */
export async function queueStatus(
  scope: TxScope,
  item: ReportItem & { context: string },
): Promise<void> {
  await queueOnRunTask(scope, item);
}

/**
 * Queues a run's summary on the run's own report task, after any status queued there: posted
 * through RUN_SUMMARY_HANDLER once this transaction commits.
 */
export async function queueRunSummary(scope: TxScope, summary: RunSummaryFacts): Promise<void> {
  await queueOnRunTask(scope, { kind: 'run-summary', summary } satisfies RunSummaryItem);
}

/** Appends an item to the run's own report task (its statuses and its summary, in order). */
async function queueOnRunTask(scope: TxScope, item: QueuedReport): Promise<void> {
  await scope.q.query(
    `INSERT INTO forgeflow.tasks (run_id, node_id, kind, attempt, due_at, created_at, payload)
     VALUES ($1, $2, 'report', 0, $3, $3, $4::jsonb)
     ON CONFLICT (run_id, node_id, kind) DO UPDATE SET payload = forgeflow.tasks.payload || EXCLUDED.payload`,
    [scope.run.id, RUN_STATUS_NODE, new Date(scope.now), JSON.stringify([item])],
  );
  scope.after.notifyTasks = true;
}

export function isRunSummary(item: QueuedReport): item is RunSummaryItem {
  return (item as Partial<RunSummaryItem>).kind === 'run-summary';
}

/** The handler's input for one status. */
export function statusInput(report: ClaimedReport & { item: ReportItem }, publicUrl: string) {
  const { item } = report;
  return {
    context: report.context ?? '',
    state: item.state,
    description: item.description,
    target_url: item.target_url ?? pageUrl(publicUrl, report.run.id),
    ...(item.facts
      ? { facts: { ...item.facts, log_url: pageUrl(publicUrl, report.run.id, report.nodeId) } }
      : {}),
  };
}

/**
 * After a post: the item done (or given up) is taken off the head of the queue, and the task
 * goes back for the next item or is deleted; a failure to retry comes back later. Fenced by the
 * lease, like attempts.
 */
export async function finishReport(
  engine: Engine,
  worker: string,
  report: ClaimedReport,
  error: ErrorInfo | null,
): Promise<'posted' | 'retry' | 'given-up'> {
  const now = engine.clock.now();
  const failures = report.failures + 1;
  const retry =
    error !== null && !error.non_retryable && failures < MAXIMUM_TRIES
      ? Math.max(backoff(REPORT_RETRY, failures, engine.random), error.retry_after_ms ?? 0)
      : null;
  await engine.db.tx(async (q) => {
    if (retry !== null) {
      await q.query(
        `UPDATE forgeflow.tasks SET attempt = $3, due_at = $4, lease_owner = NULL,
           lease_expires_at = NULL, expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
        [report.taskId, worker, failures, new Date(now + retry)],
      );
      return;
    }
    await dropHeadStatus(q, report.taskId, worker, now);
  });
  return error === null ? 'posted' : retry !== null ? 'retry' : 'given-up';
}

/**
 * Takes the head status off a report task this worker holds (posted, or given up) and frees
 * the task for the next one, or deletes it when none is left.
 */
export async function dropHeadStatus(
  q: Queryable,
  taskId: number,
  worker: string,
  now: number,
): Promise<void> {
  const { rows } = await q.query<{ left: number }>(
    `UPDATE forgeflow.tasks SET payload = payload - 0, attempt = 0, due_at = $3, lease_owner = NULL,
       lease_expires_at = NULL, expires_at = NULL
     WHERE id = $1 AND lease_owner = $2 RETURNING jsonb_array_length(payload) AS left`,
    [taskId, worker, new Date(now)],
  );
  if (rows[0]?.left === 0)
    await q.query('DELETE FROM forgeflow.tasks WHERE id = $1 AND lease_owner IS NULL', [taskId]);
  else if (rows.length > 0) await q.query(`SELECT pg_notify('forgeflow_tasks', '')`);
}

/**
 * Whether a status has been tried too often to try again. A try whose worker died (the
 * sweeper released its lease) counts as a failed one, so a status whose post kills the worker
 * is given up like one the forge keeps refusing.
 */
export function triedOut(tries: number): boolean {
  return tries >= MAXIMUM_TRIES;
}
