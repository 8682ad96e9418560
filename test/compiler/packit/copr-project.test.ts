/**
 * The default Copr project, as packit-service's `CoprBuildJobHelper.default_project_name` names
 * it: GitHub `<namespace>-<repo>-<ref>`, other forges prefixed by their instance's host, a job's
 * own identifier appended outside monorepos, Copr-invalid characters as dashes.
 */
import { describe, expect, it } from 'vitest';
import { defaultCoprProject } from '../../../src/compiler/packit/copr-project.js';
import type { Event } from '../../../src/events/event.js';
import { manualEvent } from '../../../src/forges/normalize.js';

function event(forge: 'github' | 'gitlab', repo: string, pr: number | null, page?: string): Event {
  const base = manualEvent({ repo, forge, ref: 'main', sha: 'a'.repeat(40) });
  return {
    ...base,
    repo: { ...base.repo, html_url: page ?? base.repo.html_url },
    pr: pr === null ? null : ({ number: pr } as Event['pr']),
  };
}

const view = (trigger: 'pull_request' | 'commit' | 'release', identifier?: string) => ({
  trigger,
  identifier: identifier ?? null,
  config: identifier === undefined ? {} : { identifier },
});

describe('defaultCoprProject', () => {
  it('names GitHub projects by namespace, repository and pull request, branch or releases', () => {
    const pr = event('github', 'octo/app', 21);
    expect(defaultCoprProject(pr, view('pull_request'), 'main')).toBe('octo-app-21');
    expect(defaultCoprProject(pr, view('commit'), 'feature/x')).toBe('octo-app-feature-x');
    expect(defaultCoprProject(pr, view('release'), 'v1.0')).toBe('octo-app-releases');
  });

  it("prefixes a GitLab project with its instance's host, subgroups as dashes", () => {
    const mr = event('gitlab', 'group/sub/app', 7, 'https://gitlab.com/group/sub/app');
    expect(defaultCoprProject(mr, view('pull_request'), 'main')).toBe('gitlab.com-group-sub-app-7');
    const own = event('gitlab', 'team/app', 3, 'https://git.example.org:8443/team/app');
    expect(defaultCoprProject(own, view('pull_request'), 'main')).toBe(
      'git.example.org-team-app-3',
    );
  });

  it("appends a job's identifier, except in a monorepo", () => {
    const pr = event('github', 'octo/app', 21);
    expect(defaultCoprProject(pr, view('pull_request', 'fips'), 'main')).toBe('octo-app-21-fips');
    expect(
      defaultCoprProject(pr, { ...view('pull_request', 'fips'), monorepo: true }, 'main'),
    ).toBe('octo-app-21');
  });

  it('turns what Copr does not allow (anything but ASCII letters, digits, _ . -) into dashes', () => {
    // Packit's Python \w would keep "ü" and Copr refuse the name: ASCII only here.
    const pr = event('github', 'octo/app', null);
    expect(defaultCoprProject(pr, view('commit'), 'c++/ünï code')).toBe('octo-app-c----n--code');
  });
});
