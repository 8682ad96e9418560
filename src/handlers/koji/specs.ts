/**
 * The specs of `koji.build` (Packit's koji_build), `koji.scratch_build` (upstream_koji_build)
 * and `koji.task` (their poll). Inputs: src/compiler/packit/handler-inputs.ts.
 */
import { PACKIT_HANDLERS } from '../../compiler/packit/types.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { flag, nullableText, text } from '../spec-fields.js';

const buildFields = {
  package: text('The package (SRPM) name.'),
  target: text('The Koji build target, e.g. rawhide or f45-candidate.'),
  repository: text('The https URL of the git repository Koji clones (no credentials).'),
  commit: text('The full commit hash to build.'),
  scratch: flag('A scratch build (nothing is tagged or shipped).'),
  dist_git_branch: nullableText('The dist-git branch the build is of, if any.'),
};

const taskRef = {
  task_id: { type: 'integer', minimum: 1, description: 'The Koji task id.' },
  url: text("The task's page."),
  package: text('The package.'),
  target: text('The Koji build target.'),
  scratch: flag('A scratch build.'),
  dist_git_branch: nullableText('The dist-git branch, if any.'),
};

function buildSpec(name: string, what: string): HandlerSpec {
  return {
    name,
    description: `${what} Logs in with the client certificate of FORGEFLOW_KOJI_CERT and calls build("git+<repository>#<commit>", target, opts). Output: {task_id, url, package, target, scratch, dist_git_branch}.`,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['package', 'target', 'repository', 'commit'],
      properties: buildFields,
    },
  };
}

export const kojiBuildSpec = buildSpec(
  PACKIT_HANDLERS.kojiBuild,
  'Submit a Koji build of a dist-git commit (Packit koji_build).',
);

export const kojiScratchBuildSpec = buildSpec(
  PACKIT_HANDLERS.upstreamKojiBuild,
  'Submit a Koji scratch build of an upstream commit from its git repository (Packit upstream_koji_build; the hub must allow that SCM).',
);

export const kojiTaskSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.kojiTask,
  description:
    'Read a Koji build task (the poll of koji.build and koji.scratch_build). Output: the task ref with {state, ended, nvr, build_id}; fails with the non-retryable KojiBuildFailed when the task failed or was canceled.',
  input: { type: 'object', required: ['task_id'], properties: taskRef },
};
