/**
 * What the runtime's transactions share: the database, the clock, settings, the run cache and
 * the edges' run-end hooks.
 */
import type { Db, Queryable } from '../db/db.js';
import type { Clock } from './clock.js';
import type { RuntimeEvents } from './events.js';
import type { RunCache } from './run-cache.js';
import type { RunEndHooks } from './run-end-hooks.js';
import { lockRun } from './run-lock.js';
import { closeScope, notifyIfNeeded, openScope, type TxScope } from './scope.js';
import { AfterCommit, type RuntimeSettings } from './types.js';

export interface Engine {
  db: Db;
  clock: Clock;
  settings: RuntimeSettings;
  cache: RunCache;
  events: RuntimeEvents;
  /** Jitter source; tests pass a fixed one. */
  random: () => number;
  /** What the edges asked to be told, in its transaction, when a run of a pipeline ends. */
  runEndHooks: RunEndHooks;
}

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
