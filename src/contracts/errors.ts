/**
 * The error model every layer speaks: a HandlerError says what happened (`type`, which
 * `non_retryable_errors` match) and whether a retry could help; ErrorInfo is its stored JSON form
 * (attempts, nodes, history, the API). Handlers throw them, forge clients throw them, the runtime
 * stores them.
 */

export interface HandlerErrorOptions {
  /** A retry cannot help (bad input, 404, …). */
  nonRetryable?: boolean;
  /** Wait at least this long before the next attempt (a 429's Retry-After). */
  retryAfterMs?: number;
  /** Anything worth showing with the error (exit code, response body, …); must be JSON. */
  details?: unknown;
  cause?: unknown;
}

/** An error that says what happened (`type`, matched by `non_retryable_errors`) and whether to retry. */
export class HandlerError extends Error {
  readonly type: string;
  readonly nonRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(type: string, message: string, options: HandlerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HandlerError';
    this.type = type;
    this.nonRetryable = options.nonRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
}

/** The JSON form of an error as stored in attempts, nodes and history. */
export interface ErrorInfo {
  type: string;
  message: string;
  non_retryable: boolean;
  retry_after_ms?: number;
  details?: unknown;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof HandlerError) {
    return {
      type: error.type,
      message: error.message,
      non_retryable: error.nonRetryable,
      ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    };
  }
  if (error instanceof Error)
    return { type: error.name || 'Error', message: error.message, non_retryable: false };
  return { type: 'Error', message: String(error), non_retryable: false };
}
