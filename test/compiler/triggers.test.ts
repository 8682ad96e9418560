import { describe, expect, it } from 'vitest';
import { comment, compile, manual, pullRequest, push, tagPush, withTriggers } from './helpers.js';
import type { Event } from '../../src/events/event.js';
import { needsChangedPaths } from '../../src/compiler/index.js';
import { readFileSync } from 'node:fs';
import { normalizeGitLab } from '../../src/forges/gitlab/normalize.js';
import { fixturesUrl } from '../support/fixtures.js';

/** GitLab's real Release Hook (test/fixtures/gitlab/release.json), normalized, with changes. */
function gitlabRelease(changes: Record<string, unknown>): Event {
  const file = new URL('release.json', fixturesUrl('gitlab'));
  const hook = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const result = normalizeGitLab('Release Hook', { ...hook, ...changes });
  if (!result.ok) throw new Error(result.ignored);
  return result.event;
}

function starts(on: string, event: Event): boolean {
  const result = compile(withTriggers(on), event);
  if (result.status === 'invalid') throw new Error(JSON.stringify(result.diagnostics));
  return result.status === 'graph';
}

function missReasons(on: string, event: Event): string[] {
  const result = compile(withTriggers(on), event);
  if (result.status !== 'not-triggered') throw new Error(`expected no match, got ${result.status}`);
  return result.misses.map((m) => `${m.trigger}: ${m.reason}`);
}

describe('pull_request trigger', () => {
  it('defaults to opened, synchronize and reopened', () => {
    expect(starts('  pull_request:', pullRequest('opened'))).toBe(true);
    expect(starts('  pull_request:', pullRequest('synchronize'))).toBe(true);
    expect(missReasons('  pull_request:', pullRequest('closed'))).toEqual([
      'pull_request: action "closed" is not one of opened, synchronize, reopened (the default types)',
    ]);
  });

  it('matches branches against the target branch with globs and negation', () => {
    const on = '  pull_request: { branches: ["release/**", "!release/old/*"] }';
    expect(starts(on, pullRequest('opened', { base_ref: 'release/2.0' }))).toBe(true);
    expect(starts(on, pullRequest('opened', { base_ref: 'release/old/1' }))).toBe(false);
    expect(starts(on, pullRequest('opened', { base_ref: 'main' }))).toBe(false);
    expect(
      starts(
        '  pull_request: { branches: ["release/*"] }',
        pullRequest('opened', { base_ref: 'release/a/b' }),
      ),
    ).toBe(false);
  });

  it('honours branches_ignore, labels and drafts', () => {
    expect(
      starts(
        '  pull_request: { branches_ignore: [wip/*] }',
        pullRequest('opened', { base_ref: 'wip/x' }),
      ),
    ).toBe(false);
    expect(
      starts('  pull_request: { labels: [ci] }', pullRequest('opened', { labels: ['ci', 'x'] })),
    ).toBe(true);
    expect(missReasons('  pull_request: { labels: [ci] }', pullRequest('opened'))).toEqual([
      'pull_request: the pull request has none of the labels ci',
    ]);
    expect(
      starts('  pull_request: { drafts: false }', pullRequest('opened', { draft: true })),
    ).toBe(false);
    expect(starts('  pull_request:', pullRequest('opened', { draft: true }))).toBe(true);
  });

  it('applies paths only when the forge sent the changed files', () => {
    const on = '  pull_request: { paths: ["src/**"] }';
    const result = compile(withTriggers(on), pullRequest('opened'));
    expect(result.status).toBe('graph');
    expect(result.status === 'graph' && result.note).toMatch(/did not send the changed files/);
    expect(starts(on, pullRequest('opened', {}, { changed_paths: ['docs/a.md'] }))).toBe(false);
    expect(
      starts(on, pullRequest('opened', {}, { changed_paths: ['docs/a.md', 'src/x/y.ts'] })),
    ).toBe(true);
  });

  it('says when the changed files are wanted: a matched pull_request trigger with paths and none known', () => {
    const wants = (on: string, event: Event) => {
      const result = compile(withTriggers(on), event);
      return result.status === 'graph' && result.wantsChangedPaths === true;
    };
    expect(wants('  pull_request: { paths: ["src/**"] }', pullRequest('opened'))).toBe(true);
    expect(wants('  pull_request: { paths_ignore: ["docs/**"] }', pullRequest('opened'))).toBe(
      true,
    );
    // Known already, no filter, a push (it sends its own), or another filter misses: none asked.
    const known = pullRequest('opened', {}, { changed_paths: ['src/a.ts'] });
    expect(wants('  pull_request: { paths: ["src/**"] }', known)).toBe(false);
    expect(wants('  pull_request:', pullRequest('opened'))).toBe(false);
    expect(wants('  push: { paths: ["src/**"] }', push('main', null))).toBe(false);
    expect(wants('  pull_request: { paths: ["src/**"] }', pullRequest('closed'))).toBe(false);
    expect(needsChangedPaths({ pull_request: { paths: ['src/**'] } }, pullRequest('opened'))).toBe(
      true,
    );
    expect(needsChangedPaths(['pull_request'], pullRequest('opened'))).toBe(false);
  });
});

