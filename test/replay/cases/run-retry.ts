/**
 * Run retry: a node fails without retries, the run fails and what needs the node is skipped;
 * retrying the finished run re-runs the failed and skipped nodes, keeping what succeeded.
 */
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const runRetryCase: ReplayCase = {
  name: 'run-retry',
  covers: 'NodeFailed and RunFailed, then RunRetried re-running the failed and skipped nodes',
  config: pipelineYaml(`  fetch:
    uses: test.script
    with: { echo: sources }
  build:
    needs: fetch
    uses: test.script
    with:
      steps:
        - fail: { type: CompileError, message: "missing header", non_retryable: true }
        - output: built
  ship:
    needs: [fetch, build]
    uses: test.script
    with: { echo: "shipped \${{ needs.build.output }} from \${{ needs.fetch.output }}" }
`),
  event: manualStart,
  async drive(h) {
    await h.startWorker();
    const runId = await h.start();
    await h.drain();
    await h.runtime.retry(runId);
    await h.drain();
  },
};
