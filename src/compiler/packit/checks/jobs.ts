/**
 * What the schema cannot say about a job: its type and trigger in Packit's words (a trigger
 * may name several, "commit | koji_build"), packages it names that the file does not define,
 * and type × trigger pairs Packit never runs.
 */
import { closest, didYouMean } from '../../suggest.js';
import { isDict, type Dict } from '../../checks/context.js';
import { jobsOf } from '../levels.js';
import { jobName } from '../places.js';
import type { Report } from '../report.js';
import { checkMetadata } from './metadata.js';
import { JOB_TRIGGERS, JOB_TYPES, type JobTrigger, type JobType } from '../types.js';
import { PACKIT_WORDS, packitSays } from '../words.js';

/** The triggers each job type reacts to (packit-service's handlers; docs for each job). */
export const RUNS_ON: Record<JobType, readonly JobTrigger[]> = {
  copr_build: ['pull_request', 'commit', 'release'],
  tests: ['pull_request', 'commit', 'release'],
  upstream_koji_build: ['pull_request', 'commit', 'release'],
  vm_image_build: ['pull_request'],
  propose_downstream: ['release'],
  pull_from_upstream: ['release'],
  sync_from_downstream: ['commit'],
  koji_build: ['commit', 'koji_build'],
  bodhi_update: ['commit', 'koji_build'],
  koji_build_tag: ['koji_build'],
};

/** Words from other CI systems, and what Packit calls them. */
const TRIGGER_ALIASES: Record<string, JobTrigger> = {
  push: 'commit',
  branch: 'commit',
  pr: 'pull_request',
  merge_request: 'pull_request',
  pull_request_target: 'pull_request',
  tag: 'release',
};

/** `"commit | koji_build"` → `["commit", "koji_build"]`, as Packit splits it. */
export function splitTrigger(trigger: string): string[] {
  return trigger.split('|').map((part) => part.trim());
}

export function checkJobs(report: Report, data: Dict, packages: readonly string[] | null): void {
  for (const [index, job] of jobsOf(data)) {
    const type = checkType(report, data, index, job);
    const triggers = checkTrigger(report, data, index, job);
    if (type) warnNeverRuns(report, index, type, triggers);
    if (packages) checkPackageNames(report, data, index, job, packages);
    checkMetadata(report, data, index, job);
  }
}

function checkType(report: Report, data: Dict, index: number, job: Dict): JobType | undefined {
  const type = job.job;
  // Packit drops a job-only key written with no value: `job:` is as missing as no `job`.
  if (type === undefined || type === null) {
    report.error(
      ['jobs', index],
      `${jobName(data, index)} has no "job"; say what it does: ${JOB_TYPES.join(', ')}${packitSays(PACKIT_WORDS.missing)}`,
    );
    return undefined;
  }
  if (typeof type === 'string' && (JOB_TYPES as readonly string[]).includes(type))
    return type as JobType;
  const suggestion = typeof type === 'string' ? closest(type, JOB_TYPES) : undefined;
  report.error(
    ['jobs', index, 'job'],
    `${JSON.stringify(type)} is not a Packit job type${guess(suggestion)}; use one of: ${JOB_TYPES.join(', ')}${packitSays(PACKIT_WORDS.jobType)}`,
  );
  return undefined;
}

function checkTrigger(report: Report, data: Dict, index: number, job: Dict): JobTrigger[] {
  const trigger = job.trigger;
  const path = ['jobs', index, 'trigger'];
  if (trigger === undefined || trigger === null) {
    report.error(
      ['jobs', index],
      `${jobName(data, index)} has no "trigger"; add one of: ${JOB_TRIGGERS.join(', ')}${packitSays(PACKIT_WORDS.missing)}`,
    );
    return [];
  }
  if (typeof trigger !== 'string') {
    report.error(
      path,
      `"trigger" of ${jobName(data, index)} must be a name such as pull_request, or several as "commit | koji_build", not ${JSON.stringify(trigger)}${packitSays(PACKIT_WORDS.trigger)}`,
    );
    return [];
  }
  const valid: JobTrigger[] = [];
  for (const part of splitTrigger(trigger)) {
    if ((JOB_TRIGGERS as readonly string[]).includes(part)) {
      if (!valid.includes(part as JobTrigger)) valid.push(part as JobTrigger);
      continue;
    }
    const alias = TRIGGER_ALIASES[part.toLowerCase()] ?? closest(part, JOB_TRIGGERS);
    const what =
      part === ''
        ? `"${trigger}" has an empty trigger around "|"`
        : `"${part}" is not a Packit trigger`;
    report.error(
      path,
      `${what}${guess(alias)}; use one of: ${JOB_TRIGGERS.join(', ')}${packitSays(PACKIT_WORDS.trigger)}`,
    );
  }
  return valid;
}

function guess(name: string | undefined): string {
  return name === undefined ? '' : ` (did you mean "${name}"?)`;
}

function warnNeverRuns(report: Report, index: number, type: JobType, triggers: JobTrigger[]): void {
  const runsOn = RUNS_ON[type];
  for (const trigger of triggers) {
    if (trigger === 'ignore' || runsOn.includes(trigger)) continue;
    report.warning(
      ['jobs', index, 'trigger'],
      `${type} never runs on "${trigger}": Packit starts it only on ${runsOn.join(', ')}`,
      'value',
    );
  }
}

function checkPackageNames(
  report: Report,
  data: Dict,
  index: number,
  job: Dict,
  defined: readonly string[],
): void {
  const selected = job.packages;
  const names: [string, (string | number)[], 'key' | 'value'][] = Array.isArray(selected)
    ? selected.flatMap((name, i): [string, (string | number)[], 'key' | 'value'][] =>
        typeof name === 'string' ? [[name, ['jobs', index, 'packages', i], 'value']] : [],
      )
    : isDict(selected)
      ? Object.keys(selected).map((name) => [name, ['jobs', index, 'packages', name], 'key'])
      : [];
  for (const [name, path, at] of names) {
    if (defined.includes(name)) continue;
    report.error(
      path,
      `${jobName(data, index)} names package "${name}", which this file does not define${didYouMean(name, defined)}; defined: ${defined.join(', ')}${packitSays(PACKIT_WORDS.undefinedPackages([name]))}`,
      at,
    );
  }
}
