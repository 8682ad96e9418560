/**
 * The GitHub client against the fake GitHub (real HTTP, real paths and shapes): every method
 * with a token and as a GitHub App installation (a real RSA key pair, the JWT verified by the
 * fake), status and check-run mapping, and how HTTP failures become retry decisions.
 */
import { generateKeyPairSync } from 'node:crypto';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { STATUS_STATES, type RepoRef } from '../../src/forges/client.js';
import { GitHubClient } from '../../src/forges/github/client.js';
import { toErrorInfo } from '../../src/contracts/errors.js';
import { FakeGitHub, generateAppKeys } from '../support/fake-github.js';
import { SHA, SHA2, SHA3, rejection, silentLog } from './expect-error.js';

const TOKEN = 'ghp_S3cretTokenValue0123456789abcdefABCD';
const APP_ID = 31_337;
const INSTALLATION = 42;
const keys = generateAppKeys();
const otherKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const repo: RepoRef = { forge: 'github', full_name: 'octo/hello', id: 1296269 };
const appRepo: RepoRef = { ...repo, installationId: INSTALLATION };
const PIPELINE =
  'version: 1\non: { push: {} }\njobs:\n  hi: { uses: exec, with: { command: [echo, "héllo ✓"] } }\n';

let github: FakeGitHub;

function tokenClient(options: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}) {
  return new GitHubClient({ baseUrl: github.url, token: TOKEN, log: silentLog, ...options });
}

function appClient(options: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {}) {
  return new GitHubClient({
    baseUrl: github.url,
    appId: APP_ID,
    privateKey: keys.privateKey,
    log: silentLog,
    ...options,
  });
}

beforeAll(async () => {
  github = new FakeGitHub()
    .addToken(TOKEN, 'octo')
    .setApp({ id: APP_ID, publicKey: keys.publicKey, slug: 'forgeflow' })
    .addInstallation(INSTALLATION)
    .addRepo('octo/hello', { id: 1296269 })
    .setFiles('octo/hello', SHA, {
      'pipeline.yaml': PIPELINE,
      'ci/nested/p.yaml': 'nested: true\n',
    })
    .setBranch('octo/hello', 'main', SHA)
    .setBranch('octo/hello', 'release/1.0', SHA2)
    .addCommit('octo/hello', SHA3)
    .addPullRequest('octo/hello', { number: 2, headSha: SHA3, headRef: 'feature/x' });
  await github.start();
});

afterAll(() => github.stop());
afterEach(() => {
  github.clearFaults();
});

