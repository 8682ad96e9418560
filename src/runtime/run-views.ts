/**
 * What the API and the page read of runs: pages of run summaries (filtered, by the start of
 * their ids too; newest first; keyset-paged so a deep page costs what the first does), one run
 * in full (its nodes in graph order with attempts, the compiled graph's facts about each, its
 * children and parent), and the counts of node states a list shows.
 */
import type { Graph } from '../contracts/graph.js';
import { runIdRange } from '../contracts/run-id.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { conclusionOf, resultOf } from './node-context.js';
import { POLL_NODE } from './poll-start.js';
import { nodesOf, type NodeRow, type RunRow } from './queries.js';
import { FINAL_NODE_STATES, type NodeStatus, type RunStatus, type StopStatus } from './states.js';

export interface RunFilter {
  repo?: string;
  pipeline?: string;
  status?: RunStatus;
  trigger?: string;
  /** A full sha or a prefix of at least 7 hex digits. */
  sha?: string;
  /** The start of a run id (contracts/run-id.ts). */
  idPrefix?: string;
  pr?: number;
  since?: Date;
  /** Include polling child runs. */
  children?: boolean;
  /** Rows strictly older than this keyset. */
  before?: { at: Date; id: string };
  limit: number;
}

export interface NodeCounts {
  total: number;
  succeeded: number;
  running: number;
  failed: number;
  waiting: number;
  other: number;
}

export type RunSummary = RunRow & { nodes: NodeCounts };

const COLUMNS = `id, parent_run_id, parent_node_id, pipeline, status, trigger, repo, sha, pr, attempt,
  error, created_at, started_at, finished_at`;

