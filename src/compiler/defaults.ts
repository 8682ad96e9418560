/**
 * What a job gets when it says nothing. Bounded on purpose: Temporal retries forever by default,
 * which suits code but not a CI pipeline that calls a flaky build service.
 */
import type { RetryPolicy } from '../contracts/graph.js';

export const DEFAULT_RETRY: RetryPolicy = {
  maximum_attempts: 3,
  initial_interval_ms: 1_000,
  backoff_coefficient: 2,
  maximum_interval_ms: 5 * 60_000,
  jitter: 0.2,
  non_retryable_errors: [],
};

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30 * 60_000;

export const DEFAULT_IF = 'success()';
