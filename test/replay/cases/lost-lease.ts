/**
 * A worker that dies mid-attempt: it claimed the attempt and was never heard of again, so its
 * lease runs out, the sweeper times the attempt out as lost and schedules a retry, and the
 * dead worker's late completion is fenced off (recorded, not applied). A live worker then runs
 * the retry. The dead worker is played by the runtime's own claim and finish, called here.
 */
import { claim } from '../../../src/runtime/claim.js';
import { finishAttempt } from '../../../src/runtime/finish.js';
import { sweep } from '../../../src/runtime/sweep.js';
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

const LEASE_MS = 30_000;

export const lostLeaseCase: ReplayCase = {
  name: 'lost-lease',
  covers: 'a lease run out: NodeRetryScheduled with lost_attempts, LateCompletionFenced, retry',
  config: pipelineYaml(`  build:
    uses: test.script
    with: { echo: built }
`),
  event: manualStart,
  settings: { leaseMs: LEASE_MS },
  async drive(h) {
    const { engine } = h.runtime;
    await h.start();
    const [lost] = (await claim(engine, 'dead-worker', 1)).attempts;
    if (!lost) throw new Error('lost-lease: the attempt was not claimed');
    h.clock.advance(LEASE_MS + 1);
    await sweep(engine);
    await finishAttempt(engine, 'dead-worker', lost, { ok: true, output: 'too late' });
    await h.startWorker();
    await h.drain();
  },
};
