/**
 * Starting a run: the compiled graph and the event are stored with it (a run always finishes on
 * the graph it started with), every node is created pending with the count of its needs, and
 * the roots are scheduled, all in one transaction. An idempotency key makes a repeated start
 * return the first run.
 */
import { randomUUID } from 'node:crypto';
import type { Graph } from '../compiler/graph.js';
import type { Db } from '../db/db.js';
import type { Event } from '../events/event.js';
import { closeScope, notifyIfNeeded, openScope, record, startRoots } from './advance.js';
import { AfterCommit, type RunInfo, type RuntimeSettings } from './types.js';

export interface StartRunInput {
  graph: Graph;
  event: Event;
  idempotencyKey?: string;
  parent?: { runId: string; nodeId: string };
}

export interface StartedRun {
  runId: string;
  /** False when the idempotency key matched an existing run, which is returned instead. */
  created: boolean;
}

export async function startRun(
  db: Db,
  input: StartRunInput,
  now: number,
  settings: RuntimeSettings,
): Promise<{ started: StartedRun; after: AfterCommit }> {
  const after = new AfterCommit();
  const started = await db.tx(async (q) => {
    const id = randomUUID();
    const { graph, event } = input;
    const at = new Date(now);
    const inserted = await q.query<{ id: string }>(
      `INSERT INTO forgeflow.runs (id, parent_run_id, parent_node_id, pipeline, status, graph_hash,
         trigger, repo, sha, pr, idempotency_key, created_at, started_at, deadline_at, updated_at, unfinished_nodes)
       VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9, $10, $11, $11, $12, $11, $13)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [
        id,
        input.parent?.runId ?? null,
        input.parent?.nodeId ?? null,
        graph.pipeline,
        graph.hash,
        graph.trigger.name,
        event.repo.full_name,
        event.sha ?? event.pr?.head_sha ?? null,
        event.pr?.number ?? null,
        input.idempotencyKey ?? null,
        at,
        graph.timeout_ms === null ? null : new Date(now + graph.timeout_ms),
        graph.nodes.length,
      ],
    );
    if (inserted.rows.length === 0) {
      const { rows } = await q.query<{ id: string }>(
        'SELECT id FROM forgeflow.runs WHERE idempotency_key = $1',
        [input.idempotencyKey],
      );
      return { runId: rows[0]!.id, created: false };
    }
    await q.query(
      'INSERT INTO forgeflow.run_specs (run_id, graph, event) VALUES ($1, $2::jsonb, $3::jsonb)',
      [id, JSON.stringify(graph), JSON.stringify(event)],
    );
    await q.query(
      `INSERT INTO forgeflow.nodes (run_id, node_id, status, waiting_on)
       SELECT $1, n.id, 'pending', n.waiting_on FROM jsonb_to_recordset($2::jsonb) AS n(id text, waiting_on int)`,
      [id, JSON.stringify(graph.nodes.map((n) => ({ id: n.id, waiting_on: n.needs.length })))],
    );
    const run: RunInfo = {
      id,
      pipeline: graph.pipeline,
      graph,
      event,
      attempt: 1,
      cancelRequested: false,
    };
    const scope = openScope(q, now, run, settings, after);
    await record(scope, [
      {
        type: 'RunStarted',
        data: { pipeline: graph.pipeline, nodes: graph.nodes.map((n) => n.id), attempt: 1 },
      },
    ]);
    after.emit({ type: 'run:started', runId: id, pipeline: graph.pipeline });
    await startRoots(scope);
    await closeScope(scope);
    await notifyIfNeeded(q, after);
    return { runId: id, created: true };
  });
  return { started, after };
}
