/**
 * A worker reporting how an attempt ended. The report is applied only if the worker still
 * holds the task's lease: deleting the task row `WHERE lease_owner = me` is the fence. A late
 * report (the lease expired and the sweeper moved on) is recorded in history and changes
 * nothing else, so a completed node is never completed twice.
 */
import type { ErrorInfo } from '../handlers/types.js';
import { record, type TxScope } from './advance.js';
import { attemptEndedBadly, attemptSucceeded, type BadOutcome } from './attempt-outcome.js';
import type { ClaimedAttempt } from './claim.js';
import { inRun, type Engine } from './engine.js';

export type AttemptResult =
  { ok: true; output: unknown } | { ok: false; outcome: BadOutcome; error: ErrorInfo };

/** Returns false when the report was fenced off. */
export async function finishAttempt(
  engine: Engine,
  worker: string,
  claimed: ClaimedAttempt,
  result: AttemptResult,
): Promise<boolean> {
  const applied = await inRun(engine, claimed.run.id, async (scope) => {
    if (!(await takeTask(scope, claimed.taskId, worker))) {
      await record(scope, [
        {
          type: 'LateCompletionFenced',
          node: claimed.node.id,
          attempt: claimed.attempt,
          data: { worker, outcome: result.ok ? 'succeeded' : result.outcome },
        },
      ]);
      scope.after.emit({
        type: 'completion:fenced',
        runId: claimed.run.id,
        nodeId: claimed.node.id,
        attempt: claimed.attempt,
        worker,
      });
      return false;
    }
    if (result.ok) await attemptSucceeded(scope, claimed.node, claimed.attempt, result.output);
    else
      await attemptEndedBadly(
        scope,
        claimed.node,
        claimed.attempt,
        result.outcome,
        result.error,
        true,
        engine.random,
      );
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
