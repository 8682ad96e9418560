/**
 * The targets of one job view: its `targets` (Copr chroots, Koji targets) or
 * `dist_git_branches`, expanded against the releases table, or Packit's default for the job
 * type when the key is unset. A tests job that needs a build and sets no targets takes its
 * build job's (pairing.ts passes them in).
 */
import { defaultTargets, TARGET_DEFAULTS } from './target-defaults.js';
import { expandTargets, type TargetProblem } from './targets.js';
import type { JobView, ReleasesTable, Target } from './types.js';

export interface ViewTargets {
  /** The key the targets come from; null for a job without targets (vm_image_build). */
  key: 'targets' | 'dist_git_branches' | null;
  /** True when the view sets the key (itself or by inheritance), false for a default. */
  explicit: boolean;
  targets: Target[];
  problems: TargetProblem[];
}

export function viewTargets(
  view: JobView,
  releases: ReleasesTable,
  buildTargets?: readonly string[] | null,
): ViewTargets {
  const { key, kind } = TARGET_DEFAULTS[view.type];
  if (key === null || kind === null) return { key, explicit: false, targets: [], problems: [] };
  const value = view.config[key];
  if (value !== undefined && value !== null) {
    return { key, explicit: true, ...expandTargets(value, kind, releases) };
  }
  const expanded = expandTargets(defaultTargets(view.type, buildTargets), kind, releases);
  // A default that fails to expand is not the user's mistake: it says nothing.
  return { key, explicit: false, targets: expanded.targets, problems: [] };
}
