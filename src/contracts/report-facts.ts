/**
 * What the runtime tells the forge layer about an end, in the runtime's words and never in a
 * forge's: a reported node's end (rendered as a GitHub App check run's summary) and a pull
 * request run's end (rendered as the one comment forgeflow keeps on it). The runtime writes
 * them (masked and bounded already: errors are stored masked, and cut here again), the forge
 * layer renders them (src/forges/markdown.ts and its callers), so neither knows the other.
 */

/** The handler a run's summary is posted through (the edges give it; without it: dropped). */
export const RUN_SUMMARY_HANDLER = 'forge.run_summary';

/** An error as a summary shows it: its type and the start of its message. */
export interface ErrorFacts {
  type: string;
  message: string;
}

/** Characters of an error message a summary carries (the node's page has all of it). */
export const FACTS_MESSAGE_MAX = 2_000;
/** Characters of an error type a summary carries. */
export const FACTS_TYPE_MAX = 200;

export function errorFacts(error: { type: string; message: string }): ErrorFacts {
  const cut = (text: string, max: number) =>
    text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
  return { type: cut(error.type, FACTS_TYPE_MAX), message: cut(error.message, FACTS_MESSAGE_MAX) };
}

export type NodeResult = 'succeeded' | 'failed' | 'timed_out' | 'canceled';

/** A reported node at its final state (its report item's `facts`). */
export interface NodeEndFacts {
  result: NodeResult;
  /** From its first attempt's start to its end; null when it never started (a wait, a timer). */
  duration_ms: number | null;
  /** Attempts made (0 for a sleep or a signal wait). */
  attempts: number;
  /** Its retry policy's `maximum_attempts`; null when unlimited. */
  max_attempts: number | null;
  error: ErrorFacts | null;
  /** The node's log on the web page; added when the status is posted. */
  log_url?: string;
}

/** A failed node of a run, as its run's summary lists it. */
export interface FailedNodeFacts {
  node: string;
  result: 'failed' | 'timed_out';
  attempts: number;
  error: ErrorFacts | null;
  /** The node's log on the web page. */
  log_url: string;
}

/** Failed nodes a run summary lists at most; the rest are counted. */
export const SUMMARY_MAX_NODES = 20;

/**
 * A top-level run of a pull/merge request ended (the `forge.run_summary` handler's input): the
 * forge layer keeps one comment per pull request and pipeline, and edits it with this.
 */
export interface RunSummaryFacts {
  run_id: string;
  pipeline: string;
  status: 'succeeded' | 'failed' | 'timed_out';
  /** The run's own error (a timeout), or null. */
  error: ErrorFacts | null;
  /** Orders the runs of a pull request: an older run's summary never replaces a newer one's. */
  run_created_at: string;
  /** The run's attempt (a retried run ends again, later). */
  run_attempt: number;
  /** The commit the run ran on, where the event names one. */
  sha: string | null;
  run_url: string;
  /** Up to SUMMARY_MAX_NODES, in the order they ended. */
  failed: FailedNodeFacts[];
  /** How many nodes failed in all. */
  failed_count: number;
}

/** A run's page (`/runs/:id`), or a node's on it (`?node=`: the page opens its log). */
export function pageUrl(publicUrl: string, runId: string, nodeId?: string): string {
  const run = `${publicUrl.replace(/\/+$/, '')}/runs/${runId}`;
  return nodeId === undefined || nodeId === '' ? run : `${run}?node=${encodeURIComponent(nodeId)}`;
}
