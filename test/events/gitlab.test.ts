/**
 * GitLab normalization against real payloads from GitLab's documentation (via go-gitlab, copied
 * into test/fixtures/gitlab), variants of them built in memory (the fixtures are never edited),
 * and hostile input.
 */

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  Actor,
  Event,
  NormalizeResult,
  PullRequest,
  Repository,
} from '../../src/events/event.js';
import { normalizeGitLab } from '../../src/forges/gitlab/normalize.js';
import { fixturesUrl } from '../support/fixtures.js';
import { expectWellFormed, mutatedPayload } from './helpers.js';

const fixturesDir = fixturesUrl('gitlab');

const fixtureFiles = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, fixturesDir), 'utf8')) as T;
}

interface GlProject {
  id?: number;
  path_with_namespace: string;
  web_url: string;
  git_http_url: string;
  default_branch: string;
  visibility_level?: number;
}
interface GlUser {
  id: number;
  username: string;
}
interface GlLabel {
  title: string;
}
interface GlMergeRequest {
  iid: number;
  title: string;
  url?: string;
  author_id: number;
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  target_project_id: number;
  state: string;
  work_in_progress: boolean;
  draft?: boolean;
  labels?: GlLabel[];
  last_commit: { id: string };
  action?: string;
  oldrev?: string;
}
interface GlCommit {
  id: string;
  added: string[];
  modified: string[];
  removed: string[];
}
interface MergeRequestHook {
  user: GlUser;
  project: GlProject;
  object_attributes: GlMergeRequest;
  labels?: GlLabel[];
}
interface PushHook {
  ref: string;
  after: string;
  checkout_sha: string | null;
  user_id: number;
  user_username: string;
  project: GlProject;
  commits: GlCommit[];
  total_commits_count: number;
}
interface NoteHook {
  user: GlUser;
  project: GlProject;
  object_attributes: { id: number; note: string; noteable_type: string; url: string };
  merge_request?: GlMergeRequest;
  commit?: GlCommit;
}
interface ReleaseHook {
  project: GlProject;
  tag: string;
  name: string;
  url: string;
  action: string;
  commit: { id: string };
}

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

function repoOf(project: GlProject): Repository {
  const segments = project.path_with_namespace.split('/');
  return {
    full_name: project.path_with_namespace,
    owner: segments.slice(0, -1).join('/'),
    name: segments[segments.length - 1]!,
    id: project.id ?? null,
    html_url: project.web_url,
    clone_url: project.git_http_url,
    default_branch: project.default_branch,
    private: project.visibility_level === undefined ? null : project.visibility_level !== 20,
  };
}

function expected(kind: Event['kind'], payload: { project: GlProject }, sender: Actor): Event {
  return {
    forge: 'gitlab',
    kind,
    action: null,
    repo: repoOf(payload.project),
    sha: null,
    ref: null,
    branch: null,
    tag: null,
    pr: null,
    comment: null,
    release: null,
    sender,
    changed_paths: null,
    deleted: false,
    payload,
  };
}

function prOf(mr: GlMergeRequest, user: GlUser, topLabels?: GlLabel[]): PullRequest {
  return {
    number: mr.iid,
    title: mr.title,
    url: mr.url ?? null,
    author: mr.author_id === user.id ? user.username : null,
    head_sha: mr.last_commit.id,
    head_ref: mr.source_branch,
    base_ref: mr.target_branch,
    base_sha: null,
    labels: (mr.labels ?? topLabels ?? []).map((l) => l.title),
    draft: mr.draft ?? mr.work_in_progress,
    merged: mr.state === 'merged' || mr.action === 'merge',
    state: mr.state,
    from_fork: mr.source_project_id !== mr.target_project_id,
  };
}

const actor = (u: GlUser): Actor => ({ login: u.username, id: u.id });
const pushUser = (p: PushHook): Actor => ({ login: p.user_username, id: p.user_id });
const pathsOf = (commits: GlCommit[]) =>
  [...new Set(commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed]))].sort();

/** What each fixture must give; a fixture added later without an entry here fails the suite. */
const OUTCOMES: Record<string, Event['kind'] | 'ignored'> = {
  'merge_request.json': 'pull_request',
  'group_merge_request.json': 'ignored',
  'push.json': 'push',
  'tag_push.json': 'tag',
  'note_merge_request.json': 'comment',
  'note_commit.json': 'comment',
  'release.json': 'release',
  'pipeline.json': 'ignored',
};

