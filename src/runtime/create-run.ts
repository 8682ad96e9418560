/**
 * Creating a run inside a transaction: its row, its spec (the graph and event it will always
 * finish on), every node pending with the count of its needs, and RunStarted. Then
 * `beginRun` starts it: its deadline task, its roots. Used for new runs (start-run.ts) and for
 * polling child runs, which their parent creates in its own transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Graph, StoredGraph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { startRoots } from './advance.js';
import type { Engine } from './engine.js';
import { insertTimerTask } from './schedule.js';
import { openScope, record, type TxScope } from './scope.js';
import { setRunStatus } from './store.js';
import type { ConfigSource } from '../contracts/run-control.js';
import type { AfterCommit, ParentLink, RunInfo } from './types.js';

export interface NewRun {
  graph: Graph;
  event: Event;
  idempotencyKey?: string;
  parent?: ParentLink;
  /** For a child continuing a chain: the run it continues (continue-as-new). */
  continuedFrom?: string;
  /** An absolute deadline (a poll's timeout, kept across its chain); else graph.timeout_ms from the start. */
  deadlineAt?: number | null;
  /** Where the config came from (the plan step's word); a child run has its parent's. */
  configSource?: ConfigSource;
}

/** Returns the new run's scope (open: the caller closes it), or the existing run's id for a repeated idempotency key. */
export async function createRun(
  q: Queryable,
  engine: Engine,
  after: AfterCommit,
  input: NewRun,
  now: number,
): Promise<{ scope: TxScope } | { existing: string }> {
  const id = engine.newRunId?.() ?? randomUUID();
  const { graph, event } = input;
  const at = new Date(now);
  const inserted = await q.query<{ id: string }>(
    `INSERT INTO forgeflow.runs (id, parent_run_id, parent_node_id, parent_attempt, pipeline, status, graph_hash,
       trigger, repo, sha, pr, idempotency_key, created_at, updated_at, unfinished_nodes)
     VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $12, $13)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id`,
    [
      id,
      input.parent?.runId ?? null,
      input.parent?.nodeId ?? null,
      input.parent?.attempt ?? null,
      graph.pipeline,
      graph.hash,
      graph.trigger.name,
      event.repo.full_name,
      event.sha ?? event.pr?.head_sha ?? null,
      event.pr?.number ?? null,
      input.idempotencyKey ?? null,
      at,
      graph.nodes.length,
    ],
  );
  if (inserted.rows.length === 0) {
    const { rows } = await q.query<{ id: string }>(
      'SELECT id FROM forgeflow.runs WHERE idempotency_key = $1',
      [input.idempotencyKey],
    );
    return { existing: rows[0]!.id };
  }
  await q.query(
    'INSERT INTO forgeflow.run_specs (run_id, graph, event, config_source) VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb)',
    [
      id,
      JSON.stringify(graph),
      JSON.stringify(event),
      input.configSource ? JSON.stringify(input.configSource) : null,
    ],
  );
  await q.query(
    `INSERT INTO forgeflow.nodes (run_id, node_id, status, waiting_on)
     SELECT $1, n.id, 'pending', n.waiting_on FROM jsonb_to_recordset($2::jsonb) AS n(id text, waiting_on int)`,
    [id, JSON.stringify(graph.nodes.map((n) => ({ id: n.id, waiting_on: n.needs.length })))],
  );
  const parent = input.parent ?? null;
  const run: RunInfo = {
    id,
    pipeline: graph.pipeline,
    graph,
    event,
    parent,
    status: 'queued',
    attempt: 1,
    stopping: null,
    group: null,
    ...(input.configSource ? { configSource: input.configSource } : {}),
  };
  // A worker in this process will need the graph next: it is already here.
  engine.cache.put(run);
  const scope = openScope(q, engine, now, run, after);
  record(scope, [
    {
      type: 'RunStarted',
      data: {
        pipeline: graph.pipeline,
        nodes: graph.nodes.map((n) => n.id),
        attempt: 1,
        ...(parent
          ? { parent: { run_id: parent.runId, node_id: parent.nodeId, attempt: parent.attempt } }
          : {}),
        ...(input.continuedFrom ? { continued_from: input.continuedFrom } : {}),
      },
    },
  ]);
  after.emit({ type: 'run:started', runId: id, pipeline: graph.pipeline });
  return { scope };
}

/**
 * Moves a created (or queued, or retried) run to running: its deadline is set from now (or
 * kept, for a poll chain), and the given ready nodes, by default its roots, are decided.
 */
export async function beginRun(
  scope: TxScope,
  deadlineAt: number | null,
  decide: (scope: TxScope) => Promise<void> = startRoots,
): Promise<void> {
  const { q, run, now } = scope;
  const moved = await setRunStatus(q, run.id, 'running', {
    started_at: new Date(now),
    updated_at: new Date(now),
    deadline_at: deadlineAt === null ? null : new Date(deadlineAt),
  });
  if (!moved) throw new Error(`run ${run.id} could not be started from ${run.status}`);
  run.status = 'running';
  if (deadlineAt !== null) await insertTimerTask(scope, '', 'deadline', deadlineAt);
  await decide(scope);
}

export function deadlineFrom(graph: Pick<StoredGraph, 'timeout_ms'>, now: number): number | null {
  return graph.timeout_ms === null ? null : now + graph.timeout_ms;
}
