/**
 * The immutable part of a run (graph, event, pipeline, parent), loaded once per process. Safe
 * to cache: a run never changes its graph or event, and a graph's hash names its content. The
 * cache is bounded; evicted runs and graphs are re-read.
 */
import type { StoredGraph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { LockedRun } from './run-lock.js';
import type { ConfigSource } from '../contracts/run-control.js';
import type { RunInfo, RunSpec } from './types.js';

interface SpecRow {
  id: string;
  pipeline: string;
  graph_hash: string;
  /** Null when this process had the graph already. */
  graph: StoredGraph | null;
  event: Event;
  parent_run_id: string | null;
  parent_node_id: string | null;
  parent_attempt: number | null;
  config_source: ConfigSource | null;
}

export class RunCache {
  private readonly runs = new Map<string, RunSpec>();
  /**
   * Graphs read from the database, by their hash (migration 0009): runs of one pipeline share
   * one graph object (and its index, graph-index.ts), read and parsed once.
   */
  private readonly graphs = new Map<string, StoredGraph>();

  /** `limit`: runs kept; the oldest is evicted first. */
  constructor(
    private readonly limit = 2_000,
    private readonly graphLimit = 200,
  ) {}

  async load(
    q: Queryable,
    ids: readonly string[],
    locked: ReadonlyMap<string, LockedRun>,
  ): Promise<Map<string, RunInfo>> {
    const specs = await this.specs(q, ids);
    const result = new Map<string, RunInfo>();
    for (const id of ids) {
      const spec = specs.get(id);
      const state = locked.get(id);
      if (spec && state)
        result.set(id, {
          ...spec,
          status: state.status,
          attempt: state.attempt,
          stopping: state.stopping,
          group: state.concurrency_group,
        });
    }
    return result;
  }

  /** The specs of these runs (those that exist), from the cache or the database. */
  async specs(q: Queryable, ids: readonly string[]): Promise<Map<string, RunSpec>> {
    // Taken from the cache before the query: while it runs, other transactions put new runs
    // in and may evict these (a run looked up after the await could be gone, and its task
    // would be dropped as if the run had ended). Graphs likewise.
    const found = new Map<string, RunSpec>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const spec = this.runs.get(id);
      if (spec) found.set(id, spec);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const graphs = new Map(this.graphs);
      const { rows } = await q.query<SpecRow>(
        `SELECT r.id, r.pipeline, r.graph_hash,
           CASE WHEN r.graph_hash = ANY($2::text[]) THEN NULL ELSE g.graph END AS graph,
           s.event, r.parent_run_id, r.parent_node_id, r.parent_attempt, s.config_source
         FROM forgeflow.runs r JOIN forgeflow.run_specs s ON s.run_id = r.id
           JOIN forgeflow.graphs g ON g.hash = r.graph_hash
         WHERE r.id = ANY($1::uuid[])`,
        [missing, [...graphs.keys()]],
      );
      for (const row of rows) {
        let graph = graphs.get(row.graph_hash);
        if (graph === undefined) {
          graph = row.graph!;
          graphs.set(row.graph_hash, graph);
          this.putGraph(row.graph_hash, graph);
        }
        const spec: RunSpec = {
          id: row.id,
          pipeline: row.pipeline,
          graph,
          event: row.event,
          parent:
            row.parent_run_id === null
              ? null
              : {
                  runId: row.parent_run_id,
                  nodeId: row.parent_node_id ?? '',
                  attempt: row.parent_attempt ?? 0,
                },
          ...(row.config_source ? { configSource: row.config_source } : {}),
        };
        this.put(spec);
        found.set(row.id, spec);
      }
    }
    return found;
  }

  /** The spec if this process has it, without asking the database. */
  peek(id: string): RunSpec | undefined {
    return this.runs.get(id);
  }

  private putGraph(hash: string, graph: StoredGraph): void {
    if (this.graphs.size >= this.graphLimit) this.graphs.delete(this.graphs.keys().next().value!);
    this.graphs.set(hash, graph);
  }

  put(spec: RunSpec): void {
    if (this.runs.size >= this.limit) this.runs.delete(this.runs.keys().next().value!);
    const { id, pipeline, graph, event, parent, configSource } = spec;
    this.runs.set(id, {
      id,
      pipeline,
      graph,
      event,
      parent,
      ...(configSource ? { configSource } : {}),
    });
  }
}
