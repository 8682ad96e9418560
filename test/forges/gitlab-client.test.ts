/**
 * The GitLab client against the fake GitLab (real HTTP, real /api/v4 paths and shapes): every
 * method, projects by id and by path, status mapping and GitLab's "Cannot transition status"
 * 400 as a no-op, and how HTTP failures become retry decisions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { STATUS_STATES, type RepoRef } from '../../src/forges/client.js';
import { GitLabClient } from '../../src/forges/gitlab/client.js';
import { toErrorInfo } from '../../src/contracts/errors.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { SHA, SHA2, SHA3, rejection } from './expect-error.js';

const TOKEN = 'glpat-S3cretGitLabToken0123';
const READ_ONLY = 'glpat-readOnlyToken99999';
const PROJECT_ID = 42;
const repo: RepoRef = { forge: 'gitlab', full_name: 'group/sub/app', id: PROJECT_ID };
const byPath: RepoRef = { forge: 'gitlab', full_name: 'group/sub/app', id: null };
const PIPELINE = 'version: 1\njobs:\n  hi: { uses: exec, with: { command: [echo, "ünïcode"] } }\n';

let gitlab: FakeGitLab;

function client(options: ConstructorParameters<typeof GitLabClient>[0] = {}) {
  return new GitLabClient({ url: gitlab.url, token: TOKEN, ...options });
}

beforeAll(async () => {
  gitlab = new FakeGitLab()
    .addToken(TOKEN)
    .addToken(READ_ONLY, { scopes: ['read_api'] })
    .addProject('group/sub/app', { id: PROJECT_ID })
    .setFiles('group/sub/app', SHA, {
      '.forgeflow/pipeline.yml': PIPELINE,
      'pipeline.yaml': 'top: 1\n',
    })
    .setBranch('group/sub/app', 'main', SHA)
    .setBranch('group/sub/app', 'feature/x.y', SHA2)
    .addCommit('group/sub/app', SHA3)
    .addMergeRequest('group/sub/app', { iid: 7, sha: SHA3, sourceBranch: 'feature/x.y' })
    .addMember('group/sub/app', 11, 30)
    .addMember('group/sub/app', 12, 40, { inherited: true })
    .addMember('group/sub/app', 13, 30, { state: 'blocked' });
  await gitlab.start();
});

afterAll(() => gitlab.stop());
afterEach(() => {
  gitlab.clearFaults();
});

describe('reading', () => {
  it('reads a raw file at a commit, by project id and by URL-encoded path', async () => {
    expect(await client().readFile(repo, '.forgeflow/pipeline.yml', SHA)).toBe(PIPELINE);
    expect(await client().readFile(byPath, 'pipeline.yaml', SHA)).toBe('top: 1\n');
    const [first, second] = gitlab.requestsTo('GET', '/raw');
    expect(first?.path).toBe(
      `/api/v4/projects/42/repository/files/%2Eforgeflow%2Fpipeline%2Eyml/raw`,
    );
    expect(first?.query).toEqual({ ref: SHA });
    expect(first?.headers['private-token']).toBe(TOKEN);
    expect(second?.path).toBe(
      '/api/v4/projects/group%2Fsub%2Fapp/repository/files/pipeline%2Eyaml/raw',
    );
  });

  it('answers null for a missing file or ref, but fails for a project the token cannot see', async () => {
    expect(await client().readFile(repo, 'nope.yml', SHA)).toBeNull();
    expect(await client().readFile(repo, 'pipeline.yaml', 'f'.repeat(40))).toBeNull();
    const hidden = await rejection(
      client().readFile({ ...byPath, full_name: 'secret/project' }, 'pipeline.yaml', SHA),
    );
    expect(hidden).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
    expect(hidden.message).toContain('answered 404: 404 Project Not Found');
  });

  it('reads a merge request head (sha and source branch), null when there is none', async () => {
    expect(await client().pullRequestHead(repo, 7)).toEqual({
      sha: SHA3,
      ref: 'feature/x.y',
      baseRef: 'main',
    });
    expect(await client().pullRequestHead(byPath, 7)).toEqual({
      sha: SHA3,
      ref: 'feature/x.y',
      baseRef: 'main',
    });
    expect(await client().pullRequestHead(repo, 99)).toBeNull();
  });

  it('reads a branch head (slashes and dots encoded), null when there is none', async () => {
    expect(await client().branchHead(repo, 'main')).toBe(SHA);
    expect(await client().branchHead(repo, 'feature/x.y')).toBe(SHA2);
    expect(await client().branchHead(repo, 'gone')).toBeNull();
    expect(gitlab.requestsTo('GET', '/branches/feature%2Fx%2Ey')).toHaveLength(1);
  });

  it('reads access levels through members/all (inherited included); others are null', async () => {
    expect(await client().accessLevel(repo, 11)).toBe(30);
    expect(await client().accessLevel(repo, 12)).toBe(40);
    expect(await client().accessLevel(repo, 13)).toBeNull();
    expect(await client().accessLevel(repo, 99)).toBeNull();
    expect(gitlab.requestsTo('GET', '/members/all/12')).toHaveLength(1);
  });
});

describe('writing', () => {
  it('maps the seven states to GitLab commit statuses with name, description and target URL', async () => {
    for (const state of STATUS_STATES) {
      await client().setStatus(repo, SHA, {
        context: `ctx-${state}`,
        state,
        description: `is ${state}`,
        targetUrl: 'https://ci.example/runs/1',
      });
    }
    expect(
      gitlab
        .statuses('group/sub/app', SHA)
        .map((s) => [s.name, s.status, s.description, s.target_url]),
    ).toEqual(
      (
        [
          ['pending', 'pending'],
          ['running', 'running'],
          ['success', 'success'],
          ['failure', 'failed'],
          ['error', 'failed'],
          ['canceled', 'canceled'],
          ['skipped', 'skipped'],
        ] as const
      ).map(([ours, theirs]) => [`ctx-${ours}`, theirs, `is ${ours}`, 'https://ci.example/runs/1']),
    );
  });

  it('treats the 400 "Cannot transition status" of a repeated state as a no-op', async () => {
    const c = client();
    await c.setStatus(repo, SHA2, { context: 'build', state: 'pending' });
    await c.setStatus(repo, SHA2, { context: 'build', state: 'pending' });
    await c.setStatus(repo, SHA2, { context: 'build', state: 'running' });
    await c.setStatus(repo, SHA2, { context: 'build', state: 'running' });
    await c.setStatus(repo, SHA2, { context: 'build', state: 'success' });
    const posts = gitlab.requestsTo('POST', `/statuses/${SHA2}`);
    expect(posts.map((r) => r.status)).toEqual([201, 400, 201, 400, 201]);
    expect(gitlab.statuses('group/sub/app', SHA2).map((s) => s.status)).toEqual([
      'pending',
      'running',
      'success',
    ]);
    expect(gitlab.latestStatus('group/sub/app', SHA2, 'build')?.status).toBe('success');
  });

  it('truncates a description to 255 characters', async () => {
    await client().setStatus(repo, SHA3, {
      context: 'long',
      state: 'failure',
      description: 'x'.repeat(300),
    });
    const description = gitlab.latestStatus('group/sub/app', SHA3, 'long')?.description ?? '';
    expect(description).toHaveLength(255);
    expect(description.endsWith('x…')).toBe(true);
  });

  it('comments on a merge request and links the note', async () => {
    const result = await client().comment(repo, 7, 'tests: **success**');
    const [note] = gitlab.notes('group/sub/app', 7);
    expect(note?.body).toBe('tests: **success**');
    expect(result).toEqual({
      id: note?.id,
      url: `${gitlab.url}/group/sub/app/-/merge_requests/7#note_${note?.id}`,
    });
  });
});

describe('award emoji', () => {
  it("awards an emoji to a merge request's note; one already awarded is done, not an error", async () => {
    gitlab.addNote('group/sub/app', 7, { id: 5001, body: '/forgeflow retry', authorId: 11 });
    await client().react(repo, 7, 5001, '+1');
    await client().react(byPath, 7, 5001, '+1');
    await client().react(repo, 7, 5001, 'confused');
    const posts = gitlab.requestsTo('POST', '/award_emoji');
    expect(posts.map((r) => [r.path, r.body, r.status])).toEqual([
      ['/api/v4/projects/42/merge_requests/7/notes/5001/award_emoji', { name: 'thumbsup' }, 201],
      [
        '/api/v4/projects/group%2Fsub%2Fapp/merge_requests/7/notes/5001/award_emoji',
        { name: 'thumbsup' },
        404,
      ],
      ['/api/v4/projects/42/merge_requests/7/notes/5001/award_emoji', { name: 'confused' }, 201],
    ]);
    expect(gitlab.awards('group/sub/app', 5001).map((a) => a.name)).toEqual([
      'thumbsup',
      'confused',
    ]);
  });

  it("comments on an issue and awards an emoji to the issue's note, not to a merge request's", async () => {
    gitlab.addIssue('group/sub/app', 7);
    gitlab.addNote('group/sub/app', 7, { id: 5101, body: '/packit help', onIssue: true });
    await client().react(repo, { issue: 7 }, 5101, 'eyes');
    const reply = await client().comment(repo, { issue: 7 }, 'usage: …');
    expect(gitlab.requestsTo('POST', '/issues/').map((r) => [r.path, r.status])).toEqual([
      ['/api/v4/projects/42/issues/7/notes/5101/award_emoji', 201],
      ['/api/v4/projects/42/issues/7/notes', 201],
    ]);
    expect(gitlab.issueNotes('group/sub/app', 7).map((n) => n.body)).toEqual([
      '/packit help',
      'usage: …',
    ]);
    expect(reply.url).toBe(`${gitlab.url}/group/sub/app/-/issues/7#note_${reply.id}`);
    // The same number as a merge request's note is another note.
    const wrong = await rejection(client().react(repo, 7, 5101, 'eyes'));
    expect(wrong.message).toContain('answered 404');
  });

  it('reads the newest release, null when there is none', async () => {
    expect(await client().latestRelease(repo)).toBeNull();
    gitlab
      .addRelease('group/sub/app', { tag: 'v1.0' })
      .addRelease('group/sub/app', { tag: 'v1.1', name: 'One one' });
    expect(await client().latestRelease(repo)).toEqual({ tag: 'v1.1', name: 'One one', url: null });
  });

  it('fails for good for a note that is not there', async () => {
    const gone = await rejection(client().react(repo, 7, 5999, '+1'));
    expect(gone).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
    expect(gone.message).toContain('answered 404: 404 Not found');
  });
});

describe('errors', () => {
  it('retries 5xx as ForgeUnavailable, naming the request', async () => {
    gitlab.failNext('GET', /\/raw/, 502, 1);
    const error = await rejection(client().readFile(repo, 'pipeline.yaml', SHA));
    expect(error).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(error.message).toBe(
      `GitLab GET /projects/42/repository/files/pipeline%2Eyaml/raw?ref=${SHA} answered 502: 502 Bad Gateway`,
    );
  });

  it('waits as GitLab says on a 429 (Retry-After, else RateLimit-Reset)', async () => {
    gitlab.rateLimitNext('POST', '/statuses/', { retryAfterSeconds: 30 });
    const error = await rejection(
      client().setStatus(repo, SHA, { context: 'x', state: 'success' }),
    );
    expect(error).toMatchObject({ type: 'RateLimited', nonRetryable: false, retryAfterMs: 30_000 });

    const now = 1_800_000_000_000;
    gitlab.failNext('GET', '/merge_requests/7', 429, 1, {
      headers: { 'ratelimit-reset': String(now / 1000 + 12) },
      body: 'Retry later\n',
    });
    const reset = await rejection(client({ now: () => now }).pullRequestHead(repo, 7));
    expect(reset).toMatchObject({ type: 'RateLimited', retryAfterMs: 12_000 });
  });

  it('fails for good on 401, 403 and other 4xx', async () => {
    const unauthorized = await rejection(client({ token: 'glpat-wrong' }).branchHead(repo, 'main'));
    expect(unauthorized).toMatchObject({ type: 'ForgeAuthError', nonRetryable: true });
    expect(unauthorized.message).toContain('answered 401: 401 Unauthorized');

    const readOnly = await rejection(
      client({ token: READ_ONLY }).setStatus(repo, SHA, { context: 'x', state: 'success' }),
    );
    expect(readOnly).toMatchObject({ type: 'ForgeAuthError', nonRetryable: true });
    expect(readOnly.message).toContain('answered 403: insufficient_scope');

    const noMr = await rejection(client().comment(repo, 99, 'hello'));
    expect(noMr).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });

    gitlab.failNext('POST', '/statuses/', 400, 1, { body: { message: { name: ['is too long'] } } });
    const invalid = await rejection(
      client().setStatus(repo, SHA, { context: 'x', state: 'success' }),
    );
    expect(invalid).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
    expect(invalid.message).toContain('answered 400: {"name":["is too long"]}');
  });

  it('never puts the token in an error, even when the forge echoes it', async () => {
    gitlab.failNext('GET', '/branches/', 500, 1, {
      body: { message: `PRIVATE-TOKEN ${TOKEN} broke` },
    });
    const error = await rejection(client().branchHead(repo, 'main'));
    const shown = JSON.stringify({
      info: toErrorInfo(error),
      message: error.message,
      stack: error.stack,
    });
    expect(shown).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED] broke');
  });

  it('retries a dropped connection; times a request out; lets the caller abort', async () => {
    gitlab.dropNext('GET', '/members/');
    const dropped = await rejection(client().accessLevel(repo, 11));
    expect(dropped).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });

    gitlab.delayNext('GET', '/merge_requests/7', 5_000);
    const timedOut = await rejection(client({ timeoutMs: 150 }).pullRequestHead(repo, 7));
    expect(timedOut).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(timedOut.message).toBe(
      'GitLab GET /projects/42/merge_requests/7 timed out after 150 ms',
    );

    gitlab.delayNext('GET', '/merge_requests/7', 5_000);
    const controller = new AbortController();
    const pending = client().pullRequestHead(repo, 7, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).type).toBe('Aborted');
  });

  it('says GITLAB_TOKEN is missing without sending anything', async () => {
    const before = gitlab.requests.length;
    const error = await rejection(new GitLabClient({ url: gitlab.url }).branchHead(repo, 'main'));
    expect(error).toMatchObject({ type: 'NotConfigured', nonRetryable: true });
    expect(error.message).toContain('GITLAB_TOKEN');
    expect(gitlab.requests.length).toBe(before);
  });
});
