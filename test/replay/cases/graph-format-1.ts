/**
 * A run stored with a format-1 graph (before format 2: every needed matrix instance listed,
 * and `edges`) still runs to its end on that graph, as runs started before the change do.
 */
import { asFormat1 } from '../../support/graph-format-1.js';
import { compiled, runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const graphFormat1Case: ReplayCase = {
  name: 'graph-format-1',
  covers: 'a format-1 graph (instances listed in needs, edges) still read and run',
  config: pipelineYaml(`  build:
    matrix: { arch: [x86_64, aarch64] }
    uses: test.script
    with: { echo: "\${{ matrix.arch }}" }
  bundle:
    needs: build
    uses: test.script
    with: { echo: "\${{ needs.build.output }}" }
`),
  event: manualStart,
  graph: (config, event, handlers) => asFormat1(compiled(config, event, handlers)),
  drive: runToEnd,
};
