/**
 * The specs (names and input schemas) of the handlers Packit jobs compile to: Copr builds,
 * Testing Farm requests, and the placeholders of the job types forgeflow does not integrate.
 * The inputs are src/compiler/packit/handler-inputs.ts; only what a build or a request cannot
 * do without is required, so a pipeline.yaml may use these handlers too.
 */
import { PACKIT_HANDLERS } from '../compiler/packit/types.js';
import type { HandlerSpec } from '../contracts/handler-spec.js';

const text = (description: string) => ({ type: 'string', description });
const nullableText = (description: string) => ({ type: ['string', 'null'], description });
const flag = (description: string) => ({ type: 'boolean', description });
const texts = (description: string) => ({ type: 'array', items: { type: 'string' }, description });
const stringMap = (description: string) => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});

/** The output of copr.build, as copr.build_status takes it back. */
const coprBuildRef = {
  build_id: { type: 'integer', minimum: 1, description: 'The Copr build id.' },
  owner: text('The Copr owner.'),
  project: text('The Copr project.'),
  chroot: text('The chroot, e.g. fedora-41-x86_64.'),
  url: text("The build's web page."),
};

export const coprBuildSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.coprBuild,
  description:
    'Submit a Copr build of the repository at a commit for one chroot (the SRPM is made in Copr by a generated script, like Packit does); creates the project or enables the chroot when missing. Output: {build_id, owner, project, chroot, url}.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['project', 'chroot', 'clone_url', 'committish'],
    properties: {
      owner: nullableText(
        'Copr owner (`@group` for a group); null: FORGEFLOW_COPR_OWNER, else the user of the token.',
      ),
      project: text('The Copr project; created with the chroot enabled when missing.'),
      chroot: text('The chroot to build for, e.g. fedora-41-x86_64.'),
      clone_url: text('An http(s) URL Copr clones the repository from (no credentials in it).'),
      committish: text('The commit to build: a commit hash; branch and tag names are refused.'),
      subdirectory: text('The package directory in the repository. Default `.`.'),
      specfile_path: nullableText(
        'The spec file relative to `subdirectory`; null: the first *.spec.',
      ),
      package: text('The package (SRPM) name.'),
      srpm_build_deps: texts('Packages installed where the SRPM is made.'),
      timeout_s: {
        type: 'integer',
        minimum: 1,
        description: "Copr's build timeout. Default 7200.",
      },
      enable_net: flag('Network access during the build. Default false.'),
      bootstrap: {
        enum: ['default', 'on', 'off', 'image', null],
        description: "Mock's bootstrap; null: Copr's default.",
      },
      additional_packages: texts('Packages added to the chroot’s buildroot.'),
      additional_repos: texts('Repositories added to the chroot’s buildroot.'),
      additional_modules: nullableText('Modules enabled in the chroot (comma separated).'),
      with_opts: texts('Mock --with options.'),
      without_opts: texts('Mock --without options.'),
      module_hotfixes: flag("The project's repositories get module_hotfixes=1."),
      preserve_project: flag('Keep a created project (else Copr deletes it after 60 days).'),
      list_on_homepage: flag("Show a created project on Copr's home page."),
      description: text("A created project's description."),
    },
  },
};

export const coprBuildStatusSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.coprBuildStatus,
  description:
    "Read a Copr build's chroot (the poll of copr.build). Output: the build ref with {state, ended, result_url}; fails with the non-retryable CoprBuildFailed when the chroot failed or was canceled.",
  input: {
    type: 'object',
    required: ['build_id', 'chroot'],
    properties: coprBuildRef,
  },
};

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

export interface Placeholder {
  handler: string;
  /** The system forgeflow would need, as the message names it. */
  system: string;
  /** The Packit job type(s) compiled to this handler. */
  jobs: string;
}

/** The Packit job types forgeflow does not integrate: their handlers fail NotConfigured. */
export const PLACEHOLDERS: readonly Placeholder[] = [
  { handler: PACKIT_HANDLERS.upstreamKojiBuild, system: 'Koji', jobs: 'upstream_koji_build' },
  { handler: PACKIT_HANDLERS.kojiBuild, system: 'Koji', jobs: 'koji_build' },
  { handler: PACKIT_HANDLERS.kojiBuildTag, system: 'Koji', jobs: 'koji_build_tag' },
  { handler: PACKIT_HANDLERS.bodhiUpdate, system: 'Bodhi', jobs: 'bodhi_update' },
  {
    handler: PACKIT_HANDLERS.proposeDownstream,
    system: 'Fedora dist-git',
    jobs: 'propose_downstream',
  },
  {
    handler: PACKIT_HANDLERS.pullFromUpstream,
    system: 'Fedora dist-git',
    jobs: 'pull_from_upstream',
  },
  {
    handler: PACKIT_HANDLERS.syncFromDownstream,
    system: 'Fedora dist-git',
    jobs: 'sync_from_downstream',
  },
  { handler: PACKIT_HANDLERS.vmImageBuild, system: 'Image Builder', jobs: 'vm_image_build' },
];

/** Every Packit handler's spec: Copr, Testing Farm and the placeholders. */
export function packitSpecs(): HandlerSpec[] {
  return [
    coprBuildSpec,
    coprBuildStatusSpec,
    testingFarmRunSpec,
    testingFarmRequestSpec,
    ...PLACEHOLDERS.map(({ handler, system, jobs }) => placeholderSpec(handler, system, jobs)),
  ];
}

/** The spec of a job type forgeflow does not integrate; its input is PackitJobInput. */
export function placeholderSpec(name: string, system: string, jobs: string): HandlerSpec {
  return {
    name,
    description: `Packit ${jobs} jobs. forgeflow has no ${system} integration: this fails NotConfigured unless the operator registers a handler named ${name} (--handlers FILE).`,
    input: {
      type: 'object',
      properties: {
        job: text('The Packit job type.'),
        trigger: text('The job trigger.'),
        package: text('The package.'),
        target: nullableText('The dist-git branch or Koji target.'),
        identifier: nullableText("The job's identifier."),
        config: { type: 'object', description: "The job's package-level Packit configuration." },
      },
    },
  };
}
