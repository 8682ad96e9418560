/**
 * Workers reporting how attempts ended, many in one transaction (completions.ts groups them).
 * A report is applied only if the worker still holds the task's lease: deleting the task row
 * `WHERE lease_owner = me` is the fence. A late report (the lease expired and the sweeper moved
 * on, a signal ended the poll, the run was ended) is recorded in history while the run is
 * active and changes nothing else, so a completed node is never completed twice.
 *
 * A worker whose attempt ended has a free slot: when the transaction queued an attempt due
 * now in the same run (the next step of a chain), the worker leases and starts it right there
 * (handOff) instead of sending it through the queue: no NOTIFY, no claim, no second commit.
 */
import { errorInfo, type ErrorInfo } from '../contracts/errors.js';
import {
  attemptEndedBadly,
  attemptSucceeded,
  markSucceeded,
  type BadOutcome,
} from './attempt-outcome.js';
import { startAttempts, type ClaimedAttempt, type StartRequest } from './attempt-start.js';
import type { Engine } from './engine.js';
import { findNode } from './graph-index.js';
import { pollReturned } from './poll-iteration.js';
import { startPolling } from './poll-start.js';
import { lockRuns } from './run-lock.js';
import { closeScopes, notifyIfNeeded, publish } from './run-transaction.js';
import { openScope, record, type TxScope } from './scope.js';
import { ACTIVE_RUN_STATES } from './states.js';
import type { Queryable } from '../db/db.js';
import { AfterCommit, type TaskRow } from './types.js';

export type AttemptResult =
  { ok: true; output: unknown } | { ok: false; outcome: BadOutcome; error: ErrorInfo };

export interface Completion {
  claimed: ClaimedAttempt;
  result: AttemptResult;
}

export interface Finished {
  /** False when the report was fenced off (or its run is gone). */
  applied: boolean;
  /** The attempt this worker took over in the same transaction, to run in the freed slot. */
  next?: ClaimedAttempt;
}

/**
 * Applies the completions in one transaction, in order. `handOff`: whether the worker takes a
 * successor for each freed slot (false while it stops).
 */
export async function finishAttempts(
  engine: Engine,
  worker: string,
  completions: readonly Completion[],
  handOff: boolean,
): Promise<Finished[]> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const finished = await engine.db.tx(async (q) => {
    const locked = await lockRuns(
      q,
      completions.map((c) => c.claimed.run.id),
    );
    const runs = await engine.cache.load(q, [...locked.keys()], locked);
    // canceled_by: the task was flagged by its job failing fast (fail-fast.ts), and why.
    const { rows } = await q.query<{ id: number; canceled_by: string | null }>(
      `DELETE FROM forgeflow.tasks WHERE id = ANY($1::bigint[]) AND lease_owner = $2
       RETURNING id, CASE WHEN canceled THEN payload ->> 'reason' END AS canceled_by`,
      [completions.filter((c) => runs.has(c.claimed.run.id)).map((c) => c.claimed.taskId), worker],
    );
    const taken = new Set(rows.map((r) => Number(r.id)));
    const canceledBy = new Map(
      rows.flatMap((r) => (r.canceled_by === null ? [] : [[Number(r.id), r.canceled_by]])),
    );
    const written = await markPlainSuccesses(q, completions, taken, now);
    const scopes = new Map<string, TxScope>();
    const results: Finished[] = [];
    const handOffs: { index: number; runId: string }[] = [];
    for (const [index, completion] of completions.entries()) {
      const run = runs.get(completion.claimed.run.id);
      if (!run) {
        results.push({ applied: false });
        continue;
      }
      const scope =
        scopes.get(run.id) ??
        scopes.set(run.id, openScope(q, engine, now, run, after)).get(run.id)!;
      const applied = taken.has(completion.claimed.taskId);
      if (applied)
        await apply(
          scope,
          completion,
          engine.random,
          written.has(completion),
          canceledBy.get(completion.claimed.taskId),
        );
      else fenced(scope, completion, worker);
      results.push({ applied });
      if (applied && handOff) handOffs.push({ index, runId: run.id });
    }
    for (const attempt of await takeSuccessors(q, engine, worker, scopes, after, handOffs, now))
      results[attempt.index]!.next = attempt.claimed;
    await closeScopes([...scopes.values()]);
    // Closing may have ended a run (its history reached the cap): its attempt is not run.
    for (const result of results)
      if (result.next && result.next.run.status !== 'running') delete result.next;
    await notifyIfNeeded(q, after);
    return results;
  });
  publish(engine, after);
  return finished;
}

/** One completion in its own transaction (finishAttempts of one). */
export async function finishAttempt(
  engine: Engine,
  worker: string,
  claimed: ClaimedAttempt,
  result: AttemptResult,
): Promise<boolean> {
  const [finished] = await finishAttempts(engine, worker, [{ claimed, result }], false);
  return finished?.applied ?? false;
}

