/**
 * What the runtime's transactions share: the database, the clock, settings, the run cache and
 * the edges' run-end hooks. Types only: every layer of the runtime may import this, and it
 * imports no runtime behaviour (run-transaction.ts is what opens and closes transactions).
 */
import type { Db } from '../db/db.js';
import type { Clock } from './clock.js';
import type { RuntimeEvents } from './events.js';
import type { RunCache } from './run-cache.js';
import type { RunEndHooks } from './run-end-hooks.js';
import type { RuntimeSettings } from './types.js';

export interface Engine {
  db: Db;
  clock: Clock;
  settings: RuntimeSettings;
  cache: RunCache;
  events: RuntimeEvents;
  /** Jitter source; tests pass a fixed one. */
  random: () => number;
  /** Ids for new runs; random UUIDs when unset (tests give their own). */
  newRunId?: (() => string) | undefined;
  /** What the edges asked to be told, in its transaction, when a run of a pipeline ends. */
  runEndHooks: RunEndHooks;
}
