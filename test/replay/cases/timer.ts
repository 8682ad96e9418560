/** A durable timer: `sleep: 10m` starts a timer task that fires when the clock gets there. */
import { runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const timerCase: ReplayCase = {
  name: 'timer',
  covers: 'TimerStarted and TimerFired of a 10-minute sleep between two activities',
  config: pipelineYaml(`  build:
    uses: test.script
    with: { echo: built }
  soak:
    needs: build
    sleep: 10m
  release:
    needs: [build, soak]
    uses: test.script
    with: { echo: "released \${{ needs.build.output }}" }
`),
  event: manualStart,
  drive: runToEnd,
};
