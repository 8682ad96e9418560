/**
 * A transaction's view of one run it holds locked: the run, "now", what to do after commit, and
 * the history events it has decided, written once when the scope closes. Closing also enforces
 * the cap on history events per run.
 */
import type { Queryable } from '../db/db.js';
import type { Engine } from './engine.js';
import { appendHistory, type HistoryEvent } from './history.js';
import { ACTIVE_RUN_STATES } from './states.js';
import { terminateRun } from './stop.js';
import type { AfterCommit, RunInfo, RuntimeSettings } from './types.js';

export interface TxScope {
  q: Queryable;
  now: number;
  run: RunInfo;
  engine: Engine;
  settings: RuntimeSettings;
  after: AfterCommit;
  /** History of this transaction, written once by closeScope. */
  history: HistoryEvent[];
  /**
   * Outputs of nodes completed (or polled) in this transaction. Their home is the history event
   * that records them, written only when the scope closes: until then a node deciding on them
   * in this same transaction reads them here (loadNeeded).
   */
  outputs: Map<string, unknown>;
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

/** Writes the scope's history (one statement); call last for this run in the transaction. */
export async function closeScope(scope: TxScope): Promise<void> {
  const at = new Date(scope.now);
  const length = await appendHistory(scope.q, scope.run.id, at, scope.history.splice(0));
  scope.outputs.clear(); // written: the node rows point at them now
  const cap = scope.settings.maxHistoryEvents;
  if (length === undefined || length <= cap || !ACTIVE_RUN_STATES.includes(scope.run.status))
    return;
  // The run would grow without bound: end it here, with what ends it as its last events.
  await terminateRun(scope, {
    type: 'HistoryLimitExceeded',
    message: `the run reached ${length} history events, more than the ${cap} one run may hold; it was ended so its history stops growing (a retry loop without a deadline, say)`,
    non_retryable: true,
    details: { events: length, limit: cap },
  });
  await appendHistory(scope.q, scope.run.id, at, scope.history.splice(0));
}

/** Wakes workers when the transaction commits (NOTIFY is transactional: dropped on rollback). */
export async function notifyIfNeeded(q: Queryable, after: AfterCommit): Promise<void> {
  if (after.notifyTasks) await q.query(`SELECT pg_notify('forgeflow_tasks', '')`);
  after.notifyTasks = false;
  for (const runId of after.stoppedRuns.splice(0))
    await q.query(`SELECT pg_notify('forgeflow_cancel', $1)`, [runId]);
}
