/**
 * Package-level keys, part 2: building (Copr, mock), testing (Testing Farm), downstream jobs
 * (dist-git, Koji, Bodhi) and VM images. Most were the old `metadata:` keys.
 */
import { bool, dict, int, shared, str, strings } from './fields.js';
import { Bootstrap } from './shapes.js';

export const BUILD_KEYS = {
  srpm_build_deps: strings('Packages installed to build the SRPM in Copr (needed by actions).'),
  targets: shared(
    'targets',
    'Copr chroots or test targets (fedora-rawhide-x86_64, aliases such as fedora-all); a list, or a mapping of target to settings. Default: fedora-stable.',
  ),
  timeout: int('Seconds to wait for a build before giving up. Default: 7200.'),
  owner: str('Copr owner of a custom project (@group for a group). Default: packit.'),
  project: str('Copr project to build in. Default: a temporary project per pull request.'),
  preserve_project: bool('Keep the Copr project instead of deleting it after 60 days.'),
  list_on_homepage: bool('List the Copr project on the Copr home page.'),
  additional_packages: strings('Packages installed in the build root.'),
  additional_repos: strings(
    'Repositories enabled in the build root (copr://owner/project or URLs).',
  ),
  bootstrap: Bootstrap,
  module_hotfixes: bool('Generate repository files with module_hotfixes=1.'),
  enable_net: bool('Give Copr builds network access. Default: false.'),
  osh_diff_scan_after_copr_build: bool(
    'Run an OpenScanHub differential scan after a pull-request build. Default: true.',
  ),
  csmock_args: str('Extra arguments for csmock in OpenScanHub scans.'),
  osh_options: shared('osh_options', 'Options of the OpenScanHub scan: analyzer, config, profile.'),
};

export const TEST_KEYS = {
  fmf_url: str('Git repository holding the tmt (fmf) tree. Default: this repository.'),
  fmf_ref: str('Branch, tag or commit of fmf_url.'),
  fmf_path: str('Path of the fmf root in the repository. Default: the top.'),
  tmt_plan: str('Regular expression selecting the tmt plans to run.'),
  tf_post_install_script: str('Shell script run on the test machine after provisioning.'),
  tf_extra_params: dict('Extra fields merged into the Testing Farm request.'),
  env: shared('env', 'Environment variables set where the tests run (name: value).'),
  use_internal_tf: bool('Run on the internal Testing Farm.'),
  use_target_repo_for_fmf_url: bool(
    'Take tests from the target repository for pull requests from forks.',
  ),
  skip_missing_branched_composes: bool('Skip branched Fedora targets with no compose yet.'),
  sync_test_job_statuses_with_builds: bool(
    "Show the build's progress in test statuses while the build runs. Default: true.",
  ),
};

export const DOWNSTREAM_KEYS = {
  dist_git_branches: shared(
    'dist_git_branches',
    'Dist-git branches (f43, rawhide, aliases such as fedora-all); a list, or a mapping of branch to {fast_forward_merge_into: [...]}.',
  ),
  branch: str(
    'Regular expression of the branch: pushed to (commit), or targeted by a pull request.',
  ),
  scratch: bool('Make Koji scratch builds.'),
  allowed_pr_authors: strings(
    'Dist-git pull request authors whose merges start Koji builds. Default: [packit].',
  ),
  allowed_committers: strings('Dist-git committers whose pushes start Koji builds. Default: [].'),
  allowed_builders: strings(
    'Koji build owners whose builds start Bodhi updates. Default: [packit].',
  ),
  bodhi_extra_params: dict('Extra fields of Bodhi updates (stable_karma, ...).'),
};

export const IMAGE_KEYS = {
  image_distribution: str('Distribution of the VM image (Image Builder), e.g. rhel-90.'),
  image_request: dict('The Image Builder image request, passed on as it is.'),
  image_customizations: dict('Image Builder customizations, passed on as it is.'),
  copr_chroot: str('Copr chroot whose build the VM image installs.'),
};
