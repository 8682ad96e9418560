/**
 * The error model every layer speaks: a HandlerError says what happened (`type`, which
 * `non_retryable_errors` match) and whether a retry could help; ErrorInfo is its stored JSON form
 * (attempts, nodes, history, the API). Handlers throw them, forge clients throw them, the runtime
 * stores them. forgeflow's own types are those of ERROR_TYPES (error-types.ts): the constructor
 * and `errorInfo` take no other.
 */
import type { ErrorType } from './error-types.js';

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
  /** One of ERROR_TYPES when forgeflow made the error; an operator's handler may use its own. */
  readonly type: string;
  readonly nonRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(type: ErrorType, message: string, options: HandlerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HandlerError';
    this.type = type;
    this.nonRetryable = options.nonRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  /**
   * An error of a type forgeflow does not produce: an operator's handler's own (`KojiDown`).
   * Handlers given as JavaScript (`--handlers FILE`) may call the constructor with any type;
   * forgeflow's own code may not call this (eslint.config.js).
   */
  static custom(type: string, message: string, options: HandlerErrorOptions = {}): HandlerError {
    return new HandlerError(type as ErrorType, message, options);
  }

  /** The same error (its type and retry advice) with another message and details: masked, say. */
  restated(message: string, details: unknown): HandlerError {
    // Its type as it came: forgeflow's own, or a handler's.
    return new HandlerError(this.type as ErrorType, message, {
      nonRetryable: this.nonRetryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(details !== undefined ? { details } : {}),
    });
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

/** The stored form of an error the runtime records without throwing it (a timeout, a lost worker). */
export function errorInfo(
  type: ErrorType,
  message: string,
  options: Omit<HandlerErrorOptions, 'cause'> = {},
): ErrorInfo {
  return stored(type, message, options);
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof HandlerError) return stored(error.type, error.message, error);
  if (error instanceof Error)
    return { type: error.name || 'Error', message: error.message, non_retryable: false };
  return { type: 'Error', message: String(error), non_retryable: false };
}

function stored(
  type: string,
  message: string,
  options: Omit<HandlerErrorOptions, 'cause'>,
): ErrorInfo {
  return {
    type,
    message,
    non_retryable: options.nonRetryable ?? false,
    ...(options.retryAfterMs !== undefined ? { retry_after_ms: options.retryAfterMs } : {}),
    ...(options.details !== undefined ? { details: options.details } : {}),
  };
}
