/**
 * The immutable part of a run (graph, event, pipeline), loaded once per process. Safe to cache:
 * a run never changes its graph or event. The cache is bounded; evicted runs are re-read.
 */
import type { Graph } from '../compiler/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { RunInfo } from './types.js';

const LIMIT = 2_000;

export class RunCache {
  private readonly runs = new Map<string, Omit<RunInfo, 'attempt' | 'cancelRequested'>>();

  async load(
    q: Queryable,
    ids: readonly string[],
    locked: ReadonlyMap<string, { attempt: number; cancel_requested: boolean }>,
  ): Promise<Map<string, RunInfo>> {
    const missing = [...new Set(ids)].filter((id) => !this.runs.has(id));
    if (missing.length > 0) {
      const { rows } = await q.query<{ id: string; pipeline: string; graph: Graph; event: Event }>(
        `SELECT r.id, r.pipeline, s.graph, s.event FROM forgeflow.runs r
         JOIN forgeflow.run_specs s ON s.run_id = r.id WHERE r.id = ANY($1::uuid[])`,
        [missing],
      );
      for (const row of rows) this.put(row);
    }
    const result = new Map<string, RunInfo>();
    for (const id of ids) {
      const info = this.runs.get(id);
      const state = locked.get(id);
      if (info)
        result.set(id, {
          ...info,
          attempt: state?.attempt ?? 1,
          cancelRequested: state?.cancel_requested ?? false,
        });
    }
    return result;
  }

  put(info: Omit<RunInfo, 'attempt' | 'cancelRequested'>): void {
    if (this.runs.size >= LIMIT) this.runs.delete(this.runs.keys().next().value!);
    this.runs.set(info.id, {
      id: info.id,
      pipeline: info.pipeline,
      graph: info.graph,
      event: info.event,
    });
  }
}
