/**
 * The runtime's transactions over runs they hold locked. Whoever opens a scope (inRun here, the
 * claim, a dequeue, a start) closes it with closeScope: the decided history is written and the
 * cap on history events per run enforced. Ending a run over the cap is itself a decision
 * (terminateRun, stop.ts), so closing sits above what decides and nothing that decides imports
 * it. After commit, the transaction's events are published.
 */
import { errorInfo } from '../contracts/errors.js';
import type { Queryable } from '../db/db.js';
import type { Engine } from './engine.js';
import { appendHistories, appendHistory } from './history.js';
import { lockRun } from './run-lock.js';
import { openScope, type TxScope } from './scope.js';
import { ACTIVE_RUN_STATES } from './states.js';
import { terminateRun } from './stop.js';
import { AfterCommit } from './types.js';

/** Publishes what a committed transaction decided: its runtime events. */
export function publish(engine: Engine, after: AfterCommit): void {
  for (const event of after.events) engine.events.emit(event);
}

/**
 * Runs `fn` in a transaction holding the run's lock, with its scope; returns undefined (doing
 * nothing) when the run does not exist. Events are published after commit.
 */
export async function inRun<T>(
  engine: Engine,
  runId: string,
  fn: (scope: TxScope, q: Queryable) => Promise<T>,
): Promise<T | undefined> {
  const after = new AfterCommit();
  const result = await engine.db.tx(async (q) => {
    const locked = await lockRun(q, runId);
    if (!locked) return undefined;
    const runs = await engine.cache.load(q, [runId], new Map([[runId, locked]]));
    const run = runs.get(runId);
    if (!run) return undefined;
    const scope = openScope(q, engine, engine.clock.now(), run, after);
    const value = await fn(scope, q);
    await closeScope(scope);
    await notifyIfNeeded(q, after);
    return value;
  });
  publish(engine, after);
  return result;
}

/** Writes the scope's history (one statement); call last for this run in the transaction. */
export async function closeScope(scope: TxScope): Promise<void> {
  await closeScopes([scope]);
}

/**
 * Writes the history of several runs' scopes in one statement (each run once in `scopes`);
 * call last for these runs in the transaction.
 */
export async function closeScopes(scopes: readonly TxScope[]): Promise<void> {
  if (scopes.length === 0) return;
  const at = new Date(scopes[0]!.now);
  const lengths = await appendHistories(
    scopes[0]!.q,
    at,
    scopes.map((scope) => ({ runId: scope.run.id, events: scope.history.splice(0) })),
  );
  for (const scope of scopes) {
    scope.outputs.clear(); // written: the node rows point at them now
    const length = lengths.get(scope.run.id);
    const cap = scope.settings.maxHistoryEvents;
    if (length === undefined || length <= cap || !ACTIVE_RUN_STATES.includes(scope.run.status))
      continue;
    // The run would grow without bound: end it here, with what ends it as its last events.
    await terminateRun(
      scope,
      errorInfo(
        'HistoryLimitExceeded',
        `the run reached ${length} history events, more than the ${cap} one run may hold; it was ended so its history stops growing (a retry loop without a deadline, say)`,
        { nonRetryable: true, details: { events: length, limit: cap } },
      ),
    );
    await appendHistory(scope.q, scope.run.id, at, scope.history.splice(0));
  }
}

/** Wakes workers when the transaction commits (NOTIFY is transactional: dropped on rollback). */
export async function notifyIfNeeded(q: Queryable, after: AfterCommit): Promise<void> {
  if (after.notifyTasks || after.newAttempts.length > 0)
    await q.query(`SELECT pg_notify('forgeflow_tasks', '')`);
  after.notifyTasks = false;
  after.newAttempts.length = 0;
  const ends = after.runEnds.splice(0);
  if (ends.length > 0)
    await q.query(`SELECT pg_notify('forgeflow_runs', e) FROM unnest($1::text[]) AS e`, [ends]);
  for (const runId of after.stoppedRuns.splice(0))
    await q.query(`SELECT pg_notify('forgeflow_cancel', $1)`, [runId]);
  for (const { tasks, reason } of after.abortTasks.splice(0))
    await q.query(`SELECT pg_notify('forgeflow_abort', $1)`, [abortMessage(tasks, reason)]);
}

/**
 * What forgeflow_abort carries: the tasks whose attempts to abort, and why. A NOTIFY payload
 * holds under 8,000 bytes: a job has at most 256 nodes (ids of up to 20 digits), and the reason
 * is cut short; the node's history keeps it whole.
 */
export function abortMessage(tasks: readonly number[], reason: string): string {
  return JSON.stringify({
    tasks,
    reason: reason.length > 500 ? `${reason.slice(0, 500)}…` : reason,
  });
}
