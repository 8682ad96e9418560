/**
 * What packit-service uses when a job sets no `targets` / `dist_git_branches` (reference §1.6,
 * "Runtime defaults"): the key that holds them, how its names are spelt, and the names to
 * expand in its place (with `expandTargets`).
 */
import type { TargetKind } from './aliases.js';
import type { JobType } from './types.js';

export interface TargetDefault {
  /** The key the job's targets come from; null: the job has none (vm_image_build). */
  key: 'targets' | 'dist_git_branches' | null;
  kind: TargetKind | null;
  /** Names to expand when the key is unset. */
  names: readonly string[];
}

/** The dist-git default branch (Fedora's Rawhide), where downstream jobs act by default. */
export const DEFAULT_DIST_GIT_BRANCH = 'main';

export const TARGET_DEFAULTS: Readonly<Record<JobType, TargetDefault>> = {
  // Packit also takes the chroots of a custom `owner/project` Copr project; that needs Copr.
  copr_build: { key: 'targets', kind: 'copr', names: ['fedora-stable'] },
  // When the tests need a build, the build job's targets (see defaultTargets).
  tests: { key: 'targets', kind: 'copr', names: ['fedora-stable'] },
  upstream_koji_build: { key: 'targets', kind: 'koji', names: ['fedora-stable'] },
  vm_image_build: { key: null, kind: null, names: [] },
  propose_downstream: {
    key: 'dist_git_branches',
    kind: 'branches',
    names: [DEFAULT_DIST_GIT_BRANCH],
  },
  pull_from_upstream: {
    key: 'dist_git_branches',
    kind: 'branches',
    names: [DEFAULT_DIST_GIT_BRANCH],
  },
  sync_from_downstream: {
    key: 'dist_git_branches',
    kind: 'branches',
    names: [DEFAULT_DIST_GIT_BRANCH],
  },
  koji_build: { key: 'dist_git_branches', kind: 'branches', names: [DEFAULT_DIST_GIT_BRANCH] },
  koji_build_tag: {
    key: 'dist_git_branches',
    kind: 'branches',
    names: [DEFAULT_DIST_GIT_BRANCH],
  },
  // Rawhide gets its updates automatically, so only the stable branches.
  bodhi_update: { key: 'dist_git_branches', kind: 'branches', names: ['fedora-stable'] },
};

/**
 * The names to expand for a job whose targets are unset. `buildTargets`: for a tests job that
 * needs a build, the (unexpanded) targets of its build job; null or omitted otherwise.
 */
export function defaultTargets(
  jobType: JobType,
  buildTargets?: readonly string[] | null,
): string[] {
  if (jobType === 'tests' && buildTargets) return [...buildTargets];
  return [...TARGET_DEFAULTS[jobType].names];
}
