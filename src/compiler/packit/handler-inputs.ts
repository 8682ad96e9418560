/**
 * The inputs and outputs of the handlers Packit jobs compile to: the graph builder writes these
 * inputs (templates over `event`, `needs` and `output` allowed in string fields), the handlers
 * in src/handlers read them. A poll's output becomes its node's output, so the poll handlers
 * echo what a later node needs (the Copr build of a target, for its tests).
 */

/** A chroot's buildroot settings (Packit's CHROOT_SPECIFIC_COPR_CONFIGURATION). */
export interface CoprBuildroot {
  additional_packages: string[];
  additional_repos: string[];
  additional_modules: string | null;
  with_opts: string[];
  without_opts: string[];
}

/**
 * `copr.build`: submit one build of the repository at `committish` for all the chroots of a job
 * (packit-service's one build per job and package); each chroot is then followed on its own
 * (`copr.build_status`).
 */
export interface CoprBuildInput extends CoprBuildroot {
  /** Copr owner (`@group` for a group); null: the operator's default owner. */
  owner: string | null;
  /** The Copr project; created with the chroots enabled when missing. */
  project: string;
  chroots: string[];
  clone_url: string;
  committish: string;
  /** Sub-directory of the package in the repository (`paths[0]`, default `.`). */
  subdirectory: string;
  /** The spec file relative to `subdirectory`, or null to let the build find it. */
  specfile_path: string | null;
  /** The downstream package name (the SRPM's name). */
  package: string;
  srpm_build_deps: string[];
  /** Copr's build timeout, seconds (Packit's `timeout`, default 7200). */
  timeout_s: number;
  enable_net: boolean;
  /** `default` | `on` | `off` | `image`, or null for Copr's default. */
  bootstrap: string | null;
  /** The buildroot settings above are the project-wide ones; these are added for a chroot. */
  chroot_settings: Record<string, Partial<CoprBuildroot>>;
  module_hotfixes: boolean;
  preserve_project: boolean;
  list_on_homepage: boolean;
  /** What the build is for, written into the project description. */
  description: string;
  /** The run attempt submitting it (`${{ run.attempt }}`), echoed in the output. */
  run_attempt?: number;
}

/** Output of `copr.build`: the one build of all the chroots. */
export interface CoprSubmittedBuild {
  build_id: number;
  owner: string;
  project: string;
  chroots: string[];
  /** The build's web page. */
  url: string;
  /** The run attempt that submitted it, when the input said. */
  run_attempt?: number;
}

/** One chroot of a Copr build: the input of `copr.build_status`, what a test installs. */
export interface CoprBuildRef {
  build_id: number;
  owner: string;
  project: string;
  chroot: string;
  /** The build's web page. */
  url: string;
}

/**
 * A chroot node's own build of its chroot, for a run retry after the chroot failed (Copr has no
 * resubmit): submitted when the job's build, of an earlier run attempt, failed in the chroot.
 */
export interface CoprChrootRebuild {
  /** The run attempt the node runs in (`${{ run.attempt }}`). */
  run_attempt: number;
  /**
   * The run attempt the job's build was submitted in (its `copr.build` output); null when the
   * submitter did not say (another `copr.build` handler): the build is then only followed.
   */
  build_run_attempt: number | null;
  /** The job's build input for this chroot alone. */
  build: CoprBuildInput;
}

/** `copr.build_status` input: the chroot to follow (and, for a chroot's node, its rebuild). */
export interface CoprBuildStatusInput extends CoprBuildRef {
  rebuild?: CoprChrootRebuild | null;
}

/** A status as a handler tells it (src/contracts/status-update.ts). */
export interface ToldStatus {
  state: 'pending' | 'running';
  description: string;
  target_url: string | null;
}

/**
 * What a chroot that built gives its tests (packit-service's PACKIT_PACKAGE_NVR,
 * PACKIT_BUILD_LOG_URL, PACKIT_SRPM_URL and PACKIT_COPR_RPMS), in `copr.build_status`'s output
 * once the chroot succeeded.
 */
export interface CoprBuildResults {
  /** The SRPM Copr made (the build's `source_package.url`). */
  srpm_url: string | null;
  /** The chroot's `builder-live.log`. */
  build_log_url: string | null;
  /** `name-version-release` of the chroot's first package. */
  package_nvr: string | null;
  /** The chroot's RPMs but its SRPM, as `name-[epoch:]version-release.arch`. */
  rpms: string[];
}

/**
 * `copr.build_status` output. It throws a non-retryable `CoprBuildFailed` when the chroot (or
 * the SRPM build) ended failed or canceled, so `until: output.ended` only ever sees success end
 * a poll.
 */
export interface CoprBuildStatus extends CoprBuildRef, Partial<CoprBuildResults> {
  /** Copr's chroot state: waiting, importing, pending, starting, running, succeeded, … */
  state: string;
  ended: boolean;
  /** Where the chroot's results (RPMs, logs) are, once known. */
  result_url: string | null;
  /** packit-service's words for where the build is, linking to the Copr build. */
  status: ToldStatus;
}

