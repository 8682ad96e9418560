/** The run's own `timeout`: a run still sleeping at its deadline ends timed out. */
import { runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const runDeadlineCase: ReplayCase = {
  name: 'run-deadline',
  covers: 'RunTimedOut: the pipeline timeout (1h) passes while a 2h sleep waits',
  config: pipelineYaml(
    `  warm-up:
    uses: test.script
    with: { echo: warm }
  soak:
    needs: warm-up
    sleep: 2h
`,
    'timeout: 1h\n',
  ),
  event: manualStart,
  drive: runToEnd,
};
