/**
 * One forge call's AbortSignal: the client's timeout and the caller's signal together, and
 * afterwards which of the two ended it (a timeout is the forge's fault and retries; a caller's
 * abort is the run being canceled or its attempt timing out).
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface Deadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** The timeout fired before any caller abort. */
  expired(): boolean;
  /** The caller aborted (before the timeout). */
  callerAborted(): boolean;
}

export function deadline(timeoutMs: number, caller?: AbortSignal): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = caller === undefined ? timeout : AbortSignal.any([caller, timeout]);
  const byCaller = (): boolean =>
    caller !== undefined && caller.aborted && signal.reason === caller.reason;
  return {
    signal,
    timeoutMs,
    expired: () => timeout.aborted && !byCaller(),
    callerAborted: byCaller,
  };
}
