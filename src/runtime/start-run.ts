/**
 * Starting a run in one transaction: created (create-run.ts), then, when its pipeline has a
 * concurrency group, entered into the group (which may cancel older runs or queue this one),
 * and begun. An idempotency key makes a repeated start return the first run. Runs started many at
 * once take start-batch.ts, which comes here for those it cannot start set-based.
 */
import { errorInfo } from '../contracts/errors.js';
import type { Graph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { arrive, evaluateGroup } from './concurrency.js';
import { beginRun, createRun, deadlineFrom } from './create-run.js';
import type { Engine } from './engine.js';
import { runContext } from './node-context.js';
import type { TxScope } from './scope.js';
import { closeScope, notifyIfNeeded } from './run-transaction.js';
import { terminateRun } from './stop.js';
import type { ConfigSource } from '../contracts/run-control.js';
import { AfterCommit } from './types.js';

export interface StartRunInput {
  graph: Graph;
  event: Event;
  idempotencyKey?: string;
  /** Where the config came from; absent for a run an operator starts. */
  configSource?: ConfigSource;
  /**
   * Writes of the caller's that commit with the run, or not at all (a delivery's record). A
   * start whose batch failed is retried alone (start-queue.ts): it may then be called again, in
   * the new transaction; only what the committed call wrote stays. It runs inside the start's
   * transaction: a start() of its own would wait for that transaction, forever.
   */
  alongside?: (q: Queryable, runId: string) => Promise<void>;
}

export interface StartedRun {
  runId: string;
  /** False when the idempotency key matched an existing run, which is returned instead. */
  created: boolean;
}

/** Starts one run in its own transaction: created, begun, its `alongside` written, closed. */
export async function startRun(
  engine: Engine,
  input: StartRunInput,
): Promise<{ started: StartedRun; after: AfterCommit }> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const started = await engine.db.tx(async (q) => {
    const { started, scope } = await startInTx(q, engine, after, input, now);
    if (!scope) return started;
    await input.alongside?.(q, scope.run.id);
    await closeScope(scope);
    await notifyIfNeeded(q, after);
    return started;
  });
  return { started, after };
}

/**
 * The per-run start inside a transaction the caller owns (startRun's, or a batch's for a run the
 * batch cannot start set-based): the new run's scope is left open, and its `alongside` is the
 * caller's to call. No scope when the idempotency key already had a run.
 */
export async function startInTx(
  q: Queryable,
  engine: Engine,
  after: AfterCommit,
  input: StartRunInput & { id?: string },
  now: number,
): Promise<{ started: StartedRun; scope?: TxScope }> {
  const created = await createRun(q, engine, after, input, now);
  if ('existing' in created) return { started: { runId: created.existing, created: false } };
  const { scope } = created;
  const { graph, event } = input;
  let begin = true;
  if (graph.concurrency !== null) {
    const evaluated = evaluateGroup(graph, event, runContext(scope.run, engine.settings));
    if ('error' in evaluated) {
      const error = errorInfo(
        'ExpressionError',
        `concurrency.group cannot be evaluated: ${evaluated.error}`,
        { nonRetryable: true },
      );
      await terminateRun(scope, error);
      begin = false;
    } else {
      begin =
        (await arrive(scope, evaluated.group, graph.concurrency.cancel_in_progress)) === 'run';
    }
  }
  if (begin) await beginRun(scope, deadlineFrom(graph, now));
  return { started: { runId: scope.run.id, created: true }, scope };
}
