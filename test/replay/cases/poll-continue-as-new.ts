/**
 * A polling child run: the first call's output starts a child that polls every 30 s until the
 * fake build is done (third poll); with two polls per run, the child continues as a new run
 * after its second poll, and the last child's end completes the parent node.
 */
import { runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const pollContinueAsNewCase: ReplayCase = {
  name: 'poll-continue-as-new',
  covers: 'ChildRunStarted, NodePolled, RunContinuedAsNew (2 polls a run), ChildRunCompleted',
  config: pipelineYaml(`  build:
    uses: test.script
    with: { echo: { id: b1 } }
    poll:
      uses: test.poll
      with: { key: "\${{ output.id }}", done_after: 3 }
      every: 30s
      until: "\${{ output.state == 'done' }}"
  announce:
    needs: build
    uses: test.script
    with: { echo: "\${{ needs.build.output }}" }
`),
  event: manualStart,
  settings: { pollsPerRun: 2 },
  drive: runToEnd,
};
