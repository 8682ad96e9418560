/**
 * The Copr project of a build when the job names none, as Packit names it: one temporary
 * project per pull request (`<owner>-<repo>-<pr>`), per pushed branch (`<owner>-<repo>-<branch>`)
 * and one for all releases (`<owner>-<repo>-releases`). A GitLab subgroup path becomes dashes;
 * anything Copr does not allow in a project name becomes a dash too.
 */
import type { Event } from '../../events/event.js';
import type { JobTrigger } from './types.js';

export function defaultCoprProject(event: Event, trigger: JobTrigger, ref: string | null): string {
  const { full_name } = event.repo;
  const suffix =
    trigger === 'pull_request'
      ? String(event.pr?.number ?? 'pr')
      : trigger === 'release'
        ? 'releases'
        : (ref ?? event.branch ?? 'commits');
  return `${full_name}-${suffix}`.replace(/[^A-Za-z0-9_.+-]+/g, '-');
}
