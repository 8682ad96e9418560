/**
 * The two forge facts the plan step asks for, against the fake forges (real HTTP, the real
 * paths and response shapes): a tag's commit (an annotated tag peeled) and a pull/merge
 * request's changed files, paged 100 at a time, renames counted twice, capped at 3,000 files
 * (past the cap, or past GitLab's diff limits, the list is "unknown, because …"), kept per
 * head commit, 404 as "gone" and 5xx as a retryable error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CHANGED_FILES_LIMITS } from '../../src/forges/changed-files.js';
import { ChangedFilesCache } from '../../src/forges/changed-files-cache.js';
import type { RepoRef } from '../../src/forges/client.js';
import { GitHubClient } from '../../src/forges/github/client.js';
import { GitLabClient } from '../../src/forges/gitlab/client.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { SHA, SHA2, SHA3, rejection, silentLog } from './expect-error.js';

const TAG_OBJECT = 'd'.repeat(40);
const many = (n: number, dir = 'src') => Array.from({ length: n }, (_, i) => `${dir}/f${i}.ts`);

let github: FakeGitHub;
let gitlab: FakeGitLab;

beforeAll(async () => {
  github = new FakeGitHub().addToken('gh').addRepo('octo/hello', { id: 1 });
  gitlab = new FakeGitLab().addToken('gl').addProject('group/app', { id: 42 });
  await Promise.all([github.start(), gitlab.start()]);
});
afterAll(() => Promise.all([github.stop(), gitlab.stop()]));
afterEach(() => {
  github.clearFaults();
  gitlab.clearFaults();
});

describe('GitHub', () => {
  const repo: RepoRef = { forge: 'github', full_name: 'octo/hello', id: 1 };
  const client = () => new GitHubClient({ baseUrl: github.url, token: 'gh', log: silentLog });
  const pr = (number: number, headSha = SHA) => ({ number, headSha, baseSha: SHA2 });

  it("peels an annotated tag to its commit, asking for the sha alone; null for a tag that is not there (GitHub's 422)", async () => {
    github.setTag('octo/hello', 'v1.0', SHA, { annotated: TAG_OBJECT });
    github.setTag('octo/hello', 'release/2.0', SHA2);
    expect(await client().tagCommit(repo, 'v1.0')).toBe(SHA);
    expect(await client().tagCommit(repo, 'release/2.0')).toBe(SHA2);
    expect(await client().tagCommit(repo, 'nope')).toBeNull();
    const [first] = github.requestsTo('GET', '/commits/tags/v1.0');
    expect(first?.headers.accept).toBe('application/vnd.github.sha');
    expect(github.requestsTo('GET', '/commits/tags/release/2.0')).toHaveLength(1);
  });

  it('reads every page of 100, renames with both paths, sorted', async () => {
    const files = [
      ...many(249),
      { filename: 'b/new.md', status: 'renamed' as const, previous_filename: 'a/old.md' },
    ];
    github.addPullRequest('octo/hello', { number: 10, headSha: SHA, headRef: 'x' });
    github.setPullFiles('octo/hello', 10, files);
    const before = github.requestsTo('GET', '/pulls/10/files').length;
    const answer = await client().changedFiles(repo, pr(10));
    expect(answer?.paths).toHaveLength(251);
    expect(answer?.paths).toContain('a/old.md');
    expect(answer?.paths).toContain('b/new.md');
    expect(answer?.paths).toEqual([...(answer?.paths ?? [])].sort());
    const pages = github.requestsTo('GET', '/pulls/10/files').slice(before);
    expect(pages.map((r) => r.query)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '2' },
      { per_page: '100', page: '3' },
    ]);
  });

  it('keeps a list per head commit: a second ask reads nothing, a new head reads again', async () => {
    github.addPullRequest('octo/hello', { number: 11, headSha: SHA, headRef: 'x' });
    github.setPullFiles('octo/hello', 11, ['docs/a.md']);
    const one = client();
    expect(await one.changedFiles(repo, pr(11))).toEqual({ paths: ['docs/a.md'] });
    expect(await one.changedFiles(repo, pr(11))).toEqual({ paths: ['docs/a.md'] });
    expect(github.requestsTo('GET', '/pulls/11/files')).toHaveLength(1);
    await one.changedFiles(repo, pr(11, SHA3));
    expect(github.requestsTo('GET', '/pulls/11/files')).toHaveLength(2);
  });

  it('stops at 3,000 files (30 pages): the list is unknown, and says why', async () => {
    github.addPullRequest('octo/hello', { number: 12, headSha: SHA, headRef: 'x' });
    github.setPullFiles('octo/hello', 12, many(3_500));
    expect(await client().changedFiles(repo, pr(12))).toEqual({
      paths: null,
      why: 'the pull request changes 3000 files or more (forgeflow reads at most 3000)',
    });
    expect(github.requestsTo('GET', '/pulls/12/files')).toHaveLength(CHANGED_FILES_LIMITS.maxPages);
  });

  it('gives up on a path longer than 4,096 characters rather than hold it', async () => {
    github.addPullRequest('octo/hello', { number: 13, headSha: SHA, headRef: 'x' });
    github.setPullFiles('octo/hello', 13, ['ok.md', 'x'.repeat(5_000)]);
    expect(await client().changedFiles(repo, pr(13))).toEqual({
      paths: null,
      why: "a changed file's path is longer than 4096 characters",
    });
  });

  it('answers null for a pull request that is gone (404), and retries a 502', async () => {
    expect(await client().changedFiles(repo, pr(999))).toBeNull();
    github.addPullRequest('octo/hello', { number: 14, headSha: SHA, headRef: 'x' });
    github.failNext('GET', '/pulls/14/files', 502);
    const error = await rejection(client().changedFiles(repo, pr(14)));
    expect(error).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(error.message).toContain('/pulls/14/files?per_page=100&page=1 answered 502');
  });
});

describe('GitLab', () => {
  const repo: RepoRef = { forge: 'gitlab', full_name: 'group/app', id: 42 };
  const client = () => new GitLabClient({ url: gitlab.url, token: 'gl' });
  const mr = (number: number, headSha = SHA) => ({ number, headSha, baseSha: null });

  it("reads a tag's commit (commit.id, not an annotated tag's target); null for none", async () => {
    gitlab.setTag('group/app', 'v1.0', SHA, { annotated: TAG_OBJECT });
    gitlab.setTag('group/app', 'release/2.0', SHA2);
    expect(await client().tagCommit(repo, 'v1.0')).toBe(SHA);
    expect(await client().tagCommit(repo, 'release/2.0')).toBe(SHA2);
    expect(await client().tagCommit(repo, 'nope')).toBeNull();
    expect(gitlab.requestsTo('GET', '/repository/tags/release%2F2%2E0')).toHaveLength(1);
  });

  it('reads the merge request, then every page of diffs by x-next-page; renames with both paths', async () => {
    gitlab.addMergeRequest('group/app', { iid: 20, sha: SHA, sourceBranch: 'x' });
    gitlab.setMergeRequestFiles('group/app', 20, [
      ...many(150),
      { from: 'a/old.md', to: 'b/new.md' },
    ]);
    const answer = await client().changedFiles(repo, mr(20));
    expect(answer?.paths).toHaveLength(152);
    expect(answer?.paths).toEqual(expect.arrayContaining(['a/old.md', 'b/new.md']));
    expect(gitlab.requestsTo('GET', '/merge_requests/20/diffs').map((r) => r.query)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '2' },
    ]);
  });

  it("knows a list is cut short when GitLab's changes_count says so (past its diff limits)", async () => {
    gitlab.addMergeRequest('group/app', { iid: 21, sha: SHA, sourceBranch: 'x' });
    gitlab.setMergeRequestFiles('group/app', 21, many(1_200));
    expect(await client().changedFiles(repo, mr(21))).toEqual({
      paths: null,
      why: `GitLab lists only part of the merge request's changed files (changes_count "1000+", past its diff limits)`,
    });
    expect(gitlab.requestsTo('GET', '/merge_requests/21/diffs')).toHaveLength(0);
  });

  it('says so when the merge request moved on to another head, and keeps a list per head', async () => {
    gitlab.addMergeRequest('group/app', { iid: 22, sha: SHA3, sourceBranch: 'x' });
    gitlab.setMergeRequestFiles('group/app', 22, ['docs/a.md']);
    expect(await client().changedFiles(repo, mr(22, SHA))).toEqual({
      paths: null,
      why: `the merge request's head moved on to ${SHA3.slice(0, 12)}`,
    });
    const one = client();
    expect(await one.changedFiles(repo, mr(22, SHA3))).toEqual({ paths: ['docs/a.md'] });
    expect(await one.changedFiles(repo, mr(22, SHA3))).toEqual({ paths: ['docs/a.md'] });
    expect(gitlab.requestsTo('GET', '/merge_requests/22/diffs')).toHaveLength(1);
  });

  it('answers null for a merge request that is gone (404), and retries a 502', async () => {
    expect(await client().changedFiles(repo, mr(999))).toBeNull();
    gitlab.addMergeRequest('group/app', { iid: 23, sha: SHA, sourceBranch: 'x' });
    gitlab.failNext('GET', '/merge_requests/23/diffs', 502);
    const error = await rejection(client().changedFiles(repo, mr(23)));
    expect(error).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
  });
});

describe('the cache', () => {
  it('drops the least recently used entries past its bounds of entries and characters', () => {
    const cache = new ChangedFilesCache({ maxEntries: 2, maxChars: 100 });
    cache.set('a', { paths: ['x'] });
    cache.set('b', { paths: ['y'] });
    cache.get('a');
    cache.set('c', { paths: ['z'] });
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([
      { paths: ['x'] },
      undefined,
      { paths: ['z'] },
    ]);
    cache.set('big', { paths: ['w'.repeat(96)] });
    expect(cache.size).toBe(1);
    cache.set('huge', { paths: ['w'.repeat(200)] });
    expect(cache.get('huge')).toBeUndefined();
  });
});
