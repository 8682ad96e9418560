/**
 * Retrying a finished run: its failed, timed-out, canceled and skipped nodes, and every node
 * downstream of them, go back to pending and run again from where the run stopped; every other
 * succeeded node keeps its output. New attempts are numbered on from the old ones, which stay
 * in the record. A run with nothing failed is left alone: a retry never means "everything".
 * A run of a concurrency group arrives in its group again, as a new run would.
 */
import { acceptNodes, decideReady } from './advance.js';
import { arrive } from './concurrency.js';
import { beginRun, deadlineFrom } from './create-run.js';
import { downstreamOf, entriesWaitingOn, nodeDef, sortByGraph } from './graph-index.js';
import { record, type TxScope } from './scope.js';
import {
  ACTIVE_RUN_STATES,
  NODE_TRANSITIONS,
  sourcesOf,
  type NodeStatus,
  type RunStatus,
} from './states.js';

export type RetryResult =
  | { outcome: 'retried'; attempt: number; nodes: string[]; queued: boolean }
  | { outcome: 'nothing-to-retry' }
  | { outcome: 'not-finished'; status: RunStatus }
  | { outcome: 'not-retryable'; reason: string };

/** What a retry re-runs, with everything downstream of it. */
const RETRIED: readonly NodeStatus[] = ['failed', 'timed_out', 'canceled'];

export async function retryRun(scope: TxScope): Promise<RetryResult> {
  const { q, run, now } = scope;
  if (run.parent !== null)
    return {
      outcome: 'not-retryable',
      reason: `run ${run.id} polls for node ${run.parent.nodeId} of run ${run.parent.runId}: retry that run`,
    };
  if (run.status === 'continued')
    return { outcome: 'not-retryable', reason: `run ${run.id} continued as a new run` };
  if (ACTIVE_RUN_STATES.includes(run.status))
    return { outcome: 'not-finished', status: run.status };
  const { rows: length } = await q.query<{ history_length: number }>(
    'SELECT history_length FROM forgeflow.runs WHERE id = $1',
    [run.id],
  );
  if ((length[0]?.history_length ?? 0) >= scope.settings.maxHistoryEvents)
    return {
      outcome: 'not-retryable',
      reason: `its history holds ${length[0]?.history_length} events, the most a run may: start a new run`,
    };
  const { rows } = await q.query<{ node_id: string; status: NodeStatus }>(
    'SELECT node_id, status FROM forgeflow.nodes WHERE run_id = $1',
    [run.id],
  );
  // Skipped nodes are re-run when downstream of what failed; in a stopped run also those the
  // stop skipped. A node its own `if:` left out of a successful run stays as it was.
  const stopped = run.status === 'canceled' || run.status === 'timed_out';
  const failed = rows
    .filter((r) => RETRIED.includes(r.status) || (stopped && r.status === 'skipped'))
    .map((r) => r.node_id);
  if (failed.length === 0) return { outcome: 'nothing-to-retry' };
  const reset = new Set([...failed, ...downstreamOf(run, failed)]);
  const nodes = sortByGraph(run, reset);
  const waiting = nodes.map((id) => ({
    id,
    waiting_on: entriesWaitingOn(run, nodeDef(run, id), reset),
  }));
  const { rowCount } = await q.query(
    `UPDATE forgeflow.nodes n SET status = 'pending', waiting_on = r.waiting_on, failures = 0,
       lost_attempts = 0, input = NULL, output_seq = NULL, error = NULL, heartbeat_details = NULL,
       scheduled_at = NULL, started_at = NULL, finished_at = NULL, deadline_at = NULL
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, waiting_on int)
     WHERE n.run_id = $1 AND n.node_id = r.id AND n.status = ANY($3::text[])`,
    [run.id, JSON.stringify(waiting), sourcesOf(NODE_TRANSITIONS, 'pending')],
  );
  if (rowCount !== nodes.length)
    throw new Error(`run ${run.id}: not every node to retry was reset`);
  const attempt = run.attempt + 1;
  await q.query(
    `UPDATE forgeflow.runs SET attempt = $2, stopping = NULL, error = NULL, finished_at = NULL,
       unfinished_nodes = $3, updated_at = $4 WHERE id = $1`,
    [run.id, attempt, nodes.length, new Date(now)],
  );
  run.attempt = attempt;
  run.stopping = null;
  record(scope, [{ type: 'RunRetried', data: { attempt, nodes } }]);
  scope.after.emit({ type: 'run:retried', runId: run.id, attempt, nodes });
  const concurrency = run.graph.concurrency;
  if (concurrency !== null && run.group !== null) {
    if ((await arrive(scope, run.group, concurrency.cancel_in_progress)) === 'queued')
      return { outcome: 'retried', attempt, nodes, queued: true };
  }
  const ready = waiting.filter((w) => w.waiting_on === 0).map((w) => w.id);
  await beginRun(scope, deadlineFrom(run.graph, now), async (s) => {
    await acceptNodes(s, nodes);
    await decideReady(s, ready);
  });
  return { outcome: 'retried', attempt, nodes, queued: false };
}
