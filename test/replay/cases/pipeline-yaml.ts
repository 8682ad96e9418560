/**
 * Front-end 1, pipeline.yaml: a GitHub push starts a matrix build, a matrix-aligned test of
 * each target (test[x] needs build[x] only) reading its build's output, and a publish needing
 * the whole test job (all outputs, their combined result), with env and event expressions.
 */
import { runToEnd, type ReplayCase } from '../case.js';
import { githubExampleEvent } from './events.js';

export const pipelineYamlCase: ReplayCase = {
  name: 'pipeline-yaml',
  covers: 'pipeline.yaml: push trigger, env, matrix, aligned and whole-job needs, outputs',
  config: {
    file: 'pipeline.yaml',
    text: `version: 1
name: build-and-test
on:
  push: { branches: [master] }
env:
  CHANNEL: nightly
jobs:
  build:
    matrix: { target: [f41, f42] }
    uses: test.script
    with: { echo: { rpm: "hello-\${{ matrix.target }}.rpm", sha: "\${{ event.sha }}" } }
  test:
    needs: build
    matrix: { target: [f41, f42] }
    uses: test.script
    with: { echo: "tested \${{ needs.build.output.rpm }} on \${{ env.CHANNEL }}" }
  publish:
    needs: test
    uses: test.script
    with: { echo: { tests: "\${{ needs.test.output }}", result: "\${{ needs.test.result }}" } }
`,
  },
  event: () => githubExampleEvent('push', 'push-branch'),
  drive: runToEnd,
};
