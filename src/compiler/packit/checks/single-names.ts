/**
 * One name where a list is meant: Packit turns `targets: fedora-all` into a list only in a job
 * and in a job's `packages.<name>` (JobConfigSchema's and JobMetadataSchema's pre_load); at the
 * top level and in `packages.<name>` its Targets and DistGitBranches fields refuse a string.
 */
import type { Dict } from '../../checks/context.js';
import type { Path } from '../../yaml-source.js';
import type { Level } from '../places.js';
import type { Report } from '../report.js';
import { shapeError } from '../targets.js';
import { packitSays } from '../words.js';

const LISTS = { targets: 'copr', dist_git_branches: 'branches' } as const;

export function checkSingleNames(report: Report, level: Level, path: Path, value: Dict): void {
  if (level !== 'top' && level !== 'package') return;
  for (const [key, kind] of Object.entries(LISTS)) {
    const name = value[key];
    if (typeof name !== 'string') continue;
    report.error(
      [...path, key],
      `"${key}" is one name here; write it as a list, [${name}] (Packit takes a single name only in a job)${packitSays(shapeError(name, kind))}`,
    );
  }
}
