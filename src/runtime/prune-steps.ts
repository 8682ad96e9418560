/**
 * Pruning as steps, each over its own tables in batches: the runtime's (runs, their graphs,
 * the tombstones of pruned runs) here, and whatever the edges add (the webhooks' deliveries and
 * side tables, src/webhooks/prune.ts). The pruner (pruner.ts) runs them in order.
 */
import type { Db } from '../db/db.js';
import { PRUNED_RUN_STATUSES, type Retention } from '../contracts/retention.js';
import { countPrunableGraphs, pruneGraphBatch } from './prune-graphs.js';
import { countPrunableRuns, pruneRunBatch, type RunCutoffs } from './prune-runs.js';
import { countPrunableTombstones, pruneTombstoneBatch } from './tombstones.js';

/** What a pass deleted (or, counting, would delete), by what it is: `runs`, `deliveries`, … */
export type PruneCounts = Record<string, number>;

export interface PruneStep {
  /**
   * One short transaction: deletes up to `limit` of what is due at `now`. `more`: another
   * batch may find more (the pruner stops a step at a batch that deletes nothing).
   */
  batch(now: Date, limit: number): Promise<{ counts: PruneCounts; more: boolean }>;
  /** What the batches would delete at `now`, all of it; nothing is deleted. */
  count(now: Date): Promise<PruneCounts>;
}

/** `now` less `age`; undefined for an age kept forever. */
export function cutoff(now: Date, age: number | null): Date | undefined {
  return age === null ? undefined : new Date(now.getTime() - age);
}

function runCutoffs(retention: Retention, now: Date): RunCutoffs {
  const cutoffs: RunCutoffs = {};
  for (const status of PRUNED_RUN_STATUSES) {
    const before = cutoff(now, retention.runs[status]);
    if (before) cutoffs[status] = before;
  }
  return cutoffs;
}

/** The runtime's steps: finished runs, then the graphs they leave unused, then old tombstones. */
export function runtimePruneSteps(db: Db, retention: Retention): PruneStep[] {
  const runs: PruneStep = {
    async batch(now, limit) {
      const { pruned, more } = await pruneRunBatch(db, runCutoffs(retention, now), now, limit);
      return { counts: countsOf(pruned), more };
    },
    async count(now) {
      return countsOf(await countPrunableRuns(db, runCutoffs(retention, now)));
    },
  };
  const graphs: PruneStep = {
    async batch(_now, limit) {
      const { graphs, more } = await pruneGraphBatch(db, limit);
      return { counts: { graphs }, more };
    },
    // The graphs of the runs a real pass would prune are not queued yet: those already queued.
    async count() {
      return { graphs: await countPrunableGraphs(db) };
    },
  };
  const tombstones: PruneStep = {
    async batch(now, limit) {
      const before = cutoff(now, retention.tombstones);
      if (!before) return { counts: { tombstones: 0 }, more: false };
      const { tombstones, more } = await pruneTombstoneBatch(db, before, limit);
      return { counts: { tombstones }, more };
    },
    async count(now) {
      const before = cutoff(now, retention.tombstones);
      return { tombstones: before ? await countPrunableTombstones(db, before) : 0 };
    },
  };
  return [runs, graphs, tombstones];
}

function countsOf(pruned: { runs: number; childRuns: number; historyEvents: number }) {
  return {
    runs: pruned.runs,
    child_runs: pruned.childRuns,
    history_events: pruned.historyEvents,
  };
}
