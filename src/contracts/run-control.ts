/**
 * What a handler may do to runs: the narrow service the runtime hands a handler through its
 * context (`HandlerContext.runs`). The plan step starts the runs a delivery asks for and carries
 * out ChatOps commands with it; no handler reaches the runtime's tables or objects otherwise.
 */
import type { Event } from '../events/event.js';
import type { Graph } from './graph.js';

/** Where a run's config came from, and whether it may be given secrets (DESIGN.md §4a). */
export interface ConfigSource {
  trusted: boolean;
  /** The commit (or ref) the config was read at. */
  ref: string | null;
  path: string | null;
  /** Why it is trusted or not, in words. */
  why: string;
}

/** A node of an earlier run, as `/packit retest-failed` and friends read it. */
export interface PreviousNode {
  node: string;
  /** The node's commit status name (its evaluated `report`), or null. */
  report: string | null;
  /** The node's final state: succeeded, failed, timed_out, skipped, canceled, … */
  status: string;
  /** The node's evaluated input, as stored. */
  input?: unknown;
  output?: unknown;
}

/** A run found by RunControl.runsAt. */
export interface RunAt {
  id: string;
  pipeline: string;
}

/** What a command on a run did (`canceling`, `already-finished`, `delivered`, …). */
export interface RunCommandResult {
  outcome: string;
}

/** Which runs `runsAt` looks for (see there). */
export interface RunsAtQuery {
  forge: string;
  repo: string;
  sha: string;
  exceptPipeline: string;
  runId?: string;
  report?: string;
}

export interface RunControl {
  /** Starts a run; a second start with the same key returns the first run. */
  start(
    graph: Graph,
    event: Event,
    options: { idempotencyKey: string; configSource: ConfigSource },
  ): Promise<{ runId: string }>;
  /** The newest top-level run of a pull request, of any pipeline but `exceptPipeline`. */
  latestRunOf(where: {
    repo: string;
    pr: number;
    exceptPipeline: string;
  }): Promise<{ id: string } | undefined>;
  /** The nodes of the newest top-level run of `pipeline` for a pull request at commit `sha`. */
  previousNodes(where: {
    repo: string;
    pr: number;
    pipeline: string;
    sha: string;
  }): Promise<PreviousNode[]>;
  /**
   * The top-level runs of a repository at commit `sha` on `forge`, newest first (a bounded
   * number), of any pipeline but `exceptPipeline`; only run `runId` when given, only runs with
   * a node reported as `report` when given. A forge's Re-run of a check finds its runs so.
   */
  runsAt(where: RunsAtQuery): Promise<RunAt[]>;
  /** Each of these is undefined when there is no such run. */
  retry(runId: string): Promise<RunCommandResult | undefined>;
  cancel(runId: string, reason: string): Promise<RunCommandResult | undefined>;
  signal(runId: string, name: string, payload: unknown): Promise<RunCommandResult | undefined>;
}
