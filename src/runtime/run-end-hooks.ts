/**
 * Run-end hooks: how an edge learns that a run of a pipeline it looks after has ended, inside
 * the transaction that ends it, so what it keeps about the run (a webhook delivery's outcome)
 * can never disagree with the run, whichever process ended it and however (its last node
 * failed, a worker died once too often, a cancel, a timeout, the history cap). The runtime
 * imports nothing of the edges: they register a hook by pipeline name (Runtime.onRunEnd), in
 * every process that runs workers or takes cancels. Hooks see top-level runs only.
 *
 * A hook writes through the run's transaction (it must not throw: that would undo the end) and
 * may ask for a commit status on the run's event, or for the run's summary, posted after commit
 * like a reported node's statuses (report.ts): durable, retried, in order. Besides the hook of
 * its pipeline, a run's end is told to the hooks registered for every run (a pull request's
 * summary). This file is the contract only (the Engine holds the registry); endRun
 * (end-run.ts) is what calls a hook.
 */
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import type { ErrorInfo } from '../contracts/errors.js';
import type { RunSummaryFacts } from '../contracts/report-facts.js';
import type { EndStatus } from './history.js';
import type { ReportItem } from './types.js';

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
  /** When the run was created: orders the runs of one pull request. */
  createdAt: Date;
  /** The run's attempt (a retried run ends once per attempt). */
  attempt: number;
}

/** A node of the run that failed or timed out. */
export interface FailedNode {
  node: string;
  result: 'failed' | 'timed_out';
  attempts: number;
  error: ErrorInfo | null;
}

export interface RunEndTx {
  q: Queryable;
  /** A commit status for the run's event, posted through `forge.status` once this commits. */
  postStatus(status: ReportItem & { context: string }): Promise<void>;
  /** The run's failed and timed-out nodes in the order they ended: `limit` of them, and the count. */
  failedNodes(limit: number): Promise<{ nodes: FailedNode[]; total: number }>;
  /** The run's summary, posted through `forge.run_summary` once this commits. */
  postRunSummary(summary: RunSummaryFacts): Promise<void>;
}

export type RunEndHook = (ending: RunEnding, tx: RunEndTx) => Promise<void>;

/** One hook per pipeline name (registering again replaces it), and hooks for every run. */
export class RunEndHooks {
  private readonly hooks = new Map<string, RunEndHook>();
  private readonly everyRun = new Set<RunEndHook>();

  /** A hook told of every top-level run's end, whatever its pipeline. */
  addForEveryRun(hook: RunEndHook): () => void {
    this.everyRun.add(hook);
    return () => this.everyRun.delete(hook);
  }

  /** The hooks a run of `pipeline` tells: its pipeline's, then those for every run. */
  forRun(pipeline: string): RunEndHook[] {
    const own = this.hooks.get(pipeline);
    return own ? [own, ...this.everyRun] : [...this.everyRun];
  }

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