describe('the fixtures directory', () => {
  it('holds every fixture these tests use, and nothing unaccounted for', () => {
    expect(fixtureFiles.sort()).toEqual(Object.keys(OUTCOMES).sort());
  });

  it.each(fixtureFiles)('%s normalizes to what it is', (file) => {
    const result = normalizeGitLab(null, load<unknown>(file));
    expectWellFormed(result);
    expect(result.ok ? result.event.kind : 'ignored').toBe(OUTCOMES[file]);
  });
});

describe('merge_request', () => {
  const hook = load<MergeRequestHook>('merge_request.json');
  const variant = (attrs: Partial<GlMergeRequest>): MergeRequestHook => {
    const copy = structuredClone(hook);
    Object.assign(copy.object_attributes, attrs);
    return copy;
  };
  const action = (attrs: Partial<GlMergeRequest>) =>
    accepted(normalizeGitLab('Merge Request Hook', variant(attrs)));

  it('open → opened, field by field', () => {
    const mr = hook.object_attributes;
    expect(mr.action).toBe('open');
    expect(accepted(normalizeGitLab('Merge Request Hook', hook))).toStrictEqual({
      ...expected('pull_request', hook, actor(hook.user)),
      action: 'opened',
      sha: mr.last_commit.id,
      ref: `refs/merge-requests/${mr.iid}/head`,
      branch: mr.target_branch,
      pr: prOf(mr, hook.user, hook.labels),
    });
  });

  it('update with oldrev (new commits) → synchronize, without → edited', () => {
    expect(action({ action: 'update', oldrev: 'c'.repeat(40) }).action).toBe('synchronize');
    expect(action({ action: 'update' }).action).toBe('edited');
  });

  it('merge → closed and merged; close → closed, not merged', () => {
    const merged = action({ action: 'merge', state: 'merged' });
    expect(merged.action).toBe('closed');
    expect(merged.pr?.merged).toBe(true);
    const closed = action({ action: 'close', state: 'closed' });
    expect(closed.action).toBe('closed');
    expect(closed.pr?.merged).toBe(false);
  });

  it('reopen → reopened; approvals pass through; no action → null', () => {
    expect(action({ action: 'reopen' }).action).toBe('reopened');
    for (const a of ['approved', 'unapproved', 'approval', 'unapproval']) {
      expect(action({ action: a }).action).toBe(a);
    }
    const none = structuredClone(hook);
    Reflect.deleteProperty(none.object_attributes, 'action');
    expect(accepted(normalizeGitLab(null, none)).action).toBeNull();
  });

  it('reads draft, forks, and the author when the actor wrote the merge request', () => {
    expect(action({ draft: true }).pr?.draft).toBe(true);
    expect(action({ work_in_progress: true }).pr?.draft).toBe(true);
    const forked = hook.object_attributes.target_project_id + 1;
    expect(action({ source_project_id: forked }).pr?.from_fork).toBe(true);
    expect(action({ author_id: hook.user.id }).pr?.author).toBe(hook.user.username);
  });

  it('group_merge_request: keys with trailing spaces leave no iid → malformed', () => {
    const group = load<{ object_attributes: Record<string, unknown> }>('group_merge_request.json');
    expect(Object.keys(group.object_attributes)).toContain('iid ');
    expect(ignored(normalizeGitLab('Merge Request Hook', group))).toBe(
      'malformed GitLab merge_request payload: object_attributes.iid should be a number, is missing',
    );
    // With the keys trimmed it is a merged merge request, on a project without id or level.
    const trimmed = structuredClone(group);
    trimmed.object_attributes = Object.fromEntries(
      Object.entries(group.object_attributes).map(([k, v]) => [k.trim(), v]),
    );
    const event = accepted(normalizeGitLab('Merge Request Hook', trimmed));
    expect(event).toMatchObject({ action: 'closed', pr: { merged: true, number: 1402 } });
    expect(event.repo).toMatchObject({ id: null, private: false });
  });
});

