/**
 * GitHub normalization against every example payload in @octokit/webhooks-examples, plus variants
 * the examples lack (forks, branch deletions, comments on pull requests) and hostile input.
 * Expectations are read from each payload here, independently of the code under test.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event, NormalizeResult, Repository } from '../../src/events/event.js';
import { normalizeGitHub } from '../../src/forges/github/normalize.js';
import { manualEvent, normalizeEvent } from '../../src/forges/normalize.js';
import { expectWellFormed, mutatedPayload } from './helpers.js';

const indexPath = createRequire(import.meta.url).resolve(
  '@octokit/webhooks-examples/api.github.com/index.json',
);
const definitions = JSON.parse(readFileSync(indexPath, 'utf8')) as WebhookDefinition[];

const HANDLED = ['pull_request', 'push', 'create', 'release', 'issue_comment'] as const;
type Handled = (typeof HANDLED)[number];

function examplesOf<N extends Handled>(name: N): WebhookDefinition<N>['examples'] {
  const definition = definitions.find((d) => d.name === name) as WebhookDefinition<N> | undefined;
  return definition?.examples ?? [];
}

const prs = examplesOf('pull_request');
const pushes = examplesOf('push');
const creates = examplesOf('create');
const releases = examplesOf('release');
const comments = examplesOf('issue_comment');
/** Re-runs of check runs and suites: their own file (github-rerun.test.ts). */
const RERUN = ['check_run', 'check_suite'];
const rerunExamples = definitions
  .filter((d) => RERUN.includes(d.name))
  .reduce((n, d) => n + d.examples.length, 0);
const others = definitions.filter(
  (d) => !(HANDLED as readonly string[]).includes(d.name) && !RERUN.includes(d.name),
);

type GhRepo = (typeof pushes)[number]['repository'];
type Sender = { login: string; id: number };

function accepted(result: NormalizeResult): Event {
  if (!result.ok) throw new Error(`expected an event, got ignored: ${result.ignored}`);
  expectWellFormed(result);
  return result.event;
}

function ignored(result: NormalizeResult): string {
  if (result.ok) throw new Error(`expected ignored, got a ${result.event.kind} event`);
  expectWellFormed(result);
  return result.ignored;
}

function repoOf(r: GhRepo): Repository {
  return {
    full_name: r.full_name,
    owner: r.owner.login,
    name: r.name,
    id: r.id,
    html_url: r.html_url,
    clone_url: r.clone_url,
    default_branch: r.default_branch,
    private: r.private,
  };
}

/** The fields a kind leaves empty, so each expectation states only what its kind fills. */
function expected(kind: Event['kind'], p: { repository: GhRepo; sender: Sender }): Event {
  return {
    forge: 'github',
    kind,
    action: null,
    repo: repoOf(p.repository),
    sha: null,
    ref: null,
    branch: null,
    tag: null,
    pr: null,
    comment: null,
    release: null,
    sender: { login: p.sender.login, id: p.sender.id },
    changed_paths: null,
    deleted: false,
    payload: p,
  };
}

const clone = <T>(value: T): T => structuredClone(value);

describe('the examples file', () => {
  it('has the events and counts these tests rely on', () => {
    expect(definitions.length).toBeGreaterThan(50);
    expect(prs.length).toBeGreaterThan(20);
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    expect(creates.length).toBeGreaterThanOrEqual(3);
    expect(releases.length).toBeGreaterThanOrEqual(10);
    expect(comments.length).toBeGreaterThanOrEqual(5);
    expect(others.length).toBe(definitions.length - HANDLED.length - RERUN.length);
    expect(rerunExamples).toBeGreaterThanOrEqual(4);
    const otherExamples = others.reduce((n, d) => n + d.examples.length, 0);
    const handled = prs.length + pushes.length + creates.length + releases.length + comments.length;
    expect(otherExamples).toBeGreaterThan(200);
    expect(handled + rerunExamples + otherExamples).toBe(
      definitions.reduce((n, d) => n + d.examples.length, 0),
    );
  });
});

