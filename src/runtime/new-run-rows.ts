/**
 * The rows of new runs, each kind written for many runs in one statement: the run rows with their
 * graphs, the specs, the nodes. One run (create-run.ts) and a batch of starts (start-batch.ts)
 * write them the same way. A graph is stored once, in forgeflow.graphs, under the sha256 of its
 * jsonb text (migration 0009), computed by Postgres so that old and new rows agree on it.
 */
import type { StoredGraph } from '../contracts/graph.js';
import type { ConfigSource } from '../contracts/run-control.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { ParentLink } from './types.js';

export interface RunRow {
  id: string;
  graph: StoredGraph;
  event: Event;
  parent: ParentLink | null;
  idempotencyKey?: string | undefined;
  /** Created queued (beginRun moves it on), or already running from `now`. */
  status: 'queued' | 'running';
  deadlineAt: number | null;
  /** History events the caller writes numbered from 1 (first-history.ts); else 0. */
  historyLength?: number;
}

/**
 * The runs' graphs are stored by the same statement, and only those of runs it inserted: a start
 * whose idempotency key already has a run adds nothing. Rows go in idempotency-key order, so two
 * batches sharing keys take their locks in one order. Returns the ids inserted.
 */
const INSERT_RUNS = `WITH g AS (
       SELECT g.i, g.graph, encode(sha256(convert_to(g.graph::text, 'UTF8')), 'hex') AS hash
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS g(graph, i)),
     r AS (
       INSERT INTO forgeflow.runs (id, parent_run_id, parent_node_id, parent_attempt, pipeline, status,
         graph_hash, trigger, repo, sha, pr, idempotency_key, created_at, updated_at, started_at,
         deadline_at, unfinished_nodes, history_length)
       SELECT r.id, r.parent_run, r.parent_node, r.parent_attempt, r.pipeline, r.status, g.hash,
         r.trigger, r.repo, r.sha, r.pr, r.key, $3, $3, CASE WHEN r.status = 'running' THEN $3::timestamptz END,
         r.deadline_at, r.nodes, r.events
       FROM jsonb_to_recordset($1::jsonb) AS r(n int, id uuid, parent_run uuid, parent_node text,
         parent_attempt int, pipeline text, status text, graph int, trigger text, repo text, sha text,
         pr int, key text, deadline_at timestamptz, nodes int, events int)
       JOIN g ON g.i = r.graph
       ORDER BY r.n
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id, graph_hash),
     stored AS (
       INSERT INTO forgeflow.graphs (hash, graph)
       SELECT DISTINCT ON (hash) hash, graph FROM g WHERE hash IN (SELECT graph_hash FROM r) ORDER BY hash
       ON CONFLICT (hash) DO NOTHING)
     SELECT id FROM r`;

export async function insertRuns(
  q: Queryable,
  runs: readonly RunRow[],
  now: number,
): Promise<Set<string>> {
  if (runs.length === 0) return new Set();
  // Each distinct graph object is sent (and hashed) once: a batch's runs mostly share one.
  const graphs = new Map<StoredGraph, number>();
  const texts: string[] = [];
  const graphIndex = (graph: StoredGraph) => {
    let i = graphs.get(graph);
    if (i === undefined) {
      texts.push(JSON.stringify(graph));
      graphs.set(graph, (i = texts.length));
    }
    return i;
  };
  const keyOf = (run: RunRow) => run.idempotencyKey ?? '';
  const ordered = [...runs].sort((a, b) =>
    keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0,
  );
  const rows = ordered.map((run, n) => ({
    n,
    id: run.id,
    parent_run: run.parent?.runId ?? null,
    parent_node: run.parent?.nodeId ?? null,
    parent_attempt: run.parent?.attempt ?? null,
    pipeline: run.graph.pipeline,
    status: run.status,
    graph: graphIndex(run.graph),
    trigger: run.graph.trigger.name,
    repo: run.event.repo.full_name,
    sha: run.event.sha ?? run.event.pr?.head_sha ?? null,
    pr: run.event.pr?.number ?? null,
    key: run.idempotencyKey ?? null,
    deadline_at: run.deadlineAt === null ? null : new Date(run.deadlineAt).toISOString(),
    nodes: run.graph.nodes.length,
    events: run.historyLength ?? 0,
  }));
  const { rows: inserted } = await q.query<{ id: string }>(INSERT_RUNS, [
    JSON.stringify(rows),
    `[${texts.join(',')}]`,
    new Date(now),
  ]);
  return new Set(inserted.map((r) => r.id));
}

/** The runs (among these keys) that already hold an idempotency key: key → run id. */
export async function runsByKey(
  q: Queryable,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { rows } = await q.query<{ id: string; idempotency_key: string }>(
    'SELECT id, idempotency_key FROM forgeflow.runs WHERE idempotency_key = ANY($1::text[])',
    [keys],
  );
  return new Map(rows.map((r) => [r.idempotency_key, r.id]));
}

export interface SpecRow {
  runId: string;
  event: Event;
  configSource?: ConfigSource | undefined;
}

/** Each distinct event object is sent once; every run's spec row holds its own copy. */
export async function insertSpecs(q: Queryable, specs: readonly SpecRow[]): Promise<void> {
  if (specs.length === 0) return;
  const events = new Map<Event, number>();
  const texts: string[] = [];
  const rows = specs.map((spec) => {
    let i = events.get(spec.event);
    if (i === undefined) {
      texts.push(JSON.stringify(spec.event));
      events.set(spec.event, (i = texts.length));
    }
    return { run: spec.runId, event: i, config: spec.configSource ?? null };
  });
  await q.query(
    `INSERT INTO forgeflow.run_specs (run_id, event, config_source)
     SELECT s.run, e.event, s.config
     FROM jsonb_to_recordset($1::jsonb) AS s(run uuid, event int, config jsonb)
     JOIN jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(event, i) ON e.i = s.event`,
    [JSON.stringify(rows), `[${texts.join(',')}]`],
  );
}

/**
 * A new node: pending with the count of its needs, or, for a root a batch of starts decided
 * already, scheduled for its first attempt (as scheduleAttempt in schedule.ts leaves it).
 */
export interface NodeRow {
  run: string;
  node: string;
  waiting_on: number;
  scheduled?: { input: unknown; deadline_at: string | null };
}

export async function insertNodes(
  q: Queryable,
  nodes: readonly NodeRow[],
  now: number,
): Promise<void> {
  if (nodes.length === 0) return;
  await q.query(
    `INSERT INTO forgeflow.nodes (run_id, node_id, status, waiting_on, attempt, input, scheduled_at, deadline_at)
     SELECT n.run, n.node, CASE WHEN n.scheduled IS NULL THEN 'pending' ELSE 'scheduled' END, n.waiting_on,
       CASE WHEN n.scheduled IS NULL THEN 0 ELSE 1 END, n.scheduled -> 'input',
       CASE WHEN n.scheduled IS NULL THEN NULL ELSE $2::timestamptz END,
       (n.scheduled ->> 'deadline_at')::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS n(run uuid, node text, waiting_on int, scheduled jsonb)`,
    [JSON.stringify(nodes), new Date(now)],
  );
}