describe('with a token', () => {
  it('reads a file at a commit as raw text, with the raw media type and the API version', async () => {
    const client = tokenClient();
    expect(await client.readFile(repo, 'pipeline.yaml', SHA)).toBe(PIPELINE);
    expect(await client.readFile(repo, '/ci/nested/p.yaml', SHA)).toBe('nested: true\n');
    const [request] = github.requestsTo('GET', `/contents/pipeline.yaml?ref=${SHA}`);
    expect(request?.headers.accept).toBe('application/vnd.github.raw+json');
    expect(request?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(request?.headers['x-github-api-version']).toBe('2022-11-28');
    expect(github.requestsTo('GET', '/contents/ci/nested/p.yaml')).toHaveLength(1);
  });

  it('answers null for a missing file or an unknown commit (404)', async () => {
    const client = tokenClient();
    expect(await client.readFile(repo, 'nope.yaml', SHA)).toBeNull();
    expect(await client.readFile(repo, 'pipeline.yaml', 'f'.repeat(40))).toBeNull();
  });

  it('refuses a file over the size cap', async () => {
    const error = await rejection(
      tokenClient({ maxFileBytes: 10 }).readFile(repo, 'pipeline.yaml', SHA),
    );
    expect(error.type).toBe('ForgeFileTooLarge');
    expect(error.nonRetryable).toBe(true);
  });

  it('maps the seven states to commit statuses; running, canceled and skipped keep a description', async () => {
    const client = tokenClient();
    for (const state of STATUS_STATES) {
      await client.setStatus(repo, SHA, { context: `ctx-${state}`, state });
    }
    await client.setStatus(repo, SHA, {
      context: 'build',
      state: 'running',
      description: 'building on fedora-41',
      targetUrl: 'https://ci.example/runs/1',
    });
    const posted = github.statuses('octo/hello', SHA);
    expect(posted.slice(0, 7).map((s) => [s.context, s.state, s.description])).toEqual([
      ['ctx-pending', 'pending', null],
      ['ctx-running', 'pending', 'Running'],
      ['ctx-success', 'success', null],
      ['ctx-failure', 'failure', null],
      ['ctx-error', 'error', null],
      ['ctx-canceled', 'error', 'Canceled'],
      // No skipped state on GitHub's statuses API: success (a required check passes), as
      // GitHub Actions' skipped jobs do.
      ['ctx-skipped', 'success', 'Skipped'],
    ]);
    expect(github.latestStatus('octo/hello', SHA, 'build')).toMatchObject({
      state: 'pending',
      description: 'building on fedora-41',
      target_url: 'https://ci.example/runs/1',
    });
    expect(github.checkRuns()).toHaveLength(0);
  });

  it('truncates a description to 140 characters with an ellipsis', async () => {
    const long = `${'é'.repeat(150)} end`;
    await tokenClient().setStatus(repo, SHA, {
      context: 'long',
      state: 'failure',
      description: long,
    });
    const description = github.latestStatus('octo/hello', SHA, 'long')?.description ?? '';
    expect(Array.from(description)).toHaveLength(140);
    expect(description.endsWith('é…')).toBe(true);
  });

  it('comments on a pull request', async () => {
    const result = await tokenClient().comment(repo, 2, 'tests: **success**');
    const [comment] = github.comments('octo/hello', 2);
    expect(comment?.body).toBe('tests: **success**');
    expect(result).toEqual({
      id: comment?.id,
      url: `https://github.com/octo/hello/pull/2#issuecomment-${comment?.id}`,
    });
  });

  it('reacts to an issue comment once (201, then 200 for the same reaction), 404 for no comment', async () => {
    github.addIssueComment('octo/hello', 2, { id: 9001, body: '/forgeflow retry' });
    const client = tokenClient();
    await client.react(repo, 2, 9001, '+1');
    await client.react(repo, 2, 9001, '+1');
    await client.react(repo, 2, 9001, 'confused');
    const posts = github.requestsTo('POST', '/reactions');
    expect(posts.map((r) => [r.path, r.body, r.status])).toEqual([
      ['/repos/octo/hello/issues/comments/9001/reactions', { content: '+1' }, 201],
      ['/repos/octo/hello/issues/comments/9001/reactions', { content: '+1' }, 200],
      ['/repos/octo/hello/issues/comments/9001/reactions', { content: 'confused' }, 201],
    ]);
    expect(github.reactions('octo/hello', 9001).map((r) => [r.content, r.user.login])).toEqual([
      ['+1', 'octo'],
      ['confused', 'octo'],
    ]);
    const gone = await rejection(client.react(repo, 2, 9002, '+1'));
    expect(gone).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
    expect(gone.message).toContain(
      'POST /repos/octo/hello/issues/comments/9002/reactions answered 404',
    );
    const bad = await rejection(client.react(repo, 2, 0, '+1'));
    expect(bad).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
  });

  it('comments on an issue, and reads the latest release (null when there is none)', async () => {
    const client = tokenClient();
    expect(await client.latestRelease(repo)).toBeNull();
    github.addIssue('octo/hello', 40);
    github.setLatestRelease('octo/hello', { tag: 'v2.0', commit: 'c'.repeat(40), name: 'Two' });
    await client.comment(repo, { issue: 40 }, 'The task was accepted.');
    expect(github.comments('octo/hello', 40).map((c) => c.body)).toEqual([
      'The task was accepted.',
    ]);
    expect(await client.latestRelease(repo)).toEqual({
      tag: 'v2.0',
      name: 'Two',
      url: `${github.url}/octo/hello/releases/tag/v2.0`,
    });
    expect(github.requestsTo('GET', '/releases/latest').map((r) => r.status)).toEqual([404, 200]);
  });

  it('reads the head of a pull request, null when there is none', async () => {
    const client = tokenClient();
    expect(await client.pullRequestHead(repo, 2)).toEqual({
      sha: SHA3,
      ref: 'feature/x',
      baseRef: 'main',
    });
    expect(await client.pullRequestHead(repo, 99)).toBeNull();
  });

  it('reads the head of a branch (slashes included), null when there is none', async () => {
    const client = tokenClient();
    expect(await client.branchHead(repo, 'main')).toBe(SHA);
    expect(await client.branchHead(repo, 'release/1.0')).toBe(SHA2);
    expect(await client.branchHead(repo, 'gone')).toBeNull();
  });

  it('has no access level to look up (author_association comes with the event)', async () => {
    const before = github.requests.length;
    expect(await tokenClient().accessLevel(repo, 1)).toBeNull();
    expect(github.requests.length).toBe(before);
  });
});

describe('as a GitHub App installation', () => {
  it('mints an installation token with a signed JWT once, then reuses it', async () => {
    const client = appClient();
    const minted = github.installationTokensIssued;
    expect(await client.readFile(appRepo, 'pipeline.yaml', SHA)).toBe(PIPELINE);
    expect(await client.branchHead(appRepo, 'main')).toBe(SHA);
    expect(await client.pullRequestHead(appRepo, 2)).toEqual({
      sha: SHA3,
      ref: 'feature/x',
      baseRef: 'main',
    });
    expect(github.installationTokensIssued).toBe(minted + 1);
    const [mint] = github.requestsTo('POST', `/app/installations/${INSTALLATION}/access_tokens`);
    expect(mint?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
    const read = github.requestsTo('GET', '/branches/main').pop();
    expect(read?.headers.authorization).toMatch(/^token ghs_/);
  });

  it('reports statuses as check runs: one run updated while open, a new one after it finished', async () => {
    const client = appClient({ now: () => Date.parse('2026-01-02T03:04:05Z') });
    const name = 'build[fedora-41]';
    await client.setStatus(appRepo, SHA, { context: name, state: 'pending' });
    await client.setStatus(appRepo, SHA, {
      context: name,
      state: 'running',
      targetUrl: 'https://ci.example/runs/7',
    });
    const writes = () =>
      github.requests.filter((r) => /\/check-runs(\/\d+)?$/.test(r.path) && r.method !== 'GET');
    const afterRunning = writes().length;
    await client.setStatus(appRepo, SHA, {
      context: name,
      state: 'running',
      targetUrl: 'https://ci.example/runs/7',
    });
    expect(writes().length).toBe(afterRunning); // the same state again: no write

    await client.setStatus(appRepo, SHA, {
      context: name,
      state: 'success',
      description: 'all good',
    });
    await client.setStatus(appRepo, SHA, {
      context: name,
      state: 'success',
      description: 'all good',
    });
    let runs = github.checkRuns('octo/hello', SHA).filter((r) => r.name === name);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      details_url: 'https://ci.example/runs/7',
      completed_at: '2026-01-02T03:04:05.000Z',
      output: { title: 'all good', summary: 'all good' },
    });
    expect(writes().map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH']);

    await client.setStatus(appRepo, SHA, { context: name, state: 'running' });
    runs = github.checkRuns('octo/hello', SHA).filter((r) => r.name === name);
    expect(runs.map((r) => [r.status, r.conclusion])).toEqual([
      ['completed', 'success'],
      ['in_progress', null],
    ]);
    expect(github.statuses('octo/hello', SHA).filter((s) => s.context === name)).toHaveLength(0);
  });

  it('maps failure, error, canceled and skipped to check-run conclusions', async () => {
    const client = appClient();
    await client.setStatus(appRepo, SHA2, { context: 'f', state: 'failure' });
    await client.setStatus(appRepo, SHA2, { context: 'e', state: 'error' });
    await client.setStatus(appRepo, SHA2, { context: 'c', state: 'canceled' });
    await client.setStatus(appRepo, SHA2, { context: 's', state: 'skipped' });
    await client.setStatus(appRepo, SHA2, { context: 'q', state: 'pending' });
    expect(
      github
        .checkRuns('octo/hello', SHA2)
        .map((r) => [r.name, r.status, r.conclusion, r.output.title]),
    ).toEqual([
      ['f', 'completed', 'failure', 'Failed'],
      ['e', 'completed', 'failure', 'Errored'],
      ['c', 'completed', 'cancelled', 'Canceled'],
      ['s', 'completed', 'skipped', 'Skipped'],
      ['q', 'queued', null, 'Queued'],
    ]);
  });

  it('comments as the App', async () => {
    const result = await appClient().comment(appRepo, 2, 'from the app');
    expect(github.comments('octo/hello', 2).pop()).toMatchObject({
      id: result.id,
      user: { login: 'forgeflow[bot]', type: 'Bot' },
    });
  });

  it('reacts as the App', async () => {
    github.addIssueComment('octo/hello', 2, { id: 9101, body: '/forgeflow cancel' });
    await appClient().react(appRepo, 2, 9101, 'rocket');
    expect(github.reactions('octo/hello', 9101)).toMatchObject([
      { content: 'rocket', user: { login: 'forgeflow[bot]', type: 'Bot' } },
    ]);
  });

  it('uses the token for an event without an installation id when both are configured', async () => {
    const client = appClient({ token: TOKEN });
    await client.setStatus(repo, SHA3, { context: 'fallback', state: 'success' });
    expect(github.latestStatus('octo/hello', SHA3, 'fallback')?.state).toBe('success');
  });

  it('fails as an auth error when the JWT does not verify', async () => {
    const client = appClient({ privateKey: otherKeys.privateKey });
    const error = await rejection(client.readFile(appRepo, 'pipeline.yaml', SHA));
    expect(error.type).toBe('ForgeAuthError');
    expect(error.nonRetryable).toBe(true);
    expect(error.message).toBe(
      `GitHub POST /app/installations/${INSTALLATION}/access_tokens answered 401: A JSON web token could not be decoded`,
    );
  });

  it('does not mistake a missing installation for a missing file', async () => {
    const error = await rejection(
      appClient().readFile({ ...repo, installationId: 999 }, 'pipeline.yaml', SHA),
    );
    expect(error.type).toBe('ForgeRequestError');
    expect(error.message).toContain('POST /app/installations/999/access_tokens answered 404');
  });
});

describe('configuration', () => {
  it('names what is missing', async () => {
    const none = new GitHubClient({ baseUrl: github.url, log: silentLog });
    const error = await rejection(none.readFile(repo, 'pipeline.yaml', SHA));
    expect(error).toMatchObject({ type: 'NotConfigured', nonRetryable: true });
    expect(error.message).toMatch(/GITHUB_TOKEN.*GITHUB_APP_ID.*GITHUB_APP_PRIVATE_KEY/);

    const noInstallation = await rejection(appClient().readFile(repo, 'pipeline.yaml', SHA));
    expect(noInstallation.type).toBe('NotConfigured');
    expect(noInstallation.message).toContain('installation id of octo/hello');

    const noKey = new GitHubClient({ baseUrl: github.url, appId: APP_ID, log: silentLog });
    expect(
      (await rejection(noKey.setStatus(appRepo, SHA, { context: 'x', state: 'pending' }))).message,
    ).toBe('GITHUB_APP_ID is set but GITHUB_APP_PRIVATE_KEY is not');

    const badKey = appClient({ privateKey: 'not a key' });
    expect((await rejection(badKey.readFile(appRepo, 'p', SHA))).message).toBe(
      'GITHUB_APP_PRIVATE_KEY is not a PEM private key',
    );
  });

  it('accepts a private key with escaped newlines (as environment variables carry it)', async () => {
    const client = appClient({ privateKey: keys.privateKey.replace(/\n/g, '\\n') });
    expect(await client.branchHead(appRepo, 'main')).toBe(SHA);
  });
});

describe('errors', () => {
  it('retries 5xx as ForgeUnavailable, naming the request', async () => {
    github.failNext('GET', /\/contents\//, 502);
    const error = await rejection(tokenClient().readFile(repo, 'pipeline.yaml', SHA));
    expect(error).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(error.message).toBe(
      `GitHub GET /repos/octo/hello/contents/pipeline.yaml?ref=${SHA} answered 502: Bad Gateway`,
    );
  });

  it('leaves a proxy HTML error page out of the message', async () => {
    github.failNext('GET', '/pulls/2', 503, 1, {
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
    });
    const error = await rejection(tokenClient().pullRequestHead(repo, 2));
    expect(error.type).toBe('ForgeUnavailable');
    expect(error.message).toBe('GitHub GET /repos/octo/hello/pulls/2 answered 503');
  });

  it('waits as long as Retry-After says on a 429 (seconds or an HTTP date)', async () => {
    github.failNext('POST', '/statuses/', 429, 1, { headers: { 'retry-after': '7' } });
    const seconds = await rejection(
      tokenClient().setStatus(repo, SHA, { context: 'x', state: 'success' }),
    );
    expect(seconds).toMatchObject({ type: 'RateLimited', nonRetryable: false, retryAfterMs: 7000 });

    const now = Date.parse('2026-03-01T10:00:00Z');
    github.failNext('GET', '/pulls/2', 429, 1, {
      headers: { 'retry-after': 'Sun, 01 Mar 2026 10:01:30 GMT' },
    });
    const date = await rejection(tokenClient({ now: () => now }).pullRequestHead(repo, 2));
    expect(date.retryAfterMs).toBe(90_000);
  });

  it('reads a primary rate limit (403, remaining 0) up to X-RateLimit-Reset', async () => {
    const now = 1_800_000_000_000;
    github.rateLimitNext('GET', '/branches/', { resetAt: now / 1000 + 42 });
    const error = await rejection(tokenClient({ now: () => now }).branchHead(repo, 'main'));
    expect(error).toMatchObject({ type: 'RateLimited', nonRetryable: false, retryAfterMs: 42_000 });
  });

  it('reads a secondary rate limit (403 with Retry-After)', async () => {
    github.rateLimitNext('POST', '/comments', { retryAfterSeconds: 60 });
    const error = await rejection(tokenClient().comment(repo, 2, 'hi'));
    expect(error).toMatchObject({ type: 'RateLimited', retryAfterMs: 60_000 });
  });

  it('fails for good on 401, on a plain 403 and on other 4xx', async () => {
    const bad = await rejection(
      tokenClient({ token: 'ghp_wrong' }).readFile(repo, 'pipeline.yaml', SHA),
    );
    expect(bad).toMatchObject({ type: 'ForgeAuthError', nonRetryable: true });
    expect(bad.message).toContain('answered 401: Bad credentials');

    github.failNext('POST', '/statuses/', 403, 1, {
      body: { message: 'Resource not accessible by personal access token', documentation_url: 'x' },
    });
    const forbidden = await rejection(
      tokenClient().setStatus(repo, SHA, { context: 'x', state: 'success' }),
    );
    expect(forbidden).toMatchObject({ type: 'ForgeAuthError', nonRetryable: true });

    const unknownSha = await rejection(
      tokenClient().setStatus(repo, 'd'.repeat(40), { context: 'x', state: 'success' }),
    );
    expect(unknownSha).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
    expect(unknownSha.message).toContain('answered 422: No commit found for SHA');

    const notOwnerName = await rejection(
      tokenClient().readFile({ ...repo, full_name: 'no-slash' }, 'p', SHA),
    );
    expect(notOwnerName).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
  });

  it('never puts the token in an error, even when the forge echoes it', async () => {
    github.failNext('GET', '/pulls/2', 500, 1, { body: { message: `token ${TOKEN} exploded` } });
    const error = await rejection(tokenClient().pullRequestHead(repo, 2));
    const shown = JSON.stringify({
      info: toErrorInfo(error),
      message: error.message,
      stack: error.stack,
    });
    expect(shown).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED] exploded');
  });

  it('retries a dropped connection and a refused one', async () => {
    github.dropNext('GET', '/branches/main');
    const dropped = await rejection(tokenClient().branchHead(repo, 'main'));
    expect(dropped).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(dropped.message).toMatch(/^GitHub GET \/repos\/octo\/hello\/branches\/main failed: /);

    const closed = new FakeGitHub();
    const url = await closed.start();
    await closed.stop();
    const refused = await rejection(
      new GitHubClient({ baseUrl: url, token: TOKEN, log: silentLog }).branchHead(repo, 'main'),
    );
    expect(refused.type).toBe('ForgeUnavailable');
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('times a request out, and lets the caller abort one', async () => {
    github.delayNext('GET', '/pulls/2', 5_000);
    const timedOut = await rejection(tokenClient({ timeoutMs: 150 }).pullRequestHead(repo, 2));
    expect(timedOut).toMatchObject({ type: 'ForgeUnavailable', nonRetryable: false });
    expect(timedOut.message).toBe('GitHub GET /repos/octo/hello/pulls/2 timed out after 150 ms');

    github.delayNext('GET', '/pulls/2', 5_000);
    const controller = new AbortController();
    const pending = tokenClient().pullRequestHead(repo, 2, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run canceled')), 50);
    const aborted = await rejection(pending);
    expect(aborted.type).toBe('Aborted');
    expect(aborted.message).toBe('GitHub GET /repos/octo/hello/pulls/2 aborted: run canceled');
  });

  it('bounds the installation-token request by the same timeout', async () => {
    github.delayNext('POST', '/access_tokens', 5_000);
    const error = await rejection(
      appClient({ timeoutMs: 150 }).readFile({ ...repo, installationId: INSTALLATION }, 'x', SHA),
    );
    expect(error.type).toBe('ForgeUnavailable');
    expect(error.message).toContain('timed out after 150 ms');
  });
});
