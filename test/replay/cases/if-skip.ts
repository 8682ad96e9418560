/**
 * `if:` and skips: a job whose `if` is false is skipped, so is the job needing it; a job with
 * `always()` runs anyway and reads the skipped result, and a failed node skips what needs it.
 */
import { runToEnd, type ReplayCase } from '../case.js';
import { manualStart, pipelineYaml } from './events.js';

export const ifSkipCase: ReplayCase = {
  name: 'if-skip',
  covers: 'NodeSkipped by `if: false`, by a skipped need and by a failed need; always() runs',
  config: pipelineYaml(`  docs:
    if: \${{ event.kind == 'release' }}
    uses: test.script
    with: { echo: docs }
  publish-docs:
    needs: docs
    uses: test.script
    with: { echo: published }
  lint:
    uses: test.script
    with: { steps: [{ fail: { type: LintFailed, non_retryable: true } }] }
  build:
    needs: lint
    uses: test.script
    with: { echo: built }
  report:
    needs: [docs, build]
    if: \${{ always() }}
    uses: test.script
    with: { echo: "docs \${{ needs.docs.result }}, build \${{ needs.build.result }}" }
`),
  event: manualStart,
  drive: runToEnd,
};
