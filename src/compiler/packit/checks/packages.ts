/**
 * What Packit requires of the packages a file defines (reference §1.7): at least one package,
 * a name for the package of a one-package file, and a spec file for each package a job builds.
 *
 * The spec file rule is packit's `specfile_path_defined` (schema.py) after `set_defaults`
 * (config/package_config.py): each `packages.<name>` entry gets its own `specfile_path`, or
 * `<downstream_package_name>.spec` when that entry names its downstream package, and nothing
 * else: the top-level `specfile_path` is not inherited (the entry's empty one wins over it).
 * A job, or its `packages.<name>` override, may still set it; a `tests` job with `skip_build`
 * needs none. packit-service would then take the repository's first spec file for every such
 * package; forgeflow refuses, as Packit's own loader does without a repository to search.
 */
import { isDict, type Dict } from '../../checks/context.js';
import type { Path } from '../../yaml-source.js';
import { jobsOf } from '../levels.js';
import { jobName } from '../places.js';
import type { Report } from '../report.js';
import { BOOLEAN_WORDS } from '../schema/fields.js';
import { DEFAULT_JOBS, selectedPackages } from '../views.js';
import { packitSays } from '../words.js';

export const NO_SPECFILE = "'specfile_path' is not specified or no specfile was found in the repo";

/** Python's truth of a value already checked by the schema. */
const truthy = (value: unknown): boolean =>
  value !== null && value !== undefined && value !== '' && value !== false && value !== 0;

const TRUE_WORDS: readonly unknown[] = [true, 1, ...BOOLEAN_WORDS.true];

export function checkPackages(report: Report, data: Dict): void {
  if (!('packages' in data)) {
    if ('downstream_package_name' in data && data.downstream_package_name === null)
      report.error(
        ['downstream_package_name'],
        '"downstream_package_name" is written with no value, but in a file without "packages" it names the package: give it one or remove the key (the repository name is the default)' +
          packitSays('Field may not be null.'),
      );
    return;
  }
  if (!isDict(data.packages)) return; // the schema says what is wrong with it
  if (Object.keys(data.packages).length === 0) {
    report.error(
      ['packages'],
      '"packages" defines no package: define at least one, or remove "packages" for a repository of one package' +
        packitSays('Cannot parse package config. StopIteration()'),
    );
    return;
  }
  checkSpecfiles(report, data, data.packages);
}

interface Missing {
  jobs: string[];
  /** Where a job set an empty specfile_path over the package's, if one did. */
  emptiedAt?: Path;
}

function checkSpecfiles(report: Report, data: Dict, packages: Dict): void {
  const own = new Map<string, unknown>();
  for (const [name, entry] of Object.entries(packages)) {
    if (!isDict(entry)) continue;
    const spec = truthy(entry.specfile_path)
      ? entry.specfile_path
      : truthy(entry.downstream_package_name)
        ? `${String(entry.downstream_package_name)}.spec`
        : null;
    own.set(name, spec);
  }
  const missing = new Map<string, Missing>();
  for (const { job, path, name } of jobsToCheck(data)) {
    // Packit merges a deprecated metadata block into its job before this check.
    const merged = isDict(job.metadata) ? { ...job, ...job.metadata } : job;
    if (merged.job === 'tests' && TRUE_WORDS.includes(merged.skip_build)) continue;
    const selection = job.packages;
    for (const pkg of selectedPackages(selection, Object.keys(packages))) {
      if (!own.has(pkg)) continue;
      let spec = own.get(pkg);
      let setAt: Path | undefined;
      // A key written in the job wins over the package's, even when it is empty (`pkg | job`).
      if ('specfile_path' in merged)
        [spec, setAt] = [merged.specfile_path, [...path, 'specfile_path']];
      const override = isDict(selection) ? selection[pkg] : undefined;
      if (isDict(override) && 'specfile_path' in override)
        [spec, setAt] = [override.specfile_path, [...path, 'packages', pkg, 'specfile_path']];
      if (truthy(spec)) continue;
      const entry = missing.get(pkg) ?? { jobs: [] };
      entry.jobs.push(name);
      if (setAt) entry.emptiedAt = setAt;
      missing.set(pkg, entry);
    }
  }
  for (const [pkg, { jobs, emptiedAt }] of missing) {
    const which = `${jobs.join(', ')} need${jobs.length === 1 ? 's' : ''} its spec file`;
    if (emptiedAt) {
      report.error(
        emptiedAt,
        `"specfile_path" is empty here, so package "${pkg}" has no spec file, and ${which}${packitSays(NO_SPECFILE)}`,
      );
      continue;
    }
    const top = truthy(data.specfile_path)
      ? '; the top-level "specfile_path" is not inherited by the entries of "packages"'
      : '';
    report.error(
      ['packages', pkg],
      `package "${pkg}" has no spec file, and ${which}: set "specfile_path" in it, or "downstream_package_name" (then its spec file is <that name>.spec)${top}${packitSays(NO_SPECFILE)}`,
      'key',
    );
  }
}

/** The jobs as Packit checks them: the file's, or its three default jobs when it has none. */
function jobsToCheck(data: Dict): { job: Dict; path: Path; name: string }[] {
  if (!('jobs' in data))
    return DEFAULT_JOBS.map((job) => ({
      job,
      path: [],
      name: `the default ${String(job.job)} job`,
    }));
  return jobsOf(data).map(([index, job]) => ({
    job,
    path: ['jobs', index],
    name: jobName(data, index),
  }));
}
