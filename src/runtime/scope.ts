/**
 * A transaction's view of one run it holds locked: the run, "now", what to do after commit, and
 * the history events it has decided, written once when the scope closes (run-transaction.ts).
 * No I/O here: deciding modules record into a scope, and whoever owns the transaction closes it.
 */
import type { Queryable } from '../db/db.js';
import type { Engine } from './engine.js';
import type { HistoryEvent } from './history.js';
import type { AfterCommit, RunInfo, RuntimeSettings } from './types.js';

export interface TxScope {
  q: Queryable;
  now: number;
  run: RunInfo;
  engine: Engine;
  settings: RuntimeSettings;
  after: AfterCommit;
  /** History of this transaction, written once by closeScope (run-transaction.ts). */
  history: HistoryEvent[];
  /**
   * Outputs of nodes completed (or polled) in this transaction. Their home is the history event
   * that records them, written only when the scope closes: until then a node deciding on them
   * in this same transaction reads them here (loadNeeded).
   */
  outputs: Map<string, unknown>;
  /** Nodes of fail-fast jobs that failed for good in this transaction, not acted on yet (fail-fast.ts). */
  failedFast?: Set<string>;
  /** Jobs that failed fast in this transaction, with why: a later report of theirs is no retry. */
  failedFastJobs?: Map<string, string>;
  /** Nodes of each max_parallel job holding a slot, as counted in this transaction (max-parallel.ts). */
  slots?: Map<string, number>;
}

export function openScope(
  q: Queryable,
  engine: Engine,
  now: number,
  run: RunInfo,
  after: AfterCommit,
): TxScope {
  return {
    q,
    now,
    run,
    engine,
    settings: engine.settings,
    after,
    history: [],
    outputs: new Map(),
  };
}

export function record(scope: TxScope, events: readonly HistoryEvent[]): void {
  scope.history.push(...events);
}
