/**
 * Nothing a caller passes makes a forge client's request climb out of its endpoint (issue 12
 * §6: `file: "../../../../user"` made the server send `GET /user` with the forge token): file
 * paths, repository names, shas, branches and numbers that would read as `..` in a URL are
 * refused with a non-retryable ForgeRequestError before any request leaves, on both forges.
 * Also what repo-paths.ts calls a repository name and a file path.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForgeClient, RepoRef } from '../../src/forges/client.js';
import { GitHubClient } from '../../src/forges/github/client.js';
import { GitLabClient } from '../../src/forges/gitlab/client.js';
import { repoFileProblem, repoNameProblem } from '../../src/forges/repo-paths.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { SHA, rejection, silentLog } from './expect-error.js';

const github = new FakeGitHub().addToken('gh-token').setFile('octo/app', SHA, 'a.yaml', 'x: 1\n');
const gitlab = new FakeGitLab()
  .addToken('gl-token')
  .addProject('group/app', { id: 5 })
  .setFile('group/app', SHA, 'a.yaml', 'x: 1\n');
let clients: Record<'github' | 'gitlab', ForgeClient>;

beforeAll(async () => {
  await Promise.all([github.start(), gitlab.start()]);
  clients = {
    github: new GitHubClient({ baseUrl: github.url, token: 'gh-token', log: silentLog }),
    gitlab: new GitLabClient({ url: gitlab.url, token: 'gl-token' }),
  };
});
afterAll(() => Promise.all([github.stop(), gitlab.stop()]));

const repos: Record<'github' | 'gitlab', RepoRef> = {
  github: { forge: 'github', full_name: 'octo/app', id: null },
  gitlab: { forge: 'gitlab', full_name: 'group/app', id: null },
};

const requestCount = () => github.requests.length + gitlab.requests.length;

async function refusedBeforeSending(call: () => Promise<unknown>): Promise<void> {
  const before = requestCount();
  const error = await rejection(call());
  expect(error).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
  expect(requestCount()).toBe(before);
}

describe.each(['github', 'gitlab'] as const)('the %s client', (forge) => {
  it.each(['../../../../user', '..', '.', 'ci/../../user', 'a//b', 'a/./b', 'ci/..'])(
    'refuses to read file %j',
    async (path) => {
      await refusedBeforeSending(() => clients[forge].readFile(repos[forge], path, SHA));
    },
  );

  it.each(['../..', 'octo/..', '../app', './app', 'octo', '..'])(
    'refuses repository %j when it has no id',
    async (fullName) => {
      const repo = { ...repos[forge], full_name: fullName };
      await refusedBeforeSending(() => clients[forge].readFile(repo, 'a.yaml', SHA));
      await refusedBeforeSending(() => clients[forge].branchHead(repo, 'main'));
    },
  );

  it.each(['..', '.', '', 'a\u0000b', '\ud800'])('refuses branch or sha %j', async (value) => {
    await refusedBeforeSending(() => clients[forge].branchHead(repos[forge], value));
    await refusedBeforeSending(() =>
      clients[forge].setStatus(repos[forge], value, { context: 'c', state: 'success' }),
    );
  });

  it.each([Number.NaN, 1.5, 0, -1, 1e21, Infinity])('refuses pull request number %d', async (n) => {
    await refusedBeforeSending(() => clients[forge].pullRequestHead(repos[forge], n));
    await refusedBeforeSending(() => clients[forge].comment(repos[forge], n, 'hi'));
  });

  it('still reads a plain file, and a leading slash means the repository root', async () => {
    expect(await clients[forge].readFile(repos[forge], 'a.yaml', SHA)).toBe('x: 1\n');
    expect(await clients[forge].readFile(repos[forge], '/a.yaml', SHA)).toBe('x: 1\n');
  });

  it('encodes every other character: whatever a path holds, the request stays under contents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), async (path) => {
        const before = github.requests.length + gitlab.requests.length;
        await clients[forge].readFile(repos[forge], path, SHA).catch(() => null);
        const sent = [...github.requests, ...gitlab.requests].slice(before);
        for (const request of sent)
          expect(request.path).toMatch(
            forge === 'github'
              ? /^\/repos\/octo\/app\/contents\//
              : /^\/api\/v4\/projects\/group%2Fapp\/repository\/files\/[^/]+\/raw/,
          );
      }),
      { numRuns: 150 },
    );
  });
});

describe('repoNameProblem', () => {
  it.each([
    ['octo/app', 'github'],
    ['octo/.github', 'github'],
    ['my_org/repo.name-2', 'github'],
    ['group/app', 'gitlab'],
    ['group/sub/sub2/app', 'gitlab'],
  ] as const)('takes %s on %s', (name, forge) => {
    expect(repoNameProblem(name, forge)).toBeNull();
  });

  it.each([
    ['group/sub/app', 'github'],
    ['octo', 'github'],
    ['../..', 'github'],
    ['octo/..', 'gitlab'],
    ['octo/...', 'gitlab'],
    ['octo/app/', 'gitlab'],
    ['/octo/app', 'gitlab'],
    ['octo/a b', 'github'],
    ['octo/a%2fb', 'github'],
    ['octo/app\u0000', 'github'],
    [`${'g/'.repeat(21)}app`, 'gitlab'],
  ] as const)('refuses %j on %s', (name, forge) => {
    expect(repoNameProblem(name, forge)).toMatch(/repository is/);
  });
});

describe('repoFileProblem', () => {
  it.each(['pipeline.yaml', '.packit.yaml', 'ci/nested/p.yaml', 'a..b', '...x', 'ü/✓.yml'])(
    'takes %j',
    (path) => {
      expect(repoFileProblem(path)).toBeNull();
    },
  );

  it.each([
    ['', /empty/],
    ['/etc/passwd', /relative/],
    ['../x', /"\.\."/],
    ['a/./b', /"\.\."/],
    ['a//b', /empty part/],
    ['a/', /empty part/],
    ['a\\b', /backslash/],
    ['%2e%2e/x', /"%"/],
    ['a\u0000b', /control/],
    ['a\nb', /control/],
    ['a\ufffdb', /U\+FFFD/],
  ])('refuses %j', (path, reason) => {
    expect(repoFileProblem(path)).toMatch(reason);
  });
});