describe('pull_request', () => {
  it.each(prs.map((p, i) => [i, p.action, p] as const))('example %i (%s)', (_i, _action, p) => {
    const pr = p.pull_request;
    expect(accepted(normalizeGitHub('pull_request', p))).toStrictEqual({
      ...expected('pull_request', p),
      action: p.action,
      sha: pr.head.sha,
      ref: `refs/pull/${pr.number}/head`,
      branch: pr.base.ref,
      pr: {
        number: pr.number,
        title: pr.title,
        url: pr.html_url,
        author: pr.user.login,
        head_sha: pr.head.sha,
        head_ref: pr.head.ref,
        base_ref: pr.base.ref,
        base_sha: pr.base.sha,
        labels: pr.labels.map((l) => l.name),
        draft: pr.draft ?? false,
        merged: pr.merged ?? false,
        state: pr.state,
        from_fork: pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name,
      },
    });
  });

  const base = prs[0]!;

  it('marks a pull request from another repository as from a fork', () => {
    const p = clone(base);
    p.pull_request.head.repo = { ...p.pull_request.head.repo!, full_name: 'someone/Hello-World' };
    expect(accepted(normalizeGitHub('pull_request', p)).pr?.from_fork).toBe(true);
  });

  it('treats a deleted head repository (head.repo null) as a fork', () => {
    const p = clone(base);
    p.pull_request.head.repo = null;
    expect(accepted(normalizeGitHub('pull_request', p)).pr?.from_fork).toBe(true);
  });

  it('gives the merged flag of a merged pull request', () => {
    const p = clone(base);
    Object.assign(p.pull_request, { merged: true, state: 'closed' });
    expect(accepted(normalizeGitHub('pull_request', p)).pr).toMatchObject({ merged: true });
  });

  it('says which field is missing', () => {
    const p = clone(base);
    Reflect.deleteProperty(p.pull_request.head, 'sha');
    expect(ignored(normalizeGitHub('pull_request', p))).toContain('pull_request.head.sha');
    expect(ignored(normalizeGitHub('pull_request', { ...base, pull_request: null }))).toMatch(
      /pull_request should be an object, is null/,
    );
  });
});

describe('push', () => {
  it.each(pushes.map((p, i) => [i, p.ref, p] as const))('example %i (%s)', (_i, ref, p) => {
    const isBranch = ref.startsWith('refs/heads/');
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    const paths = p.commits.flatMap((c) => [
      ...(c.added ?? []),
      ...(c.removed ?? []),
      ...(c.modified ?? []),
    ]);
    expect(accepted(normalizeGitHub('push', p))).toStrictEqual({
      ...expected(isBranch ? 'push' : 'tag', p),
      action: p.deleted ? 'deleted' : 'pushed',
      sha: p.deleted ? null : p.after,
      ref,
      branch: isBranch ? name : null,
      tag: isBranch ? null : name,
      changed_paths: [...new Set(paths)].sort(),
      deleted: p.deleted,
    });
  });

  const branchPush = pushes.find((p) => p.ref.startsWith('refs/heads/'))!;

  it('covers a branch push, a tag push and a deletion among the examples', () => {
    expect(branchPush).toBeDefined();
    expect(pushes.some((p) => p.ref.startsWith('refs/tags/') && !p.deleted)).toBe(true);
    expect(pushes.some((p) => p.deleted)).toBe(true);
  });

  it("takes an annotated tag's commit from head_commit, not the tag object in after", () => {
    const tagPush = clone(pushes.find((p) => p.ref.startsWith('refs/tags/') && !p.deleted)!);
    const commit = tagPush.after;
    tagPush.after = 'f'.repeat(40); // the tag object's own sha
    expect(accepted(normalizeGitHub('push', tagPush))).toMatchObject({ kind: 'tag', sha: commit });
    Reflect.deleteProperty(tagPush, 'head_commit');
    // No commit named: the plan step asks the forge which commit the tag points at.
    expect(accepted(normalizeGitHub('push', tagPush))).toMatchObject({ kind: 'tag', sha: null });
  });

  it('reports a branch deletion with no sha', () => {
    const p = clone(branchPush);
    Object.assign(p, { deleted: true, created: false, after: '0'.repeat(40), commits: [] });
    const event = accepted(normalizeGitHub('push', p));
    expect(event).toMatchObject({ kind: 'push', action: 'deleted', deleted: true, sha: null });
    expect(event.branch).toBe(branchPush.ref.slice('refs/heads/'.length));
  });

  it('unions, sorts and de-duplicates changed paths across commits', () => {
    const p = clone(branchPush);
    const commit = p.commits[0]!;
    p.commits = [
      { ...commit, added: ['b.txt', 'a.txt'], removed: ['z.txt'], modified: [] },
      { ...commit, added: [], removed: [], modified: ['a.txt', 'src/x.ts'] },
    ];
    expect(accepted(normalizeGitHub('push', p)).changed_paths).toEqual([
      'a.txt',
      'b.txt',
      'src/x.ts',
      'z.txt',
    ]);
  });

  it('gives null changed paths when commits are missing or at GitHub’s 2048 cap', () => {
    const missing = clone(branchPush);
    Reflect.deleteProperty(missing, 'commits');
    expect(accepted(normalizeGitHub('push', missing)).changed_paths).toBeNull();
    const capped = clone(branchPush);
    capped.commits = Array.from({ length: 2048 }, () => branchPush.commits[0]!);
    expect(accepted(normalizeGitHub('push', capped)).changed_paths).toBeNull();
  });

  it('ignores pushes to refs that are neither branches nor tags', () => {
    const p = { ...clone(branchPush), ref: 'refs/notes/commits' };
    expect(ignored(normalizeGitHub('push', p))).toContain('refs/notes/commits');
  });
});