describe('push and tag_push', () => {
  const push = load<PushHook>('push.json');
  const tag = load<PushHook>('tag_push.json');

  it('push.json, field by field (its commit list is incomplete: changed_paths null)', () => {
    expect(push.total_commits_count).toBeGreaterThan(push.commits.length);
    expect(accepted(normalizeGitLab('Push Hook', push))).toStrictEqual({
      ...expected('push', push, pushUser(push)),
      action: 'pushed',
      sha: push.checkout_sha ?? push.after,
      ref: push.ref,
      branch: push.ref.replace('refs/heads/', ''),
    });
  });

  it('a complete commit list gives the union of changed paths', () => {
    const p = { ...structuredClone(push), total_commits_count: push.commits.length };
    expect(accepted(normalizeGitLab('Push Hook', p)).changed_paths).toEqual(pathsOf(push.commits));
  });

  it('GitLab’s 20-commit cap: 20 commits of 25 → changed_paths null', () => {
    const commits = Array.from({ length: 20 }, () => structuredClone(push.commits[0]!));
    const p = { ...structuredClone(push), commits, total_commits_count: 25 };
    expect(accepted(normalizeGitLab('Push Hook', p)).changed_paths).toBeNull();
  });

  it('branch deletion → deleted, no sha', () => {
    const p = { ...structuredClone(push), after: '0'.repeat(40), checkout_sha: null, commits: [] };
    Object.assign(p, { total_commits_count: 0 });
    expect(accepted(normalizeGitLab('Push Hook', p))).toMatchObject({
      kind: 'push',
      action: 'deleted',
      deleted: true,
      sha: null,
      branch: push.ref.replace('refs/heads/', ''),
    });
  });

  it('tag_push.json, field by field', () => {
    expect(accepted(normalizeGitLab('Tag Push Hook', tag))).toStrictEqual({
      ...expected('tag', tag, pushUser(tag)),
      action: 'pushed',
      sha: tag.checkout_sha ?? tag.after,
      ref: tag.ref,
      tag: tag.ref.replace('refs/tags/', ''),
      changed_paths: pathsOf(tag.commits),
    });
  });

  it('tag deletion → deleted', () => {
    const p = { ...structuredClone(tag), after: '0'.repeat(40), checkout_sha: null, commits: [] };
    expect(accepted(normalizeGitLab('Tag Push Hook', p))).toMatchObject({
      kind: 'tag',
      action: 'deleted',
      deleted: true,
      sha: null,
    });
  });
});

describe('note', () => {
  const onMr = load<NoteHook>('note_merge_request.json');
  const onCommit = load<NoteHook>('note_commit.json');
  const commentOf = (n: NoteHook) => ({
    id: n.object_attributes.id,
    body: n.object_attributes.note,
    author: n.user.username,
    author_association: null,
    url: n.object_attributes.url,
  });

  it('on a merge request → comment with the merge request, field by field', () => {
    const mr = onMr.merge_request!;
    expect(accepted(normalizeGitLab('Note Hook', onMr))).toStrictEqual({
      ...expected('comment', onMr, actor(onMr.user)),
      action: 'created',
      sha: mr.last_commit.id,
      ref: `refs/merge-requests/${mr.iid}/head`,
      branch: mr.target_branch,
      pr: prOf(mr, onMr.user),
      comment: commentOf(onMr),
    });
  });

  it('on a commit → comment without a pull request, field by field', () => {
    expect(accepted(normalizeGitLab('Note Hook', onCommit))).toStrictEqual({
      ...expected('comment', onCommit, actor(onCommit.user)),
      action: 'created',
      sha: onCommit.commit!.id,
      comment: commentOf(onCommit),
    });
  });

  it('on a Snippet → ignored', () => {
    const p = structuredClone(onCommit);
    p.object_attributes.noteable_type = 'Snippet';
    expect(ignored(normalizeGitLab('Note Hook', p))).toContain('Snippet');
  });

  it('on an Issue → comment on that issue (fields as in GitLab\'s "comment on an issue" example)', () => {
    const p = structuredClone(onCommit) as NoteHook & { issue?: unknown; commit?: unknown };
    delete p.commit;
    p.object_attributes.noteable_type = 'Issue';
    p.object_attributes.url = 'http://example.com/gitlab-org/gitlab-test/issues/17#note_1241';
    p.issue = {
      id: 92,
      iid: 17,
      title: 'test',
      author_id: p.user.id,
      project_id: 5,
      labels: [{ id: 25, title: 'Afterpod', color: '#3e8068', type: 'ProjectLabel' }],
      state: 'closed',
    };
    expect(accepted(normalizeGitLab('Note Hook', p))).toStrictEqual({
      ...expected('comment', p, actor(p.user)),
      action: 'created',
      issue: {
        number: 17,
        title: 'test',
        url: 'http://example.com/gitlab-org/gitlab-test/issues/17',
        author: p.user.username,
        labels: ['Afterpod'],
        state: 'closed',
      },
      comment: commentOf(p),
    });
  });
});

