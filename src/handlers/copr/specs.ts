/**
 * The specs of `copr.build` and `copr.build_status`. The inputs are
 * src/compiler/packit/handler-inputs.ts; only what a build cannot do without is required, so a
 * pipeline.yaml may use these handlers too.
 */
import { PACKIT_HANDLERS } from '../../compiler/packit/types.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { flag, nullableText, text, texts } from '../spec-fields.js';

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
    'Submit one Copr build of the repository at a commit for all its chroots (the SRPM is made in Copr by a generated script, like Packit does); creates the project or enables the chroots when missing. Output: {build_id, owner, project, chroots, url} (and `chroot` when one `chroot` was given).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['project', 'clone_url', 'committish'],
    // One of them: a build needs at least one chroot.
    anyOf: [{ required: ['chroots'] }, { required: ['chroot'] }],
    properties: {
      owner: nullableText(
        'Copr owner (`@group` for a group); null: FORGEFLOW_COPR_OWNER, else the user of the token.',
      ),
      project: text('The Copr project; created with the chroots enabled when missing.'),
      chroots: {
        ...texts('The chroots to build for, e.g. [fedora-41-x86_64, fedora-41-aarch64].'),
        minItems: 1,
      },
      chroot: text('One chroot to build for, instead of `chroots`.'),
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
      chroot_settings: {
        type: 'object',
        description:
          'Chroot → its own buildroot settings (additional_packages, additional_repos, additional_modules, with_opts, without_opts), added to the ones above.',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            additional_packages: texts('Packages added to this chroot’s buildroot.'),
            additional_repos: texts('Repositories added to this chroot’s buildroot.'),
            additional_modules: nullableText('Modules enabled in this chroot (comma separated).'),
            with_opts: texts('Mock --with options.'),
            without_opts: texts('Mock --without options.'),
          },
        },
      },
      module_hotfixes: flag("The project's repositories get module_hotfixes=1."),
      preserve_project: flag('Keep a created project (else Copr deletes it after 60 days).'),
      list_on_homepage: flag("Show a created project on Copr's home page."),
      description: text("A created project's description."),
      run_attempt: {
        type: 'integer',
        minimum: 1,
        description:
          'The run attempt submitting (`${{ run.attempt }}`), echoed in the output so a chroot’s follower tells a build of an earlier attempt.',
      },
    },
  },
};

export const coprBuildStatusSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.coprBuildStatus,
  description:
    "Follow one chroot of a Copr build (its SRPM build first, then the chroot). Output: the build ref with {state, ended, result_url, status} (status: packit-service's description of where the build is, linking to it); fails with the non-retryable CoprBuildFailed when the chroot or the SRPM build failed or was canceled. With `rebuild`, a chroot that failed in a build of an earlier run attempt is built again alone, and that build followed.",
  input: {
    type: 'object',
    required: ['build_id', 'chroot'],
    properties: {
      ...coprBuildRef,
      rebuild: {
        type: ['object', 'null'],
        description:
          'A run retry builds the chroot again when the build, of an earlier run attempt, failed in it: {run_attempt, build_run_attempt, build: copr.build input for this chroot alone}.',
        additionalProperties: false,
        required: ['run_attempt', 'build_run_attempt', 'build'],
        properties: {
          run_attempt: { type: 'integer', minimum: 1, description: 'The run attempt now.' },
          build_run_attempt: {
            type: ['integer', 'null'],
            minimum: 1,
            description:
              'The run attempt the build was submitted in; null when its submitter did not say (the build is then followed).',
          },
          build: coprBuildSpec.input,
        },
      },
    },
  },
};
