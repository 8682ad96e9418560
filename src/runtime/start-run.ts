/**
 * Starting a run in one transaction: created (create-run.ts), then, when its pipeline has a
 * concurrency group, entered into the group (which may cancel older runs or queue this one),
 * and begun. An idempotency key makes a repeated start return the first run.
 */
import { errorInfo } from '../contracts/errors.js';
import type { Graph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { arrive, evaluateGroup } from './concurrency.js';
import { beginRun, createRun, deadlineFrom } from './create-run.js';
import type { Engine } from './engine.js';
import { runContext } from './node-context.js';
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
  /** Writes of the caller's that commit with the run, or not at all (a delivery's record). */
  alongside?: (q: Queryable, runId: string) => Promise<void>;
}

export interface StartedRun {
  runId: string;
  /** False when the idempotency key matched an existing run, which is returned instead. */
  created: boolean;
}

export async function startRun(
  engine: Engine,
  input: StartRunInput,
): Promise<{ started: StartedRun; after: AfterCommit }> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const started = await engine.db.tx(async (q) => {
    const created = await createRun(q, engine, after, input, now);
    if ('existing' in created) return { runId: created.existing, created: false };
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
    await input.alongside?.(q, scope.run.id);
    await closeScope(scope);
    await notifyIfNeeded(q, after);
    return { runId: scope.run.id, created: true };
  });
  return { started, after };
}