describe('release', () => {
  const hook = load<ReleaseHook>('release.json');

  it('create → published (no drafts on GitLab), field by field (no user: empty sender)', () => {
    expect(accepted(normalizeGitLab('Release Hook', hook))).toStrictEqual({
      ...expected('release', hook, { login: '', id: null }),
      action: 'published',
      sha: hook.commit.id,
      ref: `refs/tags/${hook.tag}`,
      tag: hook.tag,
      release: { tag: hook.tag, name: hook.name, draft: false, prerelease: false, url: hook.url },
    });
  });

  it('update → edited, delete → deleted, upcoming_release → prerelease', () => {
    const run = (extra: object) => accepted(normalizeGitLab(null, { ...hook, ...extra }));
    expect(run({ action: 'update' }).action).toBe('edited');
    expect(run({ action: 'delete' }).action).toBe('deleted');
    expect(run({ upcoming_release: true }).release?.prerelease).toBe(true);
  });

  it("keeps GitLab's own word in the payload, and passes an unknown word through", () => {
    const event = accepted(normalizeGitLab('Release Hook', hook));
    expect((event.payload as { action: string }).action).toBe('create');
    expect(accepted(normalizeGitLab(null, { ...hook, action: 'constructor' })).action).toBe(
      'constructor',
    );
  });
});

describe('kinds forgeflow does not handle, and the header', () => {
  it('pipeline → ignored, naming the kind', () => {
    expect(ignored(normalizeGitLab('Pipeline Hook', load('pipeline.json')))).toContain('pipeline');
  });

  it.each(['build', 'issue', 'wiki_page', 'deployment'])('%s → ignored, naming it', (kind) => {
    expect(ignored(normalizeGitLab(null, { object_kind: kind }))).toContain(kind);
  });

  it('uses the header only when object_kind is missing', () => {
    const push = load<Record<string, unknown>>('push.json');
    const bare = structuredClone(push);
    Reflect.deleteProperty(bare, 'object_kind');
    expect(accepted(normalizeGitLab('Push Hook', bare)).kind).toBe('push');
    expect(accepted(normalizeGitLab('Merge Request Hook', push)).kind).toBe('push');
    expect(ignored(normalizeGitLab(null, bare))).toContain('no object_kind');
    expect(ignored(normalizeGitLab('Emoji Hook', bare))).toContain('Emoji Hook');
    expect(ignored(normalizeGitLab('Pipeline Hook', bare))).toContain('pipeline');
  });
});

describe('bad input', () => {
  const mr = load<MergeRequestHook>('merge_request.json');
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /not a JSON object/],
    ['a number', 42, /not a JSON object/],
    ['a string', 'str', /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['an empty object', {}, /no object_kind/],
    ['a non-object project', { object_kind: 'push', project: 5 }, /project should be an object/],
    ['object_attributes null', { ...mr, object_attributes: null }, /object_attributes should be/],
    ['iid a string', { ...mr, object_attributes: { ...mr.object_attributes, iid: '1' } }, /iid/],
    ['object_kind a number', { ...mr, object_kind: 7 }, /object_kind should be a string/],
  ];

  it.each(cases)('%s → ignored, saying what is wrong', (_label, payload, reason) => {
    expect(ignored(normalizeGitLab(null, payload))).toMatch(reason);
  });

  it('does not let the header override a mistyped object_kind', () => {
    expect(ignored(normalizeGitLab('Merge Request Hook', { ...mr, object_kind: 7 }))).toMatch(
      /object_kind should be a string, is a number/,
    );
  });

  it.each(['merge_request', 'push', 'tag_push', 'note', 'release'])(
    '%s with a bare body never throws',
    (kind) => {
      for (const extra of [{}, { project: [] }, { project: { path_with_namespace: 1 } }]) {
        ignored(normalizeGitLab(null, { object_kind: kind, ...extra }));
      }
    },
  );
});

describe('property: normalizeGitLab never throws', () => {
  const headers = fc.option(
    fc.oneof(fc.constantFrom('Push Hook', 'Merge Request Hook', 'Note Hook'), fc.string()),
  );
  const real = fixtureFiles.map((f) => load<unknown>(f));

  it('on anything', () => {
    fc.assert(
      fc.property(headers, fc.anything(), (header, payload) => {
        expectWellFormed(normalizeGitLab(header, payload));
      }),
      { numRuns: 1000 },
    );
  });

  it('on mutated real payloads', () => {
    fc.assert(
      fc.property(headers, mutatedPayload(real), (header, payload) => {
        expectWellFormed(normalizeGitLab(header, payload));
      }),
      { numRuns: 1000 },
    );
  });
});
