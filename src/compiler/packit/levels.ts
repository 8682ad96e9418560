/**
 * The mappings of a Packit file that hold package-level keys, as written: the top level,
 * `packages.<name>`, each job, its `metadata:` and its `packages.<name>` overrides. Checks run
 * over these, so a key is checked where it is written, once, not in every job that inherits it.
 */
import { isDict, type Dict } from '../checks/context.js';
import type { Path } from '../yaml-source.js';
import type { Level } from './places.js';

export interface LevelAt {
  level: Level;
  path: Path;
  value: Dict;
}

export function levelsOf(data: Dict): LevelAt[] {
  const levels: LevelAt[] = [{ level: 'top', path: [], value: data }];
  for (const [name, value] of Object.entries(isDict(data.packages) ? data.packages : {}))
    if (isDict(value)) levels.push({ level: 'package', path: ['packages', name], value });
  for (const [index, job] of jobsOf(data)) {
    levels.push({ level: 'job', path: ['jobs', index], value: job });
    if (isDict(job.metadata))
      levels.push({ level: 'metadata', path: ['jobs', index, 'metadata'], value: job.metadata });
    for (const [name, value] of Object.entries(isDict(job.packages) ? job.packages : {}))
      if (isDict(value))
        levels.push({ level: 'job-package', path: ['jobs', index, 'packages', name], value });
  }
  return levels;
}

/** The jobs that are mappings, with their index in the file. */
export function jobsOf(data: Dict): [number, Dict][] {
  const jobs = Array.isArray(data.jobs) ? (data.jobs as unknown[]) : [];
  return jobs.flatMap((job, index): [number, Dict][] => (isDict(job) ? [[index, job]] : []));
}
