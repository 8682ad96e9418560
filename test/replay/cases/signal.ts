/**
 * A `wait_for` gate: the node waits for the signal `approve`, whose payload becomes its output
 * and is read by the node after it.
 */
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const signalCase: ReplayCase = {
  name: 'signal',
  covers: 'NodeWaiting, then SignalReceived delivered to the wait, its payload the output',
  config: pipelineYaml(`  approve:
    wait_for: { signal: approve }
  deploy:
    needs: approve
    uses: test.script
    with: { echo: "approved by \${{ needs.approve.output.by }}" }
`),
  event: manualStart,
  async drive(h) {
    await h.startWorker();
    const runId = await h.start();
    await h.settle();
    await h.runtime.signal(runId, 'approve', { by: 'octocat' });
    await h.drain();
  },
};
