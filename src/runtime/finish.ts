/**
 * A worker reporting how an attempt ended. The report is applied only if the worker still
 * holds the task's lease: deleting the task row `WHERE lease_owner = me` is the fence. A late
 * report (the lease expired and the sweeper moved on, a signal ended the poll, the run was
 * ended) is recorded in history while the run is active and changes nothing else, so a
 * completed node is never completed twice.
 */
import type { ErrorInfo } from '../contracts/errors.js';
import { attemptEndedBadly, attemptSucceeded, type BadOutcome } from './attempt-outcome.js';
import type { ClaimedAttempt } from './attempt-start.js';
import type { Engine } from './engine.js';
import { pollReturned } from './poll-iteration.js';
import { startPolling } from './poll-start.js';
import { inRun } from './run-transaction.js';
import { record, type TxScope } from './scope.js';
import { ACTIVE_RUN_STATES } from './states.js';

export type AttemptResult =
  { ok: true; output: unknown } | { ok: false; outcome: BadOutcome; error: ErrorInfo };

/** Returns false when the report was fenced off. */
export async function finishAttempt(
  engine: Engine,
  worker: string,
  claimed: ClaimedAttempt,
  result: AttemptResult,
): Promise<boolean> {
  const { node, attempt } = claimed;
  const applied = await inRun(engine, claimed.run.id, async (scope) => {
    if (!(await takeTask(scope, claimed.taskId, worker))) {
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
        runId: claimed.run.id,
        nodeId: node.id,
        attempt,
        worker,
      });
      return false;
    }
    if (!result.ok)
      await attemptEndedBadly(
        scope,
        node,
        attempt,
        result.outcome,
        result.error,
        true,
        engine.random,
      );
    else if (node.action.kind === 'activity' && node.action.poll !== null)
      await startPolling(scope, node, attempt, result.output);
    else if (node.action.kind === 'poll') await pollReturned(scope, node, attempt, result.output);
    else await attemptSucceeded(scope, node, attempt, result.output);
    return true;
  });
  return applied ?? false;
}

async function takeTask(scope: TxScope, taskId: number, worker: string): Promise<boolean> {
  const { rowCount } = await scope.q.query(
    'DELETE FROM forgeflow.tasks WHERE id = $1 AND lease_owner = $2',
    [taskId, worker],
  );
  return rowCount > 0;
}
