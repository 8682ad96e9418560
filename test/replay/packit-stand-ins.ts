/**
 * Copr and Testing Farm as the Packit replay case meets them: the real handlers' names and
 * input schemas (src/handlers/packit-catalog.ts), answering at once with the real output
 * shapes, each poll done on its second call. The real clients have their own tests against
 * fake servers (test/handlers, test/e2e/packit.test.ts); here what matters is the graph and
 * the history a Packit run makes, without ports or HTTP timing in them.
 */
import type {
  CoprBuildInput,
  CoprBuildStatusInput,
  CoprBuildStatus,
  CoprSubmittedBuild,
  TestingFarmRequestRef,
  TestingFarmRequestState,
} from '../../src/compiler/packit/handler-inputs.js';
import { coprBuildSpec, coprBuildStatusSpec } from '../../src/handlers/copr/specs.js';
import {
  testingFarmRequestSpec,
  testingFarmRunSpec,
} from '../../src/handlers/testing-farm/specs.js';
import type { Handler } from '../../src/handlers/types.js';

const BUILD_ID = 4242;
const REQUEST_ID = 'f4c5b1e0-replay';

const coprBuild: Handler<CoprBuildInput> = {
  spec: coprBuildSpec,
  run: (input) =>
    Promise.resolve({
      build_id: BUILD_ID,
      owner: input.owner ?? 'replay',
      project: input.project,
      chroots: input.chroots,
      url: `https://copr.example/coprs/build/${BUILD_ID}/`,
      run_attempt: input.run_attempt,
    } satisfies CoprSubmittedBuild),
};

const coprBuildStatus: Handler<CoprBuildStatusInput> = {
  spec: coprBuildStatusSpec,
  run: ({ rebuild: _, ...input }, context) => {
    const ended = context.attempt >= 2;
    return Promise.resolve({
      ...input,
      state: ended ? 'succeeded' : 'running',
      ended,
      result_url: ended ? `https://copr.example/results/${input.project}/${input.chroot}/` : null,
      status: {
        state: 'running',
        description: ended ? 'RPMs were built successfully.' : 'RPM build is in progress...',
        target_url: input.url,
      },
    } satisfies CoprBuildStatus);
  },
};

const testingFarmRun: Handler = {
  spec: testingFarmRunSpec,
  run: () =>
    Promise.resolve({
      request_id: REQUEST_ID,
      url: `https://artifacts.example/${REQUEST_ID}`,
    } satisfies TestingFarmRequestRef),
};

const testingFarmRequest: Handler<TestingFarmRequestRef> = {
  spec: testingFarmRequestSpec,
  run: (input, context) => {
    const ended = context.attempt >= 2;
    return Promise.resolve({
      ...input,
      state: ended ? 'complete' : 'running',
      result: ended ? 'passed' : null,
      ended,
    } satisfies TestingFarmRequestState);
  },
};

export function packitStandIns(): Handler[] {
  return [coprBuild, coprBuildStatus, testingFarmRun, testingFarmRequest] as Handler[];
}
