/**
 * Run-end hooks: how an edge learns that a run of a pipeline it looks after has ended, inside
 * the transaction that ends it, so what it keeps about the run (a webhook delivery's outcome)
 * can never disagree with the run, whichever process ended it and however (its last node
 * failed, a worker died once too often, a cancel, a timeout, the history cap). The runtime
 * imports nothing of the edges: they register a hook by pipeline name (Runtime.onRunEnd), in
 * every process that runs workers or takes cancels. Hooks see top-level runs only.
 *
 * A hook writes through the run's transaction (it must not throw: that would undo the end) and
 * may ask for a commit status on the run's event, posted after commit like a reported node's
 * (report.ts): durable, retried, in order.
 */
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { ErrorInfo } from '../contracts/errors.js';
import type { EndStatus, HistoryEvent } from './history.js';
import { queueStatus, type ReportItem } from './report.js';
import type { TxScope } from './scope.js';

export interface RunEnding {
  runId: string;
  pipeline: string;
  status: EndStatus;
  /** Why it did not succeed: the run's own error, else its first failed node's; null if it did. */
  error: ErrorInfo | null;
  /** The reason its cancel was given (a canceled run). */
  reason: string | null;
  event: Event;
  at: Date;
}

export interface RunEndTx {
  q: Queryable;
  /** A commit status for the run's event, posted through `forge.status` once this commits. */
  postStatus(status: ReportItem & { context: string }): Promise<void>;
}

export type RunEndHook = (ending: RunEnding, tx: RunEndTx) => Promise<void>;

/** One hook per pipeline name; registering again replaces it. */
export class RunEndHooks {
  private readonly hooks = new Map<string, RunEndHook>();

  set(pipeline: string, hook: RunEndHook): () => void {
    this.hooks.set(pipeline, hook);
    return () => {
      if (this.hooks.get(pipeline) === hook) this.hooks.delete(pipeline);
    };
  }

  get(pipeline: string): RunEndHook | undefined {
    return this.hooks.get(pipeline);
  }
}

/** Called by endRun once the run's row has moved to `status`. */
export async function runEndHook(
  scope: TxScope,
  status: EndStatus,
  error: ErrorInfo | null,
): Promise<void> {
  const { run } = scope;
  const hook = scope.engine.runEndHooks.get(run.pipeline);
  if (!hook || run.parent !== null || status === 'continued') return;
  const ending: RunEnding = {
    runId: run.id,
    pipeline: run.pipeline,
    status,
    error: status === 'succeeded' ? null : (error ?? (await firstNodeError(scope))),
    reason: status === 'canceled' ? await cancelReason(scope) : null,
    event: run.event,
    at: new Date(scope.now),
  };
  await hook(ending, {
    q: scope.q,
    postStatus: (item) => queueStatus(scope, item),
  });
}

async function firstNodeError(scope: TxScope): Promise<ErrorInfo | null> {
  const { rows } = await scope.q.query<{ error: ErrorInfo | null }>(
    `SELECT error FROM forgeflow.nodes
     WHERE run_id = $1 AND status IN ('failed', 'timed_out') AND error IS NOT NULL
     ORDER BY finished_at, node_id LIMIT 1`,
    [scope.run.id],
  );
  return rows[0]?.error ?? null;
}

/** The latest cancel's reason: still in this transaction's history, or already written. */
async function cancelReason(scope: TxScope): Promise<string | null> {
  const pending = scope.history.findLast(
    (e): e is Extract<HistoryEvent, { type: 'CancelRequested' }> => e.type === 'CancelRequested',
  );
  if (pending) return pending.data.reason;
  const { rows } = await scope.q.query<{ reason: string | null }>(
    `SELECT data ->> 'reason' AS reason FROM forgeflow.history
     WHERE run_id = $1 AND type = 'CancelRequested' ORDER BY seq DESC LIMIT 1`,
    [scope.run.id],
  );
  return rows[0]?.reason ?? null;
}
