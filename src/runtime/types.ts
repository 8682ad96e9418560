/** Shapes shared inside the runtime: rows as the runtime reads them, settings, post-commit notes. */
import { NO_SECRETS, type SecretStore } from '../common/secrets.js';
import type { StoredGraph } from '../contracts/graph.js';
import type { NodeEndFacts, RunSummaryFacts } from '../contracts/report-facts.js';
import type { ConfigSource } from '../contracts/run-control.js';
import type { Event } from '../events/event.js';
import type { RuntimeEvent } from './events.js';
import { DEFAULT_WORKER_DEAD_AFTER_MS } from './liveness-timing.js';
import { DEFAULT_MAX_LOST_ATTEMPTS } from './lost-workers.js';
import { DEFAULT_NODE_LOG_BYTES } from './logs/limits.js';
import type { RunStatus, StopStatus } from './states.js';

export interface RuntimeSettings {
  /** Base URL of the web page, for `run.url`, `run.server_url` and status links. */
  publicUrl: string;
  /**
   * How long a claimed task stays leased without the worker extending it: the last resort when
   * a worker dies (workerDeadAfterMs notices a dead worker process much sooner).
   */
  leaseMs: number;
  /**
   * How long a worker process may go without beating its liveness row before the others judge
   * it dead and release its tasks at once (liveness.ts). It beats every fifth of it, at most 2 s.
   */
  workerDeadAfterMs: number;
  /**
   * History events one run may hold. A run that would grow past it is ended (failed, with a
   * HistoryLimitExceeded error) instead of growing forever; Temporal's own cap is 51,200.
   */
  maxHistoryEvents: number;
  /** Polls one polling child run makes before it continues as a new run. */
  pollsPerRun: number;
  /**
   * After an attempt's AbortSignal fires (cancel, timeout), how long its handler may take to
   * return before the worker records the attempt without it and frees the slot.
   */
  abortGraceMs: number;
  /**
   * Consecutive attempts of one node whose worker died running them (its lease ran out) after
   * which the node fails with WorkerCrashed, whatever its retry policy (lost-workers.ts).
   */
  maxLostAttempts: number;
  /** Where `${{ secrets.NAME }}` values come from, asked when an attempt starts. */
  secrets: SecretStore;
  /** Text one node's log keeps; past it, its oldest lines are dropped (logs/limits.ts). */
  maxNodeLogBytes: number;
}

export const DEFAULT_SETTINGS: RuntimeSettings = {
  publicUrl: 'http://localhost:8080',
  leaseMs: 30_000,
  workerDeadAfterMs: DEFAULT_WORKER_DEAD_AFTER_MS,
  maxHistoryEvents: 50_000,
  pollsPerRun: 100,
  abortGraceMs: 10_000,
  maxLostAttempts: DEFAULT_MAX_LOST_ATTEMPTS,
  secrets: NO_SECRETS,
  maxNodeLogBytes: DEFAULT_NODE_LOG_BYTES,
};

export interface ParentLink {
  runId: string;
  nodeId: string;
  /** The parent node's attempt that started the child. */
  attempt: number;
}

/**
 * Where a run's config came from, as the plan step recorded it. A run without one was started
 * by an operator (the API, the CLI). Secrets are not given to a run whose config is untrusted.
 */

/** What never changes about a run: loaded once per process and cached. */
export interface RunSpec {
  id: string;
  pipeline: string;
  graph: StoredGraph;
  event: Event;
  parent: ParentLink | null;
  /** Absent for a run an operator started. */
  configSource?: ConfigSource;
}

/** A run as a transaction holding its lock sees it: the spec and the run row's current state. */
export interface RunInfo extends RunSpec {
  status: RunStatus;
  attempt: number;
  /** Set once a stop (cancel, deadline) was requested: how the run will end. */
  stopping: StopStatus | null;
  group: string | null;
}

export interface TaskRow {
  id: number;
  run_id: string;
  node_id: string;
  kind: TaskKind;
  attempt: number;
  queue_deadline_at: Date | null;
  node_deadline_at: Date | null;
  payload: unknown;
}

export type TaskKind =
  'attempt' | 'timer' | 'child' | 'deadline' | 'dequeue' | 'cancel' | 'report' | 'signal';

export type ReportState =
  'pending' | 'running' | 'success' | 'failure' | 'error' | 'canceled' | 'skipped';

/** One commit status to post: an item of a `report` task's payload (report.ts). */
export interface ReportItem {
  state: ReportState;
  description: string;
  /** A status of the run rather than of a reported node (run-end-hooks.ts): its own context. */
  context?: string;
  /** Where the status links to, when not the run's page. */
  target_url?: string;
  /** A reported node's final status: how it ended (a GitHub App check run's summary shows it). */
  facts?: NodeEndFacts;
}

/**
 * A run of a pull/merge request ended: its summary, posted through `forge.run_summary` from
 * the run's own report task (report.ts), after the statuses queued before it.
 */
export interface RunSummaryItem {
  kind: 'run-summary';
  summary: RunSummaryFacts;
}

/** An item of a `report` task's payload. */
export type QueuedReport = ReportItem | RunSummaryItem;

/** An attempt task a transaction queued: a worker finishing in it may take it at once. */
export interface NewAttemptTask {
  taskId: number;
  runId: string;
  nodeId: string;
  dueAt: number;
}

/** Things a transaction decided that happen only after it commits. */
export class AfterCommit {
  readonly events: RuntimeEvent[] = [];
  /** Wake workers: a task other than an attempt was queued (attempts: newAttempts). */
  notifyTasks = false;
  /** Attempt tasks queued; those left here when it commits wake the workers. */
  readonly newAttempts: NewAttemptTask[] = [];
  readonly finishedRuns: string[] = [];
  /** `run_id:status` of runs ended, told on forgeflow_runs together at commit. */
  readonly runEnds: string[] = [];
  /** Runs whose running attempts must be aborted (NOTIFY forgeflow_cancel). */
  readonly stoppedRuns: string[] = [];
  /** Running attempts to abort, by task, and why (NOTIFY forgeflow_abort): a fail-fast job's. */
  readonly abortTasks: { tasks: number[]; reason: string }[] = [];

  emit(event: RuntimeEvent): void {
    this.events.push(event);
  }
}
