/**
 * A node's live log as every layer speaks of it: handlers write lines to it (HandlerContext.log),
 * the runtime stores them masked and bounded, and the API, the CLI and the page read them back
 * numbered, so a gap in the numbers is lines the size limit dropped.
 */

/** `system` is what forgeflow or a handler says about a step, beside the program's own output. */
export type LogStream = 'stdout' | 'stderr' | 'system';

export const LOG_STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];

/** Where a handler writes its node's log; never throws, never blocks (the runtime batches). */
export interface NodeLog {
  line(stream: LogStream, text: string): void;
}

/** A log that keeps nothing: for calls that are not a node's attempt (posting a status). */
export const NO_LOG: NodeLog = { line: () => undefined };

/** One stored line as readers get it. */
export interface LogLine {
  /** Its number in the node's log, from 1; consecutive unless lines were dropped between. */
  n: number;
  attempt: number;
  stream: LogStream;
  /** When the line was written (ISO 8601). */
  at: string;
  text: string;
}
