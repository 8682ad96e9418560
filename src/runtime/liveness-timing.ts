/** Worker liveness timing (liveness.ts), apart so the settings' defaults import no runtime code. */

/** How long a worker may go without beating before others judge it dead (issue 19: ~10 s). */
export const DEFAULT_WORKER_DEAD_AFTER_MS = 10_000;

/** How often a worker whose dead-after is `deadAfterMs` beats: five beats fit in it, ≤ 2 s. */
export function beatInterval(deadAfterMs: number): number {
  return Math.max(100, Math.min(2_000, Math.floor(deadAfterMs / 5)));
}
