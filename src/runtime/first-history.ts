/**
 * The first events of the runs a batch starts set-based (start-plan.ts): RunStarted, then
 * NodeScheduled for each root in graph order, as the per-run path records them. They are written
 * with one statement and numbered 1..n, their run rows having been inserted with that count
 * (insertRuns' historyLength): appendHistories (history.ts) numbers events from each run row's
 * counter, which means updating every row it writes for, and for a batch of brand-new rows that
 * update cost as much as the rest of the start.
 */
import type { Queryable } from '../db/db.js';
import type { HistoryEvent } from './history.js';
import type { PlannedStart } from './start-plan.js';

export function firstEvents(plan: PlannedStart, now: number): HistoryEvent[] {
  const { run, roots } = plan;
  const dueAt = new Date(now).toISOString();
  return [
    {
      type: 'RunStarted',
      data: { pipeline: run.pipeline, nodes: run.graph.nodes.map((n) => n.id), attempt: 1 },
    },
    ...roots.map(({ node }): HistoryEvent => ({
      type: 'NodeScheduled',
      node: node.id,
      attempt: 1,
      data: { due_at: dueAt },
    })),
  ];
}

export async function insertFirstHistory(
  q: Queryable,
  runs: readonly { runId: string; events: readonly HistoryEvent[] }[],
  now: number,
): Promise<void> {
  const rows = runs.flatMap(({ runId, events }) =>
    events.map((e, i) => ({
      run: runId,
      seq: i + 1,
      type: e.type,
      node: 'node' in e ? e.node : null,
      attempt: 'attempt' in e ? (e.attempt ?? null) : null,
      data: e.data,
    })),
  );
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO forgeflow.history (run_id, seq, type, node_id, attempt, at, data)
     SELECT h.run, h.seq, h.type, h.node, h.attempt, $2, h.data
     FROM jsonb_to_recordset($1::jsonb) AS h(run uuid, seq int, type text, node text, attempt int, data jsonb)`,
    [JSON.stringify(rows), new Date(now)],
  );
}
