/**
 * Expanding every job view's targets while validating, so a bad chroot or branch name is an
 * error of `forgeflow validate`, not only of the events that reach the job. Each problem points
 * at the key where the value is written: the job's per-package override, the job, the package
 * or the top level (the views inherit it), following YAML merge keys. A value inherited by many
 * views is reported once (finalizeDiagnostics drops exact repeats).
 */
import type { Diagnostic } from '../diagnostics.js';
import { makeDiagnostic, type Path } from '../yaml-source.js';
import type { PackitLocator } from './locate.js';
import type { TargetProblem } from './targets.js';
import { readPackitYaml } from './yaml.js';
import type { JobView, ReleasesTable } from './types.js';
import { viewTargets, type ViewTargets } from './view-targets.js';

export function expandAllTargets(
  views: readonly JobView[],
  releases: ReleasesTable,
): { targets: Map<JobView, ViewTargets>; problems: [JobView, ViewTargets][] } {
  const targets = new Map<JobView, ViewTargets>();
  const problems: [JobView, ViewTargets][] = [];
  for (const view of views) {
    // A tests job without targets takes its build's: expanded when planning.
    if (view.type === 'tests' && !view.skip_build && view.config.targets == null) continue;
    const expanded = viewTargets(view, releases);
    targets.set(view, expanded);
    if (expanded.problems.length > 0) problems.push([view, expanded]);
  }
  return { targets, problems };
}

export function targetDiagnostics(
  text: string,
  file: string,
  problems: readonly [JobView, ViewTargets][],
  monorepo: boolean,
): Diagnostic[] {
  if (problems.length === 0) return [];
  // Parsed again only when there is something to point at (rare): compiles stay fast.
  const read = readPackitYaml(text, file);
  if (!read.ok) return [];
  const { locator } = read;
  const out: Diagnostic[] = [];
  for (const [view, { key, problems: list }] of problems) {
    if (key === null) continue;
    const where = candidates(view, key, monorepo).find((p) => locator.node(p).found) ?? [key];
    for (const problem of list) out.push(diagnostic(file, locator, where, problem));
  }
  return out;
}

/** Where the key may be written, most specific first. */
function candidates(view: JobView, key: string, monorepo: boolean): Path[] {
  const paths: Path[] = [];
  if (view.path !== null) {
    paths.push([...view.path, 'packages', view.package, key]);
    paths.push([...view.path, key]);
    paths.push([...view.path, 'metadata', key]);
  }
  if (monorepo) paths.push(['packages', view.package, key]);
  paths.push([key]);
  return paths;
}

function diagnostic(
  file: string,
  locator: PackitLocator,
  where: Path,
  problem: TargetProblem,
): Diagnostic {
  const path = problem.index === null ? where : [...where, problem.index];
  // A dictionary key is pointed at as a key, a list item as its value.
  const at = typeof problem.index === 'string' ? 'key' : 'value';
  return makeDiagnostic(file, locator.span(path, at), 'target', problem.message, problem.severity);
}
