/**
 * Retry with backoff: an activity fails twice with a retryable error, the second time with a
 * Retry-After, and succeeds on its third attempt; each wait is the policy's (no jitter: the
 * runtime's random source is fixed) or the error's own.
 */
import { runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const retryBackoffCase: ReplayCase = {
  name: 'retry-backoff',
  covers: 'NodeRetryScheduled: exponential backoff, then a Retry-After, then success',
  config: pipelineYaml(`  flaky:
    uses: test.script
    with:
      steps:
        - fail: { type: Unavailable }
        - fail: { type: RateLimited, retry_after_ms: 45000 }
        - output: ok
    retry: { maximum_attempts: 3, initial_interval: 10s, backoff_coefficient: 3 }
`),
  event: manualStart,
  drive: runToEnd,
};
