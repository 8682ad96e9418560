/**
 * How often a handler that runs long should heartbeat, from its node's `heartbeat_timeout`
 * (issue 19): a third of it, so two beats may be late or lost before the timeout fires, within
 * 1 s (each beat is a database write) and 10 s (what exec always used). Shared by the runtime,
 * which hands the interval to handlers (HandlerContext.heartbeatEveryMs), and the compiler,
 * which warns below MIN_HEARTBEAT_TIMEOUT_MS.
 */

export const DEFAULT_HEARTBEAT_EVERY_MS = 10_000;
export const MIN_HEARTBEAT_EVERY_MS = 1_000;

/**
 * Under this, a heartbeat_timeout leaves less than a beat's round trip through the database
 * between beats: a busy database or worker kills a healthy step.
 */
export const MIN_HEARTBEAT_TIMEOUT_MS = 3_000;

/** The recommended beat interval for a node whose heartbeat timeout is `timeoutMs` (or none). */
export function heartbeatEvery(timeoutMs: number | null): number {
  if (timeoutMs === null) return DEFAULT_HEARTBEAT_EVERY_MS;
  return Math.max(
    MIN_HEARTBEAT_EVERY_MS,
    Math.min(DEFAULT_HEARTBEAT_EVERY_MS, Math.floor(timeoutMs / 3)),
  );
}