async function apply(
  scope: TxScope,
  { claimed, result }: Completion,
  random: () => number,
  written: boolean,
  canceledBy: string | undefined,
): Promise<void> {
  const { node, attempt } = claimed;
  // Its job failed fast while it ran: a call that would go on polling ends canceled instead.
  const ended: AttemptResult =
    result.ok && canceledBy !== undefined && continues(node)
      ? { ok: false, outcome: 'canceled', error: errorInfo('Canceled', canceledBy) }
      : result;
  if (!ended.ok) {
    const { outcome, error } = ended;
    await attemptEndedBadly(scope, node, attempt, outcome, error, true, random, false, canceledBy);
  } else if (node.action.kind === 'activity' && node.action.poll !== null)
    await startPolling(scope, node, attempt, ended.output);
  else if (node.action.kind === 'poll') await pollReturned(scope, node, attempt, ended.output);
  else await attemptSucceeded(scope, node, attempt, ended.output, written);
}

/**
 * The attempt and node rows of plain successes (an activity without `poll:`) move in one
 * statement for the whole group. Only for runs with one completion in the group: what a
 * completion decides may read its run's other nodes (is a whole job done?), which must not
 * look finished before their own completion is applied.
 */
async function markPlainSuccesses(
  q: Queryable,
  completions: readonly Completion[],
  taken: ReadonlySet<number>,
  now: number,
): Promise<Set<Completion>> {
  const perRun = new Map<string, number>();
  for (const { claimed } of completions)
    perRun.set(claimed.run.id, (perRun.get(claimed.run.id) ?? 0) + 1);
  const plain = completions.filter(
    ({ claimed, result }) =>
      result.ok &&
      taken.has(claimed.taskId) &&
      perRun.get(claimed.run.id) === 1 &&
      claimed.node.action.kind === 'activity' &&
      claimed.node.action.poll === null,
  );
  await markSucceeded(
    q,
    plain.map(({ claimed }) => ({
      runId: claimed.run.id,
      nodeId: claimed.node.id,
      attempt: claimed.attempt,
    })),
    now,
  );
  return new Set(plain);
}

/** Whether a successful call leads on to more calls (the first call of a poll, or a poll). */
function continues(node: Completion['claimed']['node']): boolean {
  return (
    node.action.kind === 'poll' || (node.action.kind === 'activity' && node.action.poll !== null)
  );
}

function fenced(scope: TxScope, { claimed, result }: Completion, worker: string): void {
  const { node, attempt } = claimed;
  // A finished run's history is closed; its end already says what became of this attempt.
  if (ACTIVE_RUN_STATES.includes(scope.run.status))
    record(scope, [
      {
        type: 'LateCompletionFenced',
        node: node.id,
        attempt,
        data: { worker, outcome: result.ok ? 'succeeded' : result.outcome },
      },
    ]);
  scope.after.emit({
    type: 'completion:fenced',
    runId: scope.run.id,
    nodeId: node.id,
    attempt,
    worker,
  });
}

/**
 * For each freed slot, one attempt its own run queued in this transaction and due now, leased
 * to this worker and started; the rest stay queued for any worker (a fan-out is shared).
 */
async function takeSuccessors(
  q: Queryable,
  engine: Engine,
  worker: string,
  scopes: ReadonlyMap<string, TxScope>,
  after: AfterCommit,
  slots: readonly { index: number; runId: string }[],
  now: number,
): Promise<{ index: number; claimed: ClaimedAttempt }[]> {
  const chosen: { index: number; taskId: number }[] = [];
  for (const slot of slots) {
    const run = scopes.get(slot.runId)?.run;
    if (run?.status !== 'running') continue;
    const at = after.newAttempts.findIndex(
      (t) => t.runId === run.id && t.dueAt <= now && findNode(run, t.nodeId) !== undefined,
    );
    if (at < 0) continue;
    chosen.push({ index: slot.index, taskId: after.newAttempts[at]!.taskId });
    after.newAttempts.splice(at, 1); // taken here: no worker needs waking for it
  }
  if (chosen.length === 0) return [];
  const { rows } = await q.query<TaskRow>(
    `UPDATE forgeflow.tasks SET lease_owner = $2, lease_expires_at = $3
     WHERE id = ANY($1::bigint[]) AND lease_owner IS NULL
     RETURNING id, run_id, node_id, kind, attempt, queue_deadline_at, node_deadline_at, payload`,
    [chosen.map((c) => c.taskId), worker, new Date(now + engine.settings.leaseMs)],
  );
  const requests: (StartRequest & { index: number })[] = rows.map((task) => {
    const scope = scopes.get(task.run_id)!;
    return {
      scope,
      node: findNode(scope.run, task.node_id)!,
      task,
      index: chosen.find((c) => c.taskId === task.id)!.index,
    };
  });
  const started = await startAttempts(requests, worker, engine.random);
  return started.map((claimed) => ({
    index: requests.find((r) => r.task.id === claimed.taskId)!.index,
    claimed,
  }));
}
