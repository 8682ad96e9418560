/**
 * The contract between the parts of the Packit front-end: what loading a `.packit.yaml` gives
 * (job views, one per job × trigger × package, with every package-level key already inherited),
 * what target expansion gives, what a `/packit …` comment means, and the handlers Packit jobs
 * compile to. Pure data: the loader (load.ts), targets (targets.ts), commands (commands.ts) and
 * the graph builder (graph.ts) meet here and nowhere else.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Path } from '../yaml-source.js';

export const JOB_TYPES = [
  'propose_downstream',
  'pull_from_upstream',
  'sync_from_downstream',
  'copr_build',
  'upstream_koji_build',
  'koji_build',
  'tests',
  'bodhi_update',
  'vm_image_build',
  'koji_build_tag',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_TRIGGERS = ['release', 'pull_request', 'commit', 'koji_build', 'ignore'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** Package-level keys (Packit's CommonConfigSchema), merged top → package → job → job.packages.X. */
export type PackageConfig = Record<string, unknown>;

/** One job narrowed to one trigger and one package: what packit-service iterates over. */
export interface JobView {
  /** Index of the job in the file's `jobs` list (or in the default jobs when `jobs` is absent). */
  index: number;
  /** The job's YAML path (`['jobs', 2]`), or null for a default job (it has no place in the file). */
  path: Path | null;
  type: JobType;
  trigger: JobTrigger;
  /** The package key (a single-package file's package is its downstream_package_name). */
  package: string;
  /** `identifier`, or the package key when the file has several packages. */
  identifier: string | null;
  /** The file has several packages (`packages:`): Packit's JobConfigView. */
  monorepo?: true;
  skip_build: boolean;
  manual_trigger: boolean;
  /** Job-only `labels` (for `/packit test --labels`). */
  labels: string[];
  /** Job-only side-tag keys (koji_build, bodhi_update), present when the job sets them. */
  sidetag_group?: string;
  dependents?: string[];
  dependencies?: string[];
  /** Every package-level key in force for this view, defaults not yet applied. */
  config: PackageConfig;
}

export interface LoadedPackit {
  /** Package key → its merged package-level config (top level → package). */
  packages: Record<string, PackageConfig>;
  /** True when the file declared `packages:` (a monorepo or package variants). */
  monorepo: boolean;
  /** True when `jobs` was absent and Packit's three default jobs were used. */
  defaultJobs: boolean;
  jobs: JobView[];
}

export type LoadResult =
  | { ok: true; config: LoadedPackit; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Fedora and EPEL releases as Bodhi knew them when forgeflow shipped; an operator can replace
 * the table (Packit asks Bodhi at run time; forgeflow's compiler does no I/O).
 */
export interface ReleasesTable {
  /** ISO date the table describes. */
  as_of: string;
  fedora: {
    /** The Rawhide version number (e.g. 45: rawhide builds as fedora-rawhide / f45 in Koji). */
    rawhide: number;
    /** A branched, not yet released version, or null. */
    branched: number | null;
    /** Released and supported versions, oldest first. */
    stable: number[];
  };
  /** Active EPEL majors (7, 8, 9, 10) and the EPEL 10 minors, e.g. ["10.0", "10.1"]. */
  epel: { majors: number[]; minors: string[] };
  /** The active openSUSE distributions; releases.ts's DEFAULT_OPENSUSE when absent. */
  opensuse?: OpensuseReleases;
}

/** What Packit's openSUSE aliases expand to (the opensuse-distro-aliases package's list). */
export interface OpensuseReleases {
  /** Leap versions, oldest first: "15.6" is the chroot opensuse-leap-15.6-<arch>. */
  leap: string[];
  /** Leap Micro versions, oldest first: opensuse-leap-micro-6.2-<arch>. */
  leap_micro: string[];
  /** Whether opensuse-tumbleweed-<arch> is active. */
  tumbleweed: boolean;
}

/** One expanded target: a Copr chroot, a Koji target or a dist-git branch. */
export interface Target {
  name: string;
  /** Per-target attributes from a targets dictionary (`distros`, `additional_packages`, …). */
  attrs: Record<string, unknown>;
}

/** A `/packit …` comment, parsed. */
export type PackitCommandName =
  | 'build'
  | 'copr-build'
  | 'rebuild-failed'
  | 'test'
  | 'retest-failed'
  | 'propose-downstream'
  | 'upstream-koji-build'
  | 'koji-build'
  | 'create-update'
  | 'vm-image-build'
  | 'pull-from-upstream'
  | 'koji-tag'
  | 'help';

export interface PackitCommand {
  name: PackitCommandName;
  /** `--package P` before the command. */
  package: string | null;
  /** `/packit test --identifier X` (also `--id`, `-i`). */
  identifier: string | null;
  /** `/packit test --labels a,b`. */
  labels: string[];
  /** `/packit test --env K=V` (repeatable). */
  env: Record<string, string>;
  /** `--commit BRANCH` / `--release TAG` on build and test. */
  commit: string | null;
  release: string | null;
  /** `/packit pull-from-upstream --resolve-bug rhbz#1,rhbz#2` (absent: not given). */
  resolve_bugs?: string[];
  /** `/packit pull-from-upstream --with-pr-config`. */
  with_pr_config?: boolean;
  /** `/packit pull-from-upstream --version V`. */
  version?: string | null;
  /** `/packit koji-tag --all-branches`. */
  all_branches?: boolean;
}

export type ParsedPackitCommand =
  | { ok: true; command: PackitCommand }
  | { ok: false; error: string }
  /** Not a /packit comment at all. */
  | undefined;

/** Handlers Packit jobs compile to (src/handlers implements them; the compiler only names them). */
export const PACKIT_HANDLERS = {
  /** Submit one Copr build of the repository at the event's commit for all of a job's chroots. */
  coprBuild: 'copr.build',
  /** Read a Copr build's chroot state (the poll of copr.build). */
  coprBuildStatus: 'copr.build_status',
  /** Submit a Testing Farm request. */
  testingFarmRun: 'testing_farm.run',
  /** Read a Testing Farm request (the poll of testing_farm.run). */
  testingFarmRequest: 'testing_farm.request',
  /** Koji scratch build from the forge (upstream_koji_build) and dist-git build (koji_build). */
  upstreamKojiBuild: 'koji.scratch_build',
  kojiBuild: 'koji.build',
  /** Read a Koji build task (the poll of koji.build and koji.scratch_build). */
  kojiTask: 'koji.task',
  /** Create a Bodhi update of a Koji build's NVR. */
  bodhiUpdate: 'bodhi.update',
  /** Open dist-git pull requests for a release (dist-git, lookaside cache, Pagure). */
  proposeDownstream: 'packit.propose_downstream',
  /** Not integrated: they fail NotConfigured unless the operator registers a handler. */
  kojiBuildTag: 'koji.tag',
  pullFromUpstream: 'packit.pull_from_upstream',
  syncFromDownstream: 'packit.sync_from_downstream',
  vmImageBuild: 'image_builder.build',
} as const;