/** One page, newest first; `limit + 1` rows are read to know whether there is another. */
export async function listRunSummaries(
  q: Queryable,
  filter: RunFilter,
): Promise<{ runs: RunSummary[]; more: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (!filter.children) where.push('parent_run_id IS NULL');
  if (filter.repo !== undefined) add('repo = ?', filter.repo);
  if (filter.pipeline !== undefined) add('pipeline = ?', filter.pipeline);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.trigger !== undefined) add('trigger = ?', filter.trigger);
  if (filter.pr !== undefined) add('pr = ?', filter.pr);
  if (filter.since !== undefined) add('created_at >= ?', filter.since);
  if (filter.sha !== undefined) {
    if (filter.sha.length === 40) add('sha = ?', filter.sha);
    else add('sha LIKE ?', `${filter.sha}%`);
  }
  if (filter.idPrefix !== undefined) {
    // A range on the primary key, not LIKE on its text: the index finds the few runs it holds.
    const { low, high } = runIdRange(filter.idPrefix);
    add('id >= ?::uuid', low);
    add('id <= ?::uuid', high);
  }
  if (filter.before !== undefined) {
    params.push(filter.before.at, filter.before.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(filter.limit + 1);
  const { rows } = await q.query<RunRow>(
    `SELECT ${COLUMNS} FROM forgeflow.runs
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const counts = await nodeCounts(
    q,
    page.map((r) => r.id),
  );
  return {
    runs: page.map((r) => ({ ...r, nodes: counts.get(r.id) ?? emptyCounts() })),
    more: rows.length > filter.limit,
  };
}

function emptyCounts(): NodeCounts {
  return { total: 0, succeeded: 0, running: 0, failed: 0, waiting: 0, other: 0 };
}

const BUCKET: Record<NodeStatus, keyof Omit<NodeCounts, 'total'>> = {
  succeeded: 'succeeded',
  running: 'running',
  retrying: 'running',
  failed: 'failed',
  timed_out: 'failed',
  waiting: 'waiting',
  scheduled: 'waiting',
  pending: 'other',
  skipped: 'other',
  canceled: 'other',
};

async function nodeCounts(q: Queryable, runIds: string[]): Promise<Map<string, NodeCounts>> {
  const counts = new Map<string, NodeCounts>();
  if (runIds.length === 0) return counts;
  const { rows } = await q.query<{ run_id: string; status: NodeStatus; n: number }>(
    `SELECT run_id, status, count(*)::int AS n FROM forgeflow.nodes
     WHERE run_id = ANY($1::uuid[]) GROUP BY run_id, status`,
    [runIds],
  );
  for (const row of rows) {
    const c = counts.get(row.run_id) ?? emptyCounts();
    c.total += row.n;
    c[BUCKET[row.status]] += row.n;
    counts.set(row.run_id, c);
  }
  return counts;
}

export interface NodeView extends Omit<NodeRow, 'node_id'> {
  id: string;
  job: string;
  name: string;
  matrix: Record<string, unknown> | null;
  needs: string[];
  kind: 'activity' | 'timer' | 'signal' | 'poll';
  handler: string | null;
  polls: boolean;
  report: string | null;
  /** GitHub's conclusion once the node has ended (node-context.ts conclusionOf); `status` is the outcome. */
  result: string | null;
  continue_on_error: boolean;
  children: string[];
}

export interface ChildView {
  id: string;
  node_id: string;
  status: RunStatus;
  created_at: Date;
  finished_at: Date | null;
  /** Poll calls that answered in this child run (each an attempt of its poll node). */
  polls: number;
}

export interface RunDetail extends RunSummary {
  stopping: StopStatus | null;
  concurrency_group: string | null;
  history_length: number;
  deadline_at: Date | null;
  event: Event;
  graph: Graph;
  parent: { run_id: string; node_id: string } | null;
  children: ChildView[];
  node_list: NodeView[];
}

export async function runDetail(q: Queryable, id: string): Promise<RunDetail | undefined> {
  const { rows } = await q.query<
    RunRow & {
      stopping: StopStatus | null;
      concurrency_group: string | null;
      history_length: number;
      deadline_at: Date | null;
      graph: Graph;
      event: Event;
    }
  >(
    `SELECT r.id, r.parent_run_id, r.parent_node_id, r.pipeline, r.status, r.trigger, r.repo, r.sha,
            r.pr, r.attempt, r.error, r.created_at, r.started_at, r.finished_at, r.stopping,
            r.concurrency_group, r.history_length, r.deadline_at, g.graph, s.event
     FROM forgeflow.runs r JOIN forgeflow.run_specs s ON s.run_id = r.id
       JOIN forgeflow.graphs g ON g.hash = r.graph_hash
     WHERE r.id = $1`,
    [id],
  );
  const run = rows[0];
  if (!run) return undefined;
  const [nodes, children] = await Promise.all([
    nodesOf(q, id),
    // Counted as poll-iteration.ts counts them: each answered call is a succeeded attempt.
    q.query<ChildView>(
      `SELECT r.id, r.parent_node_id AS node_id, r.status, r.created_at, r.finished_at,
              (SELECT count(*)::int FROM forgeflow.attempts a
               WHERE a.run_id = r.id AND a.node_id = $2 AND a.status = 'succeeded') AS polls
       FROM forgeflow.runs r WHERE r.parent_run_id = $1 ORDER BY r.created_at, r.id`,
      [id, POLL_NODE],
    ),
  ]);
  const byNode = new Map(nodes.map((n) => [n.node_id, n]));
  const counts = emptyCounts();
  const list: NodeView[] = run.graph.nodes.map((def) => {
    const row = byNode.get(def.id);
    const status: NodeStatus = row?.status ?? 'pending';
    counts.total++;
    counts[BUCKET[status]]++;
    const action = def.action;
    return {
      id: def.id,
      job: def.job,
      name: def.name,
      matrix: def.matrix,
      needs: def.needs,
      kind: action.kind,
      handler: action.kind === 'activity' || action.kind === 'poll' ? action.handler : null,
      polls: action.kind === 'activity' && action.poll !== null,
      report: row?.report ?? def.report,
      status,
      result: FINAL_NODE_STATES.includes(status) ? resultOf([conclusionOf(def, status)]) : null,
      continue_on_error: def.continue_on_error === true,
      attempt: row?.attempt ?? 0,
      failures: row?.failures ?? 0,
      input: row?.input ?? null,
      output: row?.output ?? null,
      error: row?.error ?? null,
      heartbeat_details: row?.heartbeat_details ?? null,
      scheduled_at: row?.scheduled_at ?? null,
      started_at: row?.started_at ?? null,
      finished_at: row?.finished_at ?? null,
      attempts: row?.attempts ?? [],
      children: children.rows.filter((c) => c.node_id === def.id).map((c) => c.id),
    };
  });
  const { graph, event, ...rest } = run;
  return {
    ...rest,
    graph,
    event,
    nodes: counts,
    parent:
      run.parent_run_id === null
        ? null
        : { run_id: run.parent_run_id, node_id: run.parent_node_id ?? '' },
    children: children.rows,
    node_list: list,
  };
}
