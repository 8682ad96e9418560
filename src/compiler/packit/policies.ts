/**
 * Retries, timeouts and polling of the nodes Packit jobs compile to, modelled on what
 * packit-service does: transient errors retried a few times with a 7 s backoff (its Celery
 * tasks), Copr builds babysat from 30 s backing off (Packit: 30 s → 1 h, about 8 h in all),
 * and a final state always reached (no status left pending forever).
 */
import type { NodeTimeouts, PollSpec, RetryPolicy } from '../../contracts/graph.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Submitting to Copr or Testing Farm: transient failures only (handlers mark the rest non-retryable). */
export const SUBMIT_RETRY: RetryPolicy = {
  maximum_attempts: 3,
  initial_interval_ms: 7_000,
  backoff_coefficient: 2,
  maximum_interval_ms: MINUTE,
  jitter: 0.2,
  non_retryable_errors: [],
};

/**
 * A poll call that fails for a passing reason (an outage, a rate limit) is tried again for as
 * long as the poll may last (its timeout ends it), backing off to the longest poll interval:
 * Packit babysits a build for hours whatever the API says. Failures that are final (the build
 * failed, a bad token) are non-retryable and end the poll at once.
 */
const POLL_RETRY: RetryPolicy = {
  ...SUBMIT_RETRY,
  maximum_attempts: 0,
  maximum_interval_ms: 10 * MINUTE,
};

export const SUBMIT_TIMEOUTS: NodeTimeouts = {
  attempt_ms: 5 * MINUTE,
  queue_ms: null,
  deadline_ms: null,
  heartbeat_ms: null,
};

/** Jobs forgeflow has no integration for: one try of a handler the operator registers. */
export const JOB_TIMEOUTS: NodeTimeouts = { ...SUBMIT_TIMEOUTS, attempt_ms: HOUR };

/** Copr's `timeout` counts build time only; the build may first wait this long in Copr's queue. */
const COPR_QUEUE_MARGIN_MS = 6 * HOUR;
/** Testing Farm cancels a request after 12 h; a little more lets its own verdict arrive. */
const TESTING_FARM_LIMIT_MS = 13 * HOUR;

function poll(handler: string, timeoutMs: number): PollSpec {
  return {
    handler,
    // The first call's output (the build or request reference) is the poll's input.
    input: '${{ output }}',
    every_ms: 30_000,
    until: 'output.ended',
    timeout_ms: timeoutMs,
    backoff_coefficient: 2,
    maximum_interval_ms: 10 * MINUTE,
    retry: POLL_RETRY,
    signal: null,
  };
}

export function coprPoll(handler: string, buildTimeoutS: number): PollSpec {
  return poll(handler, buildTimeoutS * 1000 + COPR_QUEUE_MARGIN_MS);
}

export function testingFarmPoll(handler: string): PollSpec {
  return poll(handler, TESTING_FARM_LIMIT_MS);
}

/** A Koji build may wait and build for long (big packages take most of a day). */
const KOJI_BUILD_LIMIT_MS = 24 * HOUR;

export function kojiPoll(handler: string): PollSpec {
  return poll(handler, KOJI_BUILD_LIMIT_MS);
}
