/**
 * A concurrency group without cancel_in_progress: a second run of the group waits queued
 * behind the first and is dequeued when the first ends.
 */
import type { ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const concurrencyQueueCase: ReplayCase = {
  name: 'concurrency-queue',
  covers: 'RunQueued behind a running run of the same group, RunDequeued when it ends',
  config: pipelineYaml(
    `  deploy:
    sleep: 1m
  done:
    needs: deploy
    uses: test.script
    with: { echo: "deployed \${{ event.sha }}" }
`,
    `concurrency:
  group: "deploy-\${{ event.repo.full_name }}"
  cancel_in_progress: false
`,
  ),
  event: manualStart,
  async drive(h) {
    await h.startWorker();
    await h.start();
    await h.settle();
    await h.start();
    await h.drain();
  },
};
