/**
 * Timeouts: an attempt that outlives its `timeout` is aborted and retried, and the node times
 * out when its last attempt does. The handler holds until aborted; the clock is moved past the
 * timeout while it holds.
 */
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

const TIMEOUT_MS = 5_000;

export const attemptTimeoutCase: ReplayCase = {
  name: 'attempt-timeout',
  covers: 'start-to-close timeout: a timed-out attempt retried, then NodeTimedOut and RunFailed',
  config: pipelineYaml(`  slow:
    uses: test.wait
    timeout: 5s
    retry: { maximum_attempts: 2, initial_interval: 2s }
`),
  event: manualStart,
  async drive(h) {
    await h.startWorker();
    await h.start();
    await h.kit.blocker.arrived('slow');
    h.clock.advance(TIMEOUT_MS);
    await h.skip(); // to the retry's due time
    await h.kit.blocker.arrived('slow');
    h.clock.advance(TIMEOUT_MS);
    await h.drain();
  },
};
