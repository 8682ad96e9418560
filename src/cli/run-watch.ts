/**
 * What `forgeflow run` shows of its run as it goes: the run's events fed to the progress (a
 * poll's child run on the line of the node that started it), and a note the first time a node
 * waits for each signal. Events that come before the run's id is known (its start emits them)
 * are kept and shown once it is. A node's end waits for `catchUp` (the log lines stored before
 * it), so what a step printed comes before the line that says how it ended.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { RuntimeEvent } from '../runtime/events.js';
import type { Progress } from './progress.js';

export interface RunWatch {
  /** Shows the events of this run, from its first. */
  follow(runId: string): void;
  stop(): void;
}

const ENDS_ATTEMPT = new Set<RuntimeEvent['type']>([
  'node:completed',
  'node:failed',
  'node:retrying',
  'node:canceled',
  // A poll's first call ends as its child run starts.
  'child:started',
]);

export function watchRun(
  runtime: Runtime,
  progress: Progress,
  /** What to say when a node waits for `signal`; called once per signal name. */
  waitingHint?: (runId: string, nodeId: string, signal: string) => string | undefined,
  catchUp: () => Promise<void> = () => Promise.resolve(),
): RunWatch {
  let target: string | undefined;
  const buffered: RuntimeEvent[] = [];
  const hinted = new Set<string>();
  // Polls happen in child runs: shown on the line of the node that started them.
  const pollsOf = new Map<string, string>();
  const show = (e: RuntimeEvent) => {
    if (!('runId' in e)) return;
    if (e.type === 'child:started' && e.runId === target) pollsOf.set(e.childRunId, e.nodeId);
    if (e.type === 'run:continued' && pollsOf.has(e.runId))
      pollsOf.set(e.nextRunId, pollsOf.get(e.runId)!);
    if (e.runId === target) progress.update(e);
    else if (e.type === 'node:polled' && pollsOf.has(e.runId))
      progress.polled(pollsOf.get(e.runId)!, e.polls, e.nextAt);
    if (e.type === 'node:waiting' && e.runId === target && !hinted.has(e.signal)) {
      hinted.add(e.signal);
      const hint = waitingHint?.(e.runId, e.nodeId, e.signal);
      if (hint !== undefined) progress.note(hint);
    }
  };
  // Events are shown in order; one that ends an attempt first prints the lines logged before it.
  let shown = Promise.resolve();
  const showInOrder = (e: RuntimeEvent) => {
    shown = shown
      .then(() =>
        ENDS_ATTEMPT.has(e.type) && 'runId' in e && e.runId === target ? catchUp() : undefined,
      )
      .catch(() => undefined)
      .then(() => show(e));
  };
  const off = runtime.events.onAny((e) => {
    if (target === undefined) buffered.push(e);
    else showInOrder(e);
  });
  return {
    follow(runId) {
      target = runId;
      for (const e of buffered.splice(0)) showInOrder(e);
    },
    stop: off,
  };
}
