/** Reading runs: one run with its nodes and attempts, a page of runs, a page of history. */
import type { Queryable } from '../db/db.js';
import type { ErrorInfo } from '../contracts/errors.js';
import type { StoredGraph } from '../contracts/graph.js';
import { nodeOutputSql } from './node-outputs.js';
import type { AttemptStatus, NodeStatus, RunStatus } from './states.js';

export interface RunRow {
  id: string;
  parent_run_id: string | null;
  parent_node_id: string | null;
  pipeline: string;
  status: RunStatus;
  trigger: string;
  repo: string;
  sha: string | null;
  pr: number | null;
  attempt: number;
  error: ErrorInfo | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface AttemptRow {
  attempt: number;
  status: AttemptStatus;
  worker: string;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  error: ErrorInfo | null;
}

export interface NodeRow {
  node_id: string;
  status: NodeStatus;
  attempt: number;
  failures: number;
  input: unknown;
  output: unknown;
  error: ErrorInfo | null;
  heartbeat_details: unknown;
  scheduled_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  attempts: AttemptRow[];
}

export interface HistoryRow {
  seq: number;
  type: string;
  node_id: string | null;
  attempt: number | null;
  at: Date;
  data: Record<string, unknown>;
}

const RUN_COLUMNS = `id, parent_run_id, parent_node_id, pipeline, status, trigger, repo, sha, pr, attempt,
  error, created_at, started_at, finished_at`;

export async function getRun(
  q: Queryable,
  id: string,
): Promise<(RunRow & { nodes: NodeRow[] }) | undefined> {
  const { rows } = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM forgeflow.runs WHERE id = $1`,
    [id],
  );
  const run = rows[0];
  if (!run) return undefined;
  return { ...run, nodes: await nodesOf(q, id) };
}

/** A run's node rows, each with its attempts in order (one query each, grouped in one pass). */
export async function nodesOf(
  q: Queryable,
  runId: string,
): Promise<(NodeRow & { report: string | null })[]> {
  const [nodes, attempts] = await Promise.all([
    q.query<Omit<NodeRow, 'attempts'> & { report: string | null }>(
      `SELECT n.node_id, n.status, n.attempt, n.failures, n.input, ${nodeOutputSql('n')} AS output,
              n.error, n.heartbeat_details, n.scheduled_at, n.started_at, n.finished_at, n.report
       FROM forgeflow.nodes n WHERE n.run_id = $1`,
      [runId],
    ),
    q.query<AttemptRow & { node_id: string }>(
      `SELECT node_id, attempt, status, worker, started_at, finished_at, heartbeat_at, error
       FROM forgeflow.attempts WHERE run_id = $1 ORDER BY node_id, attempt`,
      [runId],
    ),
  ]);
  const byNode = new Map<string, AttemptRow[]>();
  for (const { node_id, ...attempt } of attempts.rows) {
    const list = byNode.get(node_id);
    if (list) list.push(attempt);
    else byNode.set(node_id, [attempt]);
  }
  return nodes.rows.map((n) => ({ ...n, attempts: byNode.get(n.node_id) ?? [] }));
}

export async function listRuns(
  q: Queryable,
  options: { limit?: number; status?: RunStatus } = {},
): Promise<RunRow[]> {
  const { rows } = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM forgeflow.runs WHERE ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id DESC LIMIT $1`,
    [Math.min(options.limit ?? 50, 500), options.status ?? null],
  );
  return rows;
}

/** The newest top-level run of a pull request, leaving out one pipeline (the plan runs). */
export async function latestRunOf(
  q: Queryable,
  where: { repo: string; pr: number; exceptPipeline: string },
): Promise<RunRow | undefined> {
  const { rows } = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM forgeflow.runs
     WHERE repo = $1 AND pr = $2 AND parent_run_id IS NULL AND pipeline <> $3
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    [where.repo, where.pr, where.exceptPipeline],
  );
  return rows[0];
}

export async function runHistory(
  q: Queryable,
  id: string,
  options: { after?: number; limit?: number } = {},
): Promise<HistoryRow[]> {
  const { rows } = await q.query<HistoryRow>(
    `SELECT seq, type, node_id, attempt, at, data FROM forgeflow.history
     WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [id, options.after ?? 0, Math.min(options.limit ?? 1_000, 10_000)],
  );
  return rows;
}

/** The graph a run executes, as stored with it; undefined when there is no such run. */
export async function runGraph(q: Queryable, id: string): Promise<StoredGraph | undefined> {
  const { rows } = await q.query<{ graph: StoredGraph }>(
    `SELECT g.graph FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash
     WHERE r.id = $1`,
    [id],
  );
  return rows[0]?.graph;
}

export async function runExists(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM forgeflow.runs WHERE id = $1', [id]);
  return rows.length > 0;
}

/** Tasks due at `now` and not yet claimed, by kind; and when the oldest of them fell due. */
/** A run's nodes that ran, with when (for the metrics and spans of a run that ended). */
export interface NodeTimes {
  node_id: string;
  status: NodeStatus;
  attempt: number;
  started_at: Date;
  finished_at: Date;
}

export async function nodeTimes(q: Queryable, runId: string): Promise<NodeTimes[]> {
  const { rows } = await q.query<NodeTimes>(
    `SELECT node_id, status, attempt, started_at, finished_at FROM forgeflow.nodes
     WHERE run_id = $1 AND started_at IS NOT NULL AND finished_at IS NOT NULL`,
    [runId],
  );
  return rows;
}

export async function dueTasks(
  q: Queryable,
  now: Date,
): Promise<{ byKind: Map<string, number>; oldestDue: Date | null }> {
  const { rows } = await q.query<{ kind: string; n: number; due: Date }>(
    `SELECT kind, count(*)::int AS n, min(due_at) AS due FROM forgeflow.tasks
     WHERE lease_owner IS NULL AND due_at <= $1 GROUP BY kind`,
    [now],
  );
  let oldestDue: Date | null = null;
  for (const row of rows) if (oldestDue === null || row.due < oldestDue) oldestDue = row.due;
  return { byKind: new Map(rows.map((row) => [row.kind, row.n])), oldestDue };
}
