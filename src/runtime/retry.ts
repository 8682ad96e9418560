/**
 * When to try a failed attempt again: Temporal's retry policy (initial interval grown by the
 * backoff coefficient up to the maximum interval) with jitter, an error's own retry_after
 * (a 429's Retry-After) as a floor, and the node's deadline as a hard stop.
 */
import type { RetryPolicy } from '../contracts/graph.js';
import type { ErrorInfo } from '../contracts/errors.js';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/** `failures` counts the failed attempts so far, this one included. */
export function decideRetry(
  policy: RetryPolicy,
  error: ErrorInfo,
  failures: number,
  now: number,
  deadline: number | null,
  random: () => number,
): RetryDecision {
  if (error.non_retryable) return { retry: false, reason: `${error.type} is not retryable` };
  if (policy.non_retryable_errors.includes(error.type)) {
    return { retry: false, reason: `${error.type} is listed in non_retryable_errors` };
  }
  if (policy.maximum_attempts !== 0 && failures >= policy.maximum_attempts) {
    return { retry: false, reason: `all ${policy.maximum_attempts} attempts failed` };
  }
  const delayMs = Math.max(backoff(policy, failures, random), error.retry_after_ms ?? 0);
  if (deadline !== null && now + delayMs >= deadline) {
    return { retry: false, reason: 'the next attempt would start after the deadline' };
  }
  return { retry: true, delayMs };
}

/** The wait after the n-th failure: initial × coefficient^(n-1), capped, ± jitter. */
export function backoff(policy: RetryPolicy, failures: number, random: () => number): number {
  const grown =
    policy.initial_interval_ms * Math.pow(policy.backoff_coefficient, Math.max(0, failures - 1));
  const capped = Math.min(grown, policy.maximum_interval_ms);
  const jitter = capped * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(capped + jitter));
}
