/** Retry policy and timeouts: Temporal's names, so the semantics carry over unchanged. */
import Type, { type Static } from 'typebox';
import { Duration } from './common.js';

export const RetryPolicySchema = Type.Object(
  {
    maximum_attempts: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'How many attempts in all, the first included. 0 means unlimited (bounded by `deadline`). Default 3.',
      }),
    ),
    initial_interval: Type.Optional(Duration('Wait before the first retry. Default 1s.')),
    backoff_coefficient: Type.Optional(
      Type.Number({
        minimum: 1,
        description: 'Each retry waits this many times longer than the one before. Default 2.',
      }),
    ),
    maximum_interval: Type.Optional(Duration('The longest wait between two attempts. Default 5m.')),
    jitter: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'Randomise each wait by up to this fraction (0.2 = ±20%), so retries of many nodes do not arrive together. Default 0.2.',
      }),
    ),
    non_retryable_errors: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Error types that fail the node at once, without retrying (e.g. HttpClientError, ExitCode).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'When and how often a failed attempt is tried again (Temporal retry policy).',
  },
);

export type RetryPolicyConfig = Static<typeof RetryPolicySchema>;

/** The per-job timeouts, also accepted under `defaults:`. */
export const timeoutFields = {
  timeout: Type.Optional(
    Duration('Longest time one attempt may run (start-to-close). Default 30m.'),
  ),
  queue_timeout: Type.Optional(
    Duration(
      'Longest time an attempt may wait for a worker before it times out (schedule-to-start).',
    ),
  ),
  deadline: Type.Optional(
    Duration(
      'Longest time for all attempts together, retries and backoff included (schedule-to-close).',
    ),
  ),
  heartbeat_timeout: Type.Optional(
    Duration('An attempt that has not heartbeaten for this long is considered lost and retried.'),
  ),
};
