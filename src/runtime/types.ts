/** Shapes shared inside the runtime: rows as the runtime reads them, settings, post-commit notes. */
import type { Graph } from '../compiler/graph.js';
import type { Event } from '../events/event.js';
import type { RuntimeEvent } from './events.js';

export interface RuntimeSettings {
  /** Base URL of the web page, for `run.url` and status links. */
  publicUrl: string;
  /** How long a claimed task stays leased without the worker extending it. */
  leaseMs: number;
}

export const DEFAULT_SETTINGS: RuntimeSettings = {
  publicUrl: 'http://localhost:8080',
  leaseMs: 30_000,
};

/** What every transaction of a run needs, loaded once per run and cached: it never changes. */
export interface RunInfo {
  id: string;
  pipeline: string;
  graph: Graph;
  event: Event;
  attempt: number;
  /** Whether a cancel of the run was requested (read under the run's lock). */
  cancelRequested: boolean;
}

export interface TaskRow {
  id: number;
  run_id: string;
  node_id: string;
  kind: 'attempt' | 'timer';
  attempt: number;
  queue_deadline_at: Date | null;
  node_deadline_at: Date | null;
}

/** Things a transaction decided that happen only after it commits. */
export class AfterCommit {
  readonly events: RuntimeEvent[] = [];
  notifyTasks = false;
  readonly finishedRuns: string[] = [];

  emit(event: RuntimeEvent): void {
    this.events.push(event);
  }
}