describe('create', () => {
  it.each(creates.map((p, i) => [i, p.ref_type, p] as const))('example %i (%s)', (_i, type, p) => {
    expect(type).toBe('tag'); // the examples only create tags; branch creation is tested below
    expect(accepted(normalizeGitHub('create', p))).toStrictEqual({
      ...expected('tag', p),
      action: 'created',
      ref: `refs/tags/${p.ref}`,
      tag: p.ref,
    });
  });

  it('ignores branch creation, which its push event covers', () => {
    const p = { ...clone(creates[0]!), ref_type: 'branch' as const, ref: 'feature' };
    expect(ignored(normalizeGitHub('create', p))).toBe(
      'branch creation: the push event for the branch starts push pipelines',
    );
  });

  it('calls an unknown ref_type malformed', () => {
    const p = { ...clone(creates[0]!), ref_type: 'note' };
    expect(ignored(normalizeGitHub('create', p))).toMatch(/^malformed .*ref_type/);
  });
});

describe('release', () => {
  it.each(releases.map((p, i) => [i, p.action, p] as const))('example %i (%s)', (_i, action, p) => {
    const r = p.release;
    expect(accepted(normalizeGitHub('release', p))).toStrictEqual({
      ...expected('release', p),
      action,
      sha: /^[0-9a-f]{40}$/.test(r.target_commitish) ? r.target_commitish : null,
      ref: `refs/tags/${r.tag_name}`,
      tag: r.tag_name,
      release: {
        tag: r.tag_name,
        name: r.name,
        draft: r.draft,
        prerelease: r.prerelease,
        url: r.html_url,
      },
    });
  });

  it('takes target_commitish as the sha only when it is a full sha', () => {
    const p = clone(releases[0]!);
    const sha = 'a'.repeat(40);
    p.release.target_commitish = sha;
    expect(accepted(normalizeGitHub('release', p)).sha).toBe(sha);
    p.release.target_commitish = 'abc1234';
    expect(accepted(normalizeGitHub('release', p)).sha).toBeNull();
  });
});

describe('issue_comment', () => {
  it.each(comments.map((p, i) => [i, p.action, p] as const))(
    'example %i (%s) on a plain issue is a comment on that issue',
    (_i, action, p) => {
      expect(p.issue.pull_request).toBeUndefined(); // every example comments on an issue
      const { issue, comment } = p;
      expect(accepted(normalizeGitHub('issue_comment', p))).toStrictEqual({
        ...expected('comment', p),
        action,
        issue: {
          number: issue.number,
          title: issue.title,
          url: issue.html_url,
          author: issue.user.login,
          labels: (issue.labels ?? []).map((l) => l.name),
          state: issue.state ?? null,
        },
        comment: {
          id: comment.id,
          body: comment.body,
          author: comment.user.login,
          author_association: comment.author_association,
          url: comment.html_url,
        },
      });
    },
  );

  it.each(comments.map((p, i) => [i, p.action, p] as const))(
    'example %i (%s) moved onto a pull request',
    (_i, action, original) => {
      const p = clone(original);
      const url = p.issue.html_url.replace('/issues/', '/pull/');
      p.issue.pull_request = { url: p.issue.url, html_url: url, merged_at: null };
      const { issue, comment } = p;
      expect(accepted(normalizeGitHub('issue_comment', p))).toStrictEqual({
        ...expected('comment', p),
        action,
        pr: {
          number: issue.number,
          title: issue.title,
          url,
          author: issue.user.login,
          head_sha: null,
          head_ref: null,
          base_ref: null,
          base_sha: null,
          labels: (issue.labels ?? []).map((l) => l.name),
          draft: issue.draft ?? false,
          merged: false,
          state: issue.state ?? null,
          from_fork: null,
        },
        comment: {
          id: comment.id,
          body: comment.body,
          author: comment.user.login,
          author_association: comment.author_association,
          url: comment.html_url,
        },
      });
    },
  );

  it('sees a merged pull request through merged_at', () => {
    const p = clone(comments[0]!);
    p.issue.pull_request = { url: p.issue.url, merged_at: '2024-01-01T00:00:00Z' };
    expect(accepted(normalizeGitHub('issue_comment', p)).pr?.merged).toBe(true);
  });
});

