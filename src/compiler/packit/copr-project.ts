/**
 * The Copr project of a build when the job names none, as packit-service names it
 * (`CoprBuildJobHelper.default_project_name`): one temporary project per pull request
 * (`<namespace>-<repo>-<pr>`), per pushed branch (`<namespace>-<repo>-<branch>`) and one for all
 * releases (`<namespace>-<repo>-releases`); a job's own `identifier` is appended (not in a
 * monorepo, whose views are told apart by package already); a GitLab project's name starts
 * with its instance's host (`gitlab.com-group-sub-app-7`), a GitHub one's does not. A subgroup
 * path becomes dashes, and anything Copr does not allow in a project name (ASCII letters,
 * digits, `_ . -`; Packit's Python `\w` would keep non-ASCII letters Copr refuses) a dash too.
 */
import type { Event } from '../../events/event.js';
import type { JobView } from './types.js';

export function defaultCoprProject(
  event: Event,
  view: Pick<JobView, 'trigger' | 'identifier' | 'monorepo' | 'config'>,
  ref: string | null,
): string {
  const { full_name } = event.repo;
  const trigger = view.trigger;
  const suffix =
    trigger === 'pull_request'
      ? String(event.pr?.number ?? 'pr')
      : trigger === 'release'
        ? 'releases'
        : (ref ?? event.branch ?? 'commits');
  const own = typeof view.config.identifier === 'string' ? view.config.identifier : null;
  const identifier = own !== null && !view.monorepo ? `-${own}` : '';
  const host = event.forge === 'github' ? '' : `${instanceHost(event)}-`;
  return `${host}${full_name}-${suffix}${identifier}`.replace(/[^\w.-]/g, '-');
}

/** The forge instance's host name, from the repository's web page (`gitlab.com`). */
function instanceHost(event: Event): string {
  const page = event.repo.html_url;
  if (page === null) return event.forge;
  try {
    return new URL(page).hostname;
  } catch {
    return event.forge;
  }
}