export interface TestingFarmEnvironment {
  /** Testing Farm compose: `Fedora-41`, `Fedora-Rawhide`, `CentOS-Stream-9`, … */
  compose: string;
  arch: string;
}

/** `testing_farm.run`: submit one Testing Farm request (POST /v0.1/requests). */
export interface TestingFarmRunInput {
  fmf_url: string;
  /**
   * Its branch, tag or commit; null when a job's own `fmf_url` names no `fmf_ref` (Testing
   * Farm then takes that repository's default branch, as in Packit).
   */
  fmf_ref: string | null;
  fmf_path: string | null;
  /** tmt plan filter (Packit's `tmt_plan`, a regex). */
  tmt_plan: string | null;
  /** Where to test: the graph builder writes one, the test target's (Packit: one per request). */
  environments: TestingFarmEnvironment[];
  /**
   * The Copr build to install (`needs.<build job>.output`), or null with `skip_build`; what
   * the chroot built, when known, sets the PACKIT_* variables of the build.
   */
  copr_build: (CoprBuildRef & Partial<CoprBuildResults>) | null;
  /** Packit's `env`, as strings. */
  variables: Record<string, string>;
  /** tmt context: distro, arch, and Packit's `trigger: commit`, `initiator: packit`. */
  tmt_context: Record<string, string>;
  post_install_script: string | null;
  /** Packit's `tf_extra_params`, deep-merged into the request. */
  extra_params: Record<string, unknown>;
}

/** Output of `testing_farm.run`, and input of its poll `testing_farm.request`. */
export interface TestingFarmRequestRef {
  request_id: string;
  /** The request's page (artifacts viewer), where known. */
  url: string;
  /** packit-service's words for where the tests are, linking to the artifacts. */
  status?: ToldStatus;
}

/**
 * `testing_farm.request` output. It throws a non-retryable `TestsFailed` (result failed) or
 * `TestingFarmError` (state error or canceled) so `until: output.ended` sees only passes.
 */
export interface TestingFarmRequestState extends TestingFarmRequestRef {
  state: string;
  /** `result.overall`: passed, failed, error, skipped, unknown; null while running. */
  result: string | null;
  ended: boolean;
}

/**
 * The job types forgeflow does not integrate yet (Koji, Bodhi, dist-git, Image Builder): their
 * handler fails with the non-retryable `NotConfigured` unless the operator registers one.
 */
export interface PackitJobInput {
  job: string;
  trigger: string;
  package: string;
  /** The dist-git branch or Koji target, when the job has them. */
  target: string | null;
  identifier: string | null;
  /** The view's package-level config, for a handler the operator registers. */
  config: Record<string, unknown>;
}

/**
 * `koji.build` (koji_build: the dist-git commit) and `koji.scratch_build` (upstream_koji_build:
 * the upstream commit, always scratch): one Koji build task of `git+<repository>#<commit>`.
 */
export interface KojiBuildInput {
  /** The package (SRPM) name. */
  package: string;
  /** The Koji build target: `rawhide`, `f45-candidate`, `epel10-candidate`, … */
  target: string;
  /** The https URL of the git repository Koji clones (no credentials in it). */
  repository: string;
  /** The commit to build (a full hash). */
  commit: string;
  scratch: boolean;
  /** The dist-git branch the build is of (koji_build), or null (upstream_koji_build). */
  dist_git_branch: string | null;
}

/** Output of `koji.build` / `koji.scratch_build`, and input of their poll `koji.task`. */
export interface KojiTaskRef {
  task_id: number;
  /** The task's page in Koji's web UI. */
  url: string;
  package: string;
  target: string;
  scratch: boolean;
  dist_git_branch: string | null;
}

/**
 * `koji.task` output. It throws a non-retryable `KojiBuildFailed` when the task failed or was
 * canceled, so `until: output.ended` only sees a closed task end a poll.
 */
export interface KojiTaskState extends KojiTaskRef {
  /** Koji's task state: FREE, OPEN, ASSIGNED, CLOSED (CANCELED and FAILED throw). */
  state: string;
  ended: boolean;
  /** The build's name-version-release once the task closed (a scratch build's, from its SRPM). */
  nvr: string | null;
  /** The Koji build id (none for a scratch build). */
  build_id: number | null;
}

/** `bodhi.update`: a Bodhi update of one Koji build (Packit's bodhi_update). */
export interface BodhiUpdateInput {
  package: string;
  dist_git_branch: string;
  /** The build to ship: koji_build's output, or null for the branch's latest build in Koji. */
  koji_build: { nvr: string | null } | null;
  /** Packit's `bodhi_extra_params`, sent with the update where Bodhi has the field. */
  extra_params: Record<string, unknown>;
}

/** `bodhi.update` output. */
export interface BodhiUpdateRef {
  alias: string;
  url: string;
  nvr: string;
  /** False when an update of this build existed already (a retry, or made by hand). */
  created: boolean;
}