describe('events forgeflow does not handle', () => {
  it.each(others.flatMap((d) => d.examples.map((p, i) => [d.name, i, p] as const)))(
    '%s example %i is ignored with a reason',
    (name, _i, p) => {
      const reason = ignored(normalizeGitHub(name, p));
      expect(reason).toContain(name === 'ping' ? 'ping: GitHub checking the webhook' : `"${name}"`);
    },
  );
});

describe('bad input', () => {
  const pr = prs[0]!;
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /not a JSON object/],
    ['a number', 42, /not a JSON object/],
    ['a string', 'str', /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['an empty object', {}, /repository should be an object, is missing/],
    ['a non-object repository', { repository: 5 }, /repository should be an object, is a number/],
    ['repository.full_name wrong', { ...pr, repository: { full_name: [] } }, /full_name .* array/],
    ['pull_request null', { ...pr, pull_request: null }, /pull_request should be an object/],
    ['head a string', { ...pr, pull_request: { ...pr.pull_request, head: 'x' } }, /head\.sha/],
    ['number a string', { ...pr, pull_request: { ...pr.pull_request, number: '2' } }, /number/],
  ];

  it.each(cases)('%s → ignored, saying what is wrong', (_label, payload, reason) => {
    expect(ignored(normalizeGitHub('pull_request', payload))).toMatch(reason);
  });

  it.each(HANDLED)('%s: scalars, arrays and empty objects never throw', (name) => {
    for (const payload of [null, undefined, 42, 'str', [], {}, { repository: 5 }, [pr]]) {
      ignored(normalizeGitHub(name, payload));
    }
  });

  it('degrades optional fields of the wrong type to empty values', () => {
    const p = clone(pr);
    Object.assign(p.pull_request, { labels: 'bug', draft: 'yes', title: 7, user: null });
    const event = accepted(normalizeGitHub('pull_request', p));
    expect(event.pr).toMatchObject({ labels: [], draft: false, title: '', author: null });
  });
});

describe('normalizeEvent and manualEvent', () => {
  it('dispatches by forge and needs the GitHub event header', () => {
    expect(accepted(normalizeEvent('github', 'pull_request', prs[0])).forge).toBe('github');
    expect(ignored(normalizeEvent('github', null, prs[0]))).toContain('X-GitHub-Event');
    expect(accepted(normalizeEvent('gitlab', null, { ...minimalGitLabPush })).forge).toBe('gitlab');
  });

  it('builds a manual event', () => {
    const event = manualEvent({ repo: 'group/sub/project', sha: 'abc', ref: 'main', sender: 'me' });
    expect(event).toMatchObject({
      forge: 'github',
      kind: 'manual',
      repo: { full_name: 'group/sub/project', owner: 'group/sub', name: 'project' },
      sha: 'abc',
      ref: 'refs/heads/main',
      branch: 'main',
      tag: null,
      sender: { login: 'me', id: null },
    });
    expectWellFormed({ ok: true, event });
    expect(manualEvent({ repo: 'o/r', ref: 'refs/tags/v1', forge: 'gitlab' })).toMatchObject({
      forge: 'gitlab',
      tag: 'v1',
      branch: null,
      sha: null,
    });
    expect(() => manualEvent({ repo: 'no-slash' })).toThrow(/owner\/name/);
  });
});

const minimalGitLabPush = {
  object_kind: 'push',
  ref: 'refs/heads/main',
  after: 'b'.repeat(40),
  project: { path_with_namespace: 'g/p' },
};

describe('property: normalizeGitHub never throws', () => {
  const names = fc.oneof(fc.constantFrom(...HANDLED, 'ping', 'issues'), fc.string());
  const real = [...prs, ...pushes, ...creates, ...releases, ...comments].map((p) => clone(p));
  const onPrs = comments.map((c) => {
    const p = clone(c);
    p.issue.pull_request = { url: p.issue.url };
    return p;
  });

  it('on anything', () => {
    fc.assert(
      fc.property(names, fc.anything(), (name, payload) => {
        expectWellFormed(normalizeGitHub(name, payload));
      }),
      { numRuns: 1000 },
    );
  });

  it('on mutated real payloads', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HANDLED), mutatedPayload([...real, ...onPrs]), (n, p) => {
        expectWellFormed(normalizeGitHub(n, p));
      }),
      { numRuns: 1000 },
    );
  });
});
