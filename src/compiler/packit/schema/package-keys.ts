/**
 * Package-level keys, part 1 (Packit's CommonConfigSchema: identity and layout, actions,
 * syncing to dist-git, service behaviour). Any of them may be written at the top level, in
 * `packages.<name>`, in a job, or in `jobs[i].packages.<name>`.
 */
import Type from 'typebox';
import { bool, dict, ignored, int, list, shared, str, strings, text } from './fields.js';
import { PackitInstances, SpecSourceId } from './shapes.js';

/** `validate_repo_name`: no "/" and no NUL. */
export const REPO_NAME_PATTERN = '^[^/\\u0000]*$';

export const IDENTITY_KEYS = {
  specfile_path: str(
    'Path of the spec file in the repository. Default: <downstream_package_name>.spec.',
  ),
  downstream_package_name: str(
    'Name of the package in dist-git. Default: the package key, else the repository name.',
  ),
  upstream_package_name: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    pattern: REPO_NAME_PATTERN,
    description:
      'Name of the upstream project (e.g. on PyPI), used for archive names; no "/". Default: the repository name.',
  }),
  upstream_project_url: str('URL of the upstream git repository, cloned by downstream jobs.'),
  paths: list('Directories of the repository that belong to this package. Default: ["./"].'),
  upstream_ref: str('Git reference of the last upstream commit (source-git); a tag glob.'),
  upstream_tag_template: text(
    'How a version is written as a git tag, e.g. v{version}. Default: {version}.',
  ),
  upstream_tag_include: text('Python regular expression: only tags matching it count as releases.'),
  upstream_tag_exclude: text('Python regular expression: tags matching it are ignored.'),
  archive_root_dir_template: text(
    'Top directory in the source archive. Default: {upstream_pkg_name}-{version}.',
  ),
  spec_source_id: SpecSourceId,
  dist_git_base_url: str(
    'Base URL of the dist-git server. Default: https://src.fedoraproject.org/.',
  ),
  dist_git_namespace: str('Namespace in dist-git. Default: rpms.'),
  pkg_tool: str(
    'Packaging tool for dist-git and the lookaside cache: fedpkg (default), centpkg, ...',
  ),
  sig: str('CentOS Special Interest Group that maintains the downstream package.'),
  config_file_path: str('Path of this configuration file; Packit sets it itself.'),
  dist_git_url: ignored(
    'Ignored: no longer processed; the dist-git URL comes from dist_git_base_url and downstream_package_name.',
  ),
};

export const SYNC_KEYS = {
  actions: shared(
    'actions',
    "Commands that replace or hook into Packit's steps, keyed by action name (create-archive, fix-spec-file, ...).",
  ),
  files_to_sync: shared(
    'files_to_sync',
    'Files copied from upstream to dist-git on a release sync. Default: the spec file and this config file.',
  ),
  create_pr: bool(
    'Propose a dist-git update as a pull request rather than a push (CLI). Default: true.',
  ),
  sync_changelog: bool('Sync the %changelog of the spec file to dist-git too. Default: false.'),
  create_sync_note: bool('Create README.packit in dist-git on a sync. Default: true.'),
  copy_upstream_release_description: bool(
    'Use the upstream release notes as the changelog entry. Default: false.',
  ),
  patch_generation_ignore_paths: strings('Paths left out of patches generated from source-git.'),
  patch_generation_patch_id_digits: int('Minimum width of PatchN numbers. Default: 4.', 0),
  allowed_gpg_keys: strings('GPG fingerprints, one of which must sign the last upstream commit.'),
  sources: shared('sources', 'Override the URLs of spec file sources: a list of {path, url}.'),
  upload_sources: bool('Upload the archive to the lookaside cache on a sync. Default: true.'),
  update_release: bool("Let Packit change the spec file's Release in SRPM builds. Default: true."),
  release_suffix: str('Template of the Release suffix of SRPM builds; null keeps the default.'),
  version_suffix: str('Suffix added to the version in SRPM builds.'),
  preserve_spec: bool('Keep the spec file as it is when syncing a release.'),
  prerelease_suffix_pattern: text('Python regular expression of pre-release suffixes.'),
  prerelease_suffix_macro: str('Spec file macro Packit toggles for pre-release versions.'),
  version_update_mask: str(
    'Python regular expression both old and new versions must match alike to sync.',
  ),
  version_update_specifiers: str(
    'PEP 440 specifier set a new version must satisfy, e.g. ">=2,<3".',
  ),
  parse_time_macros: dict(
    'Macros defined (or, with null, undefined) when Packit parses the spec file.',
  ),
  merge_pr_in_ci: bool(
    'Merge a pull request into its target branch before building. Default: true.',
  ),
};

export const SERVICE_KEYS = {
  identifier: str('Suffix of status names that tells apart jobs of the same type; no ":".'),
  packit_instances: PackitInstances,
  notifications: shared('notifications', 'How Packit tells about results: comments and issues.'),
  require: shared('require', 'Pull request labels the job requires or refuses.'),
  test_command: shared('test_command', 'Defaults of the `/packit test` comment command.'),
  status_name_template: str(
    'Python format string of status names: {job_name}, {chroot}, {event}, {identifier}, {package}.',
  ),
  issue_repository: str('Repository where Packit opens issues about failed downstream jobs.'),
  clone_repos_before_run_condition: bool('Clone the repositories before the run-condition action.'),
};
