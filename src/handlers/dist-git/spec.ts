/** The spec of `packit.propose_downstream`; its input is compiler/packit/propose-input.ts. */
import { PACKIT_HANDLERS } from '../../compiler/packit/types.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { flag, nullableText, text, texts } from '../spec-fields.js';

export const proposeDownstreamSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.proposeDownstream,
  description:
    "Packit propose_downstream for one dist-git branch: clone the branch, sync the spec file and files_to_sync from the release, set the spec's Version, upload the source to the lookaside cache and update `sources`, push to the user's fork and open (or find) the Pagure pull request. Output: {pull_request_url, pull_request_id, fork_branch, version, commit, created}.",
  input: {
    type: 'object',
    required: ['downstream_package', 'dist_git_branch', 'tag'],
    properties: {
      job: text('The Packit job type.'),
      trigger: text('The job trigger.'),
      package: text('The package.'),
      target: nullableText('The dist-git branch.'),
      identifier: nullableText("The job's identifier."),
      config: { type: 'object', description: "The job's package-level Packit configuration." },
      downstream_package: text('The dist-git package (rpms/<name>).'),
      dist_git_branch: text('The dist-git branch the pull request goes to.'),
      tag: nullableText('The release tag.'),
      tag_template: text('upstream_tag_template; default {version}.'),
      subdirectory: text("The package's directory upstream; default `.`."),
      specfile_path: text('The spec file, relative to subdirectory.'),
      files_to_sync: {
        type: 'array',
        description: 'Upstream paths (relative to subdirectory) and where they go in dist-git.',
        items: {
          type: 'object',
          required: ['src', 'dest'],
          properties: { src: texts('Upstream files.'), dest: text('The dist-git path.') },
        },
      },
      spec_source_id: text('The spec source uploaded to the lookaside cache; default Source0.'),
      sync_changelog: flag("Keep the upstream spec's %changelog instead of dist-git's."),
      upstream_url: nullableText("The upstream repository's web page."),
      commit: nullableText('The released commit.'),
    },
  },
};
