/**
 * The specs of `testing_farm.run` and `testing_farm.request`. The inputs are
 * src/compiler/packit/handler-inputs.ts; only what a request cannot do without is required, so
 * a pipeline.yaml may use these handlers too.
 */
import { PACKIT_HANDLERS } from '../../compiler/packit/types.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { nullableText, stringMap, text } from '../spec-fields.js';

export const testingFarmRunSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.testingFarmRun,
  description:
    'Submit a Testing Farm request (POST /v0.1/requests) running the tmt plans of an fmf tree, with a Copr build installed when given. Output: {request_id, url}.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['fmf_url', 'fmf_ref', 'environments'],
    properties: {
      fmf_url: text('The git repository holding the fmf tree.'),
      fmf_ref: nullableText("Its branch, tag or commit; null: the repository's default branch."),
      fmf_path: nullableText('The fmf tree inside the repository; null: the top.'),
      tmt_plan: nullableText('A regular expression selecting the plans; null: all.'),
      environments: {
        type: 'array',
        minItems: 1,
        description: 'Where to test: one Testing Farm environment each.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['compose', 'arch'],
          properties: {
            compose: text('A Testing Farm compose: Fedora-41, Fedora-Rawhide, CentOS-Stream-9, …'),
            arch: text('x86_64, aarch64, …'),
          },
        },
      },
      copr_build: {
        anyOf: [{ type: 'null' }, { type: 'object', required: ['build_id', 'chroot'] }],
        description: "The Copr build to install (copr.build's output), or null.",
      },
      variables: stringMap('Environment variables of the tests.'),
      tmt_context: stringMap('tmt context (distro, arch, trigger, initiator).'),
      post_install_script: nullableText('Run on the machine after it is provisioned.'),
      extra_params: {
        type: 'object',
        description:
          "Packit's tf_extra_params: its `test`, `environments` and `settings` are deep-merged into the request.",
      },
    },
  },
};

export const testingFarmRequestSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.testingFarmRequest,
  description:
    'Read a Testing Farm request (the poll of testing_farm.run). Output: {request_id, url, state, result, ended}; fails with the non-retryable TestsFailed (tests failed) or TestingFarmError (error, canceled).',
  input: {
    type: 'object',
    required: ['request_id'],
    properties: {
      request_id: text('The request id (testing_farm.run output).'),
      url: text("The request's artifacts page."),
    },
  },
};
