/**
 * How messages name a place in a Packit file. Keys are written at five levels (the top, a
 * package, a job, a package of a job, a job's old `metadata:`), and a message says which:
 * `"targets" of job 2 (copr_build)`, `in package "python-copr"`.
 */
import { dotted } from '../wording.js';
import type { Path } from '../yaml-source.js';

export type Level = 'top' | 'package' | 'job' | 'job-package' | 'metadata';

export interface Place {
  level: Level;
  /** The path of the mapping that holds the level's keys. */
  scope: Path;
  /** The rest of the path, inside that mapping. */
  rest: Path;
}

export function placeOf(path: Path, data: unknown): Place {
  const [first, second, third, fourth] = path;
  if (first === 'packages' && typeof second === 'string')
    return { level: 'package', scope: path.slice(0, 2), rest: path.slice(2) };
  if (first === 'jobs' && typeof second === 'number') {
    const packages = (jobAt(data, second) ?? {}).packages;
    const dict = packages !== null && typeof packages === 'object' && !Array.isArray(packages);
    if (third === 'packages' && typeof fourth === 'string' && dict)
      return { level: 'job-package', scope: path.slice(0, 4), rest: path.slice(4) };
    if (third === 'metadata')
      return { level: 'metadata', scope: path.slice(0, 3), rest: path.slice(3) };
    return { level: 'job', scope: path.slice(0, 2), rest: path.slice(2) };
  }
  return { level: 'top', scope: [], rest: path };
}

function jobAt(data: unknown, index: number): Record<string, unknown> | undefined {
  const jobs = (data as { jobs?: unknown } | null)?.jobs;
  const job = Array.isArray(jobs) ? (jobs[index] as unknown) : undefined;
  return job !== null && typeof job === 'object' && !Array.isArray(job)
    ? (job as Record<string, unknown>)
    : undefined;
}

/** `job 2 (copr_build)`: 1-based, as people count, with the type when it is readable. */
export function jobName(data: unknown, index: number): string {
  const type = jobAt(data, index)?.job;
  return typeof type === 'string' ? `job ${index + 1} (${type})` : `job ${index + 1}`;
}

/** The level itself: `job 2 (copr_build)`, `package "x" of job 2 (tests)`. */
function levelName(place: Place, data: unknown): string {
  const [, a, , b] = place.scope;
  switch (place.level) {
    case 'top':
      return 'the top level';
    case 'package':
      return `package "${String(a)}"`;
    case 'job':
      return jobName(data, a as number);
    case 'job-package':
      return `package "${String(b)}" of ${jobName(data, a as number)}`;
    case 'metadata':
      return `the metadata of ${jobName(data, a as number)}`;
  }
}

/** What a message is about: `"targets" of job 2 (copr_build)`, `"create_pr" at the top level`. */
export function subjectAt(path: Path, data: unknown): string {
  const place = placeOf(path, data);
  const level = levelName(place, data);
  if (place.rest.length === 0) return level;
  const joint = place.level === 'top' ? ' at ' : place.level === 'metadata' ? ' in ' : ' of ';
  return `"${dotted(place.rest)}"${joint}${level}`;
}

/** Where something is: `in job 2 (copr_build)`, `in "notifications" of package "x"`. */
export function whereAt(path: Path, data: unknown): string {
  const place = placeOf(path, data);
  if (place.rest.length === 0)
    return place.level === 'top' ? 'at the top level' : `in ${levelName(place, data)}`;
  return `in ${subjectAt(path, data)}`;
}
