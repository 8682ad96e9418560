/**
 * Which job views an event selects, as packit-service decides it: the view's trigger must be
 * one the event selects, its type one that runs on that trigger (or that the `/packit` command
 * names), and it must pass the job's own checks (job-filters.ts). Every view left out comes
 * back with the reason, for `forgeflow plan`.
 */
import type { Event } from '../../events/event.js';
import { COMMAND_JOB_TYPES } from './commands.js';
import type { PackitEvent } from './event-trigger.js';
import {
  checkBranch,
  checkInstance,
  checkRequiredLabels,
  checkTag,
  checkTestSelection,
  ONE_BRANCH_JOBS,
} from './job-filters.js';
import type { JobTrigger, JobType, JobView, PackitCommand } from './types.js';

export interface JobMiss {
  /** `tests:self (jobs[1], pull_request)`. */
  job: string;
  reason: string;
}

export interface MatchResult {
  selected: JobView[];
  misses: JobMiss[];
}

/**
 * The job types an event (not a comment) starts on each trigger. `vm_image_build` is left
 * out: only `/packit vm-image-build` starts it. The downstream jobs run on this repository's
 * pushes and releases as if it were the dist-git repository: forgeflow cannot tell the two
 * apart, and their handlers fail NotConfigured until the operator registers real ones.
 */
const AUTOMATIC: Record<JobTrigger, readonly JobType[]> = {
  pull_request: ['copr_build', 'tests', 'upstream_koji_build'],
  commit: [
    'copr_build',
    'tests',
    'upstream_koji_build',
    'koji_build',
    'bodhi_update',
    'sync_from_downstream',
  ],
  release: [
    'copr_build',
    'tests',
    'upstream_koji_build',
    'propose_downstream',
    'pull_from_upstream',
  ],
  koji_build: [],
  ignore: [],
};

const BUILD_COMMANDS = new Set(['build', 'copr-build', 'rebuild-failed']);
const TEST_COMMANDS = new Set(['test', 'retest-failed']);

export function matchJobs(
  jobs: readonly JobView[],
  event: Event,
  on: PackitEvent,
  monorepo = false,
): MatchResult {
  const selected: JobView[] = [];
  const misses: JobMiss[] = [];
  // A job with `trigger: commit | koji_build` is one view per trigger; an event that selects
  // both triggers (the dist-git commands) runs the job once, as packit-service does.
  const taken = new Set<string>();
  for (const view of jobs) {
    const reason = whyNot(view, event, on);
    const once = `${view.index}/${view.package}`;
    if (reason !== undefined) misses.push({ job: describeView(view, monorepo), reason });
    else if (taken.has(once))
      misses.push({
        job: describeView(view, monorepo),
        reason: 'the same job runs once, under its first trigger',
      });
    else {
      taken.add(once);
      selected.push(view);
    }
  }
  return { selected, misses };
}

function whyNot(view: JobView, event: Event, on: PackitEvent): string | undefined {
  if (view.trigger === 'ignore') return 'trigger: ignore never runs';
  const command = on.command;
  if (!on.triggers.includes(view.trigger))
    return view.trigger === 'koji_build' && command === null
      ? 'trigger: koji_build runs when Koji tags a build into a sidetag, which forgeflow does not hear of'
      : `runs on ${view.trigger}; the event selects ${on.triggers.join(' or ')} jobs`;
  if (command === null) {
    if (!AUTOMATIC[view.trigger].includes(view.type))
      return view.type === 'vm_image_build'
        ? 'vm_image_build runs only on /packit vm-image-build'
        : `${view.type} does not run on ${view.trigger} events`;
    if (view.manual_trigger) return 'manual_trigger: runs only on a /packit comment';
  } else {
    if (!commandJobTypes(command.name).includes(view.type))
      return `/packit ${command.name} does not run ${view.type} jobs`;
    if (command.package !== null && view.package !== command.package)
      return `package "${view.package}" is not "${command.package}" (--package)`;
    if (view.type === 'tests' && BUILD_COMMANDS.has(command.name)) {
      // Packit's builds start the tests that follow them, but not manual or build-less ones.
      if (view.manual_trigger) return 'manual_trigger: these tests need /packit test';
      if (view.skip_build) return 'skip_build: these tests start with /packit test';
    }
    if (view.type === 'tests' && TEST_COMMANDS.has(command.name)) {
      const selection = checkTestSelection(view, command);
      if (selection) return selection;
    }
  }
  return (
    checkInstance(view) ??
    (view.trigger === 'pull_request'
      ? checkRequiredLabels(view, event.pr?.labels ?? null)
      : undefined) ??
    (ONE_BRANCH_JOBS.has(view.type)
      ? undefined
      : checkBranch(view, on.ref, event.repo.default_branch)) ??
    (view.type === 'propose_downstream' || view.type === 'pull_from_upstream'
      ? checkTag(view, on.triggers.includes('release') ? on.ref : null)
      : undefined)
  );
}

/**
 * Packit's `rebuild-failed` starts builds only, and the tests of a rebuilt chroot follow from
 * its Copr end event; here the tests are nodes of the same run, so they are selected too.
 */
function commandJobTypes(name: PackitCommand['name']): readonly JobType[] {
  const types = COMMAND_JOB_TYPES[name];
  return name === 'rebuild-failed' ? [...types, 'tests'] : types;
}

/** `tests:self (jobs[1], pull_request)`; a monorepo's views name their package too. */
export function describeView(view: JobView, monorepo = false): string {
  const name = view.identifier === null ? view.type : `${view.type}:${view.identifier}`;
  const where = view.path === null ? 'default job' : `jobs[${view.index}]`;
  const pkg = monorepo && view.identifier !== view.package ? `, package ${view.package}` : '';
  return `${name} (${where}, ${view.trigger}${pkg})`;
}