describe('push trigger', () => {
  it('with only branches ignores tags, with only tags ignores branches, with neither takes both', () => {
    expect(starts('  push: { branches: [main] }', push('main'))).toBe(true);
    expect(starts('  push: { branches: [main] }', tagPush('v1'))).toBe(false);
    expect(starts('  push: { tags: ["v*"] }', tagPush('v1.2'))).toBe(true);
    expect(starts('  push: { tags: ["v*"] }', push('main'))).toBe(false);
    expect(starts('  push:', push('main'))).toBe(true);
    expect(starts('  push:', tagPush('x'))).toBe(true);
  });

  it('paths and paths_ignore look at the changed files', () => {
    expect(starts('  push: { paths: ["src/**"] }', push('main', ['src/a.ts']))).toBe(true);
    expect(starts('  push: { paths: ["src/**"] }', push('main', ['README.md']))).toBe(false);
    expect(
      starts('  push: { paths_ignore: ["**/*.md"] }', push('main', ['README.md', 'docs/x.md'])),
    ).toBe(false);
    expect(
      starts('  push: { paths_ignore: ["**/*.md"] }', push('main', ['README.md', 'src/a.ts'])),
    ).toBe(true);
  });

  it('does not start on deletions or on GitHub create events', () => {
    expect(missReasons('  push:', { ...push('main'), deleted: true, action: 'deleted' })).toEqual([
      'push: the push deleted branch "main"',
    ]);
    expect(missReasons('  push:', tagPush('v1', 'created'))[0]).toMatch(
      /create event carries no commit/,
    );
  });
});

describe('comment, release and manual triggers', () => {
  it('starts on a command at the start of the first line only', () => {
    const on = '  comment: { commands: ["/ci retest"] }';
    expect(starts(on, comment('/ci retest'))).toBe(true);
    expect(starts(on, comment('/ci retest fedora-41\nplease'))).toBe(true);
    expect(starts(on, comment('/ci retesting'))).toBe(false);
    expect(starts(on, comment('please /ci retest'))).toBe(false);
    expect(starts(on, comment('/ci retest', 'edited'))).toBe(false);
  });

  it('release types default to all actions', () => {
    const release = (action: string): Event => ({ ...manual(), kind: 'release', action });
    expect(starts('  release:', release('edited'))).toBe(true);
    expect(starts('  release: { types: [published] }', release('edited'))).toBe(false);
  });

  it("GitHub's words on GitLab: a Release Hook create counts as published, created and released", () => {
    const create = gitlabRelease({});
    for (const word of ['published', 'created', 'released'])
      expect(starts(`  release: { types: [${word}] }`, create)).toBe(true);
    expect(missReasons('  release: { types: [edited, prereleased] }', create)).toEqual([
      'release: action "published" is not one of edited, prereleased' +
        ` (GitLab's "create" counts as published, created, released)`,
    ]);
    const upcoming = gitlabRelease({ upcoming_release: true });
    expect(starts('  release: { types: [prereleased] }', upcoming)).toBe(true);
    expect(starts('  release: { types: [released] }', upcoming)).toBe(false);
  });

  it('GitLab update is edited and delete is deleted, and the miss names the mapping', () => {
    expect(starts('  release: { types: [edited] }', gitlabRelease({ action: 'update' }))).toBe(
      true,
    );
    expect(
      missReasons('  release: { types: [published] }', gitlabRelease({ action: 'delete' })),
    ).toEqual([
      `release: action "deleted" is not one of published (GitLab's "delete" counts as deleted)`,
    ]);
  });

  it('a GitHub release delivery is its one word: each of created and published arrives alone', () => {
    const github = (action: string): Event => ({
      ...gitlabRelease({}),
      forge: 'github',
      action,
    });
    expect(starts('  release: { types: [published] }', github('created'))).toBe(false);
    expect(missReasons('  release: { types: [published] }', github('created'))).toEqual([
      'release: action "created" is not one of published',
    ]);
    expect(starts('  release: { types: [published] }', github('published'))).toBe(true);
  });

  it('says for every declared trigger why an event missed it', () => {
    expect(missReasons('  push:\n  manual: {}', pullRequest('opened'))).toEqual([
      'push: the event is a pull_request (opened), not a push',
      'manual: the event is a pull_request (opened), not a manual start',
      'pull_request: the pipeline has no pull_request trigger',
    ]);
  });

  it('accepts the name and list shorthands of on:', () => {
    expect(starts(' push', push('main'))).toBe(true);
    expect(starts(' [push, pull_request]', pullRequest('opened'))).toBe(true);
  });
});
