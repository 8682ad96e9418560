/**
 * Cancel: a run is canceled while its first node runs; the running attempt is aborted (its
 * handler hears the AbortSignal), the pending node is canceled, and the run ends canceled.
 */
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const cancelCase: ReplayCase = {
  name: 'cancel',
  covers:
    'CancelRequested mid-attempt: NodeCanceled for the running and the pending node, RunCanceled',
  config: pipelineYaml(`  build:
    uses: test.wait
  package:
    needs: build
    uses: test.script
    with: { echo: packaged }
`),
  event: manualStart,
  async drive(h) {
    await h.startWorker();
    const runId = await h.start();
    await h.kit.blocker.arrived('build');
    await h.runtime.cancel(runId, 'replay: canceled while build ran');
    await h.drain();
  },
};
