/**
 * A replay case: a config, an event, and how a run of them is driven (which handlers, which
 * signals, cancels and clock steps at which points). One definition serves the recorder
 * (scripts/record-replays.ts), which stores what it did, and the replay tests, which do it
 * again and compare, so the two cannot drift apart.
 */
import { compileConfig, isPackitFile, registryOf } from '../../src/compiler/index.js';
import type { Graph, HandlerRegistry, StoredGraph } from '../../src/compiler/index.js';
import type { Event } from '../../src/events/event.js';
import { specsOf } from '../../src/handlers/registry.js';
import type { Handler } from '../../src/handlers/types.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { RuntimeSettings } from '../../src/runtime/types.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';

/** A config file as a repository holds it: `pipeline.yaml` or `.packit.yaml`. */
export interface CaseConfig {
  file: string;
  text: string;
}

/** What one run of a case has of its own: the test handlers' state. */
export interface CaseKit {
  blocker: Blocker;
  counter: PollCounter;
}

/** What a case's `drive` may do; every wait is for the runtime, never for real time. */
export interface Driver {
  readonly runtime: Runtime;
  readonly clock: FakeClock;
  readonly kit: CaseKit;
  /** Starts the case's one worker (one attempt at a time: the order of events is fixed). */
  startWorker(): Promise<void>;
  /** Starts a top-level run of the case's graph and event; resolves with its id. */
  start(): Promise<string>;
  /** Resolves when the worker is idle with nothing in flight and nothing due. */
  settle(): Promise<void>;
  /** Settles, then moves the clock to when the next task falls due; false when there is none. */
  skip(): Promise<boolean>;
  /** Skips again and again until no task is left, and settles. */
  drain(): Promise<void>;
}

export interface ReplayCase {
  /** The fixture folder's name. */
  name: string;
  /** What the case shows, in a line. */
  covers: string;
  config: CaseConfig;
  event(): Event;
  settings?: Partial<RuntimeSettings>;
  /** Handlers besides the test handlers of test/support/runtime.ts (same name: replaces). */
  handlers?(kit: CaseKit): Handler[];
  /** The graph its top-level runs start; by default the config compiled for the event. */
  graph?(config: CaseConfig, event: Event, handlers: HandlerRegistry): StoredGraph;
  drive(driver: Driver): Promise<void>;
}

/** Most cases: one run, started and driven to its end. */
export async function runToEnd(driver: Driver): Promise<void> {
  await driver.startWorker();
  await driver.start();
  await driver.drain();
}

export function newKit(): CaseKit {
  return { blocker: new Blocker(), counter: new PollCounter() };
}

export function handlersOf(replayCase: ReplayCase, kit: CaseKit): Map<string, Handler> {
  const map = testHandlers(kit.blocker, kit.counter);
  for (const handler of replayCase.handlers?.(kit) ?? []) map.set(handler.spec.name, handler);
  return map;
}

/** The case's graph for `event`, from `config` (the case's own, or a stored copy of it). */
export function caseGraph(replayCase: ReplayCase, config: CaseConfig, event: Event): StoredGraph {
  const registry = registryOf(specsOf(handlersOf(replayCase, newKit())));
  return replayCase.graph
    ? replayCase.graph(config, event, registry)
    : compiled(config, event, registry);
}

export function compiled(config: CaseConfig, event: Event, handlers: HandlerRegistry): Graph {
  const result = compileConfig(config.text, event, {
    file: config.file,
    packit: isPackitFile(config.file),
    handlers,
  });
  if (result.status !== 'graph')
    throw new Error(`${config.file} does not compile: ${JSON.stringify(result, null, 2)}`);
  return result.graph;
}
