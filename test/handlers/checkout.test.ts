/**
 * exec's `checkout` against a real git server (test/support/git-server.ts: `git http-backend`
 * behind a token), in the namespace sandbox and without it: the step sees the repository at the
 * event's commit (a pull request's head too), a second attempt is served by the mirror, two at
 * once both succeed with one fetch, a refused token is a non-retryable error that does not
 * show it, the token is in no command line, config file, step environment or log, and every
 * attempt's directory is gone when it ends. And `forgeflow run`'s source: the local repository.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Event } from '../../src/events/event.js';
import { forgeGitAccess } from '../../src/forges/git-access.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { CheckoutRequest } from '../../src/handlers/checkout/request.js';
import type { CheckoutSource } from '../../src/handlers/checkout/source.js';
import { createExecHandler, type ExecInput } from '../../src/handlers/exec.js';
import {
  defaultSandboxSettings,
  type SandboxMode,
  type SandboxSettings,
} from '../../src/handlers/sandbox/settings.js';
import { GitServer, SourceRepo } from '../support/git-server.js';
import { rejection, testContext } from './context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-checkout-'));
const TOKEN = `ghs_${'Q7'.repeat(18)}`;
const REPO = 'acme/widgets';
const server = new GitServer(path.join(dir, 'forge'), TOKEN);
const source = new SourceRepo(path.join(dir, 'source'));
/** Every git the worker runs goes through this wrapper, which logs its argv. */
const argvLog = path.join(dir, 'git-argv.log');
const savedPath = process.env.PATH;
let first = '';
let second = '';
let prHead = '';

beforeAll(async () => {
  const bare = server.repository(REPO);
  first = source.commit({ 'README.md': 'first\n', 'src/main.c': 'int main;\n' });
  second = source.commit({ 'README.md': 'second\n' });
  source.push(bare, 'main:refs/heads/main');
  source.commit({ 'README.md': 'from the pull request\n' });
  prHead = source.commit({ 'pr.txt': 'yes\n' }, 'pr');
  source.push(bare, `${prHead}:refs/pull/7/head`);
  await server.start();
  const wrappers = path.join(dir, 'bin');
  mkdirSync(wrappers);
  const realGit = '/usr/bin/git';
  writeFileSync(
    path.join(wrappers, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec ${realGit} "$@"\n`,
  );
  chmodSync(path.join(wrappers, 'git'), 0o755);
  process.env.PATH = `${wrappers}:${savedPath ?? ''}`;
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sandboxOf(mode: SandboxMode, name: string): SandboxSettings {
  const workspaceRoot = path.join(dir, `ws-${mode}-${name}`);
  return mode === 'none'
    ? defaultSandboxSettings({ mode: 'none', workspaceRoot })
    : defaultSandboxSettings({ workspaceRoot });
}

function forgeSource(mirrors: string, token: string | undefined = TOKEN): CheckoutSource {
  return {
    kind: 'forge',
    mirrors: path.join(dir, mirrors),
    access: forgeGitAccess({ githubApiUrl: server.url, githubToken: token }),
  };
}

function request(fields: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return { forge: 'github', repo: REPO, sha: first, ref: null, pr: null, depth: 1, ...fields };
}

const SHOW = 'cat README.md; git rev-parse HEAD; ls; echo ---; cat .git/config; echo ---; env';

function checkout(
  checkoutSource: CheckoutSource,
  sandbox: SandboxSettings,
  input: Partial<ExecInput> & { checkout: CheckoutRequest },
  event: Event = manualEvent({ repo: REPO, sha: input.checkout.sha ?? undefined }),
) {
  const handler = createExecHandler({ checkout: checkoutSource });
  const test = testContext({ execAllow: ['*'], execSandbox: sandbox });
  test.context.event = event;
  const output = handler.run({ shell: SHOW, ...input }, test.context);
  return { output, logs: test.logs };
}

function leaked(text: string): boolean {
  const encoded = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  return text.includes(TOKEN) || text.includes(encoded);
}

describe.each(['namespaces', 'none'] as const)('checkout (%s)', (mode) => {
  it("gives the step the repository at the event's commit; a second attempt fetches nothing", async () => {
    const sandbox = sandboxOf(mode, 'twice');
    const mirrors = forgeSource(`mirrors-${mode}-twice`);
    const before = server.requests.length;
    const one = checkout(mirrors, sandbox, { checkout: request() });
    const { stdout } = await one.output;
    const [readme, head] = stdout.split('\n');
    expect([readme, head]).toEqual(['first', first]);
    expect(stdout).toContain('src\n');
    const firstRequests = server.requests.length - before;
    expect(firstRequests).toBeGreaterThan(0);
    expect(server.requests.slice(before).every((r) => r.status === 200)).toBe(true);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);

    const two = checkout(mirrors, sandbox, { checkout: request() });
    expect((await two.output).stdout.split('\n').slice(0, 2)).toEqual(['first', first]);
    expect(server.requests.length - before).toBe(firstRequests);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it("checks out a pull request's head from the forge's pull ref", async () => {
    const sandbox = sandboxOf(mode, 'pr');
    const run = checkout(forgeSource(`mirrors-${mode}-pr`), sandbox, {
      checkout: request({ sha: prHead, pr: 7 }),
      shell: 'cat README.md pr.txt; git rev-parse HEAD',
    });
    expect((await run.output).stdout).toBe(`from the pull request\nyes\n${prHead}\n`);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('hands the tree to the step: it may change files and use git there', async () => {
    const sandbox = sandboxOf(mode, 'owned');
    const run = checkout(forgeSource(`mirrors-${mode}-owned`), sandbox, {
      checkout: request(),
      shell: 'echo more >> README.md && echo new > src/new.c && git status --short && id -u',
    });
    const lines = (await run.output).stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([' M README.md', '?? src/new.c']);
    // As root, the sandbox runs steps as nobody: the files were handed to that identity.
    if (mode === 'namespaces') expect(lines[2]).toBe('65534');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('never lets the token reach a command line, a config file, the step or a log', async () => {
    const sandbox = sandboxOf(mode, 'token');
    const mirrors = forgeSource(`mirrors-${mode}-token`);
    const seenBefore = server.requests.length;
    const run = checkout(mirrors, sandbox, { checkout: request({ sha: second }) });
    const { stdout, stderr } = await run.output;
    expect(stdout.split('\n').slice(0, 2)).toEqual(['second', second]);
    // The forge saw the credential, so there was one to leak.
    const seen = server.requests.slice(seenBefore).map((r) => r.authorization);
    expect(seen).toContain(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    expect(leaked(stdout + stderr)).toBe(false); // the step's env and its .git/config
    expect(stdout).toContain('PATH=');
    expect(server.tokenInArgv).toEqual([]);
    expect(readFileSync(argvLog, 'utf8')).toContain('fetch');
    expect(leaked(readFileSync(argvLog, 'utf8'))).toBe(false);
    const mirror = readdirSync(mirrors.kind === 'forge' ? mirrors.mirrors : '').find((name) =>
      name.endsWith('.git'),
    );
    const mirrorConfig = readFileSync(
      path.join(mirrors.kind === 'forge' ? mirrors.mirrors : '', mirror ?? '', 'config'),
      'utf8',
    );
    expect(mirrorConfig).toContain('bare = true');
    expect(leaked(mirrorConfig)).toBe(false);
    expect(leaked(JSON.stringify(run.logs))).toBe(false);
    expect(run.logs.some((line) => line.msg === 'checkout: working directory filled')).toBe(true);
  });

  it('fails a refused token with non-retryable CheckoutDenied that does not show it', async () => {
    const sandbox = sandboxOf(mode, 'refused');
    const wrong = `ghs_${'W3'.repeat(18)}`;
    const run = checkout(forgeSource(`mirrors-${mode}-refused`, wrong), sandbox, {
      checkout: request(),
    });
    const error = await rejection(run.output);
    expect([error.type, error.nonRetryable]).toEqual(['CheckoutDenied', true]);
    expect(error.message).toMatch(/refused forgeflow's credentials for github acme\/widgets/);
    const encoded = Buffer.from(`x-access-token:${wrong}`).toString('base64');
    expect(error.message.includes(wrong) || error.message.includes(encoded)).toBe(false);
    expect(JSON.stringify(run.logs).includes(wrong)).toBe(false);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });
});

describe('checkout: what cannot be checked out', () => {
  const sandbox = sandboxOf('none', 'bad');

  it('fails a commit the repository does not have with non-retryable CheckoutNoCommit', async () => {
    const missing = 'f'.repeat(40);
    const run = checkout(forgeSource('mirrors-missing'), sandbox, {
      checkout: request({ sha: missing }),
    });
    const error = await rejection(run.output);
    expect([error.type, error.nonRetryable]).toEqual(['CheckoutNoCommit', true]);
    expect(error.message).toContain(missing);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('retries a forge that does not answer (CheckoutFailed)', async () => {
    const closed: CheckoutSource = {
      kind: 'forge',
      mirrors: path.join(dir, 'mirrors-closed'),
      access: forgeGitAccess({ githubApiUrl: 'http://127.0.0.1:9', githubToken: TOKEN }),
    };
    const error = await rejection(checkout(closed, sandbox, { checkout: request() }).output);
    expect([error.type, error.nonRetryable]).toEqual(['CheckoutFailed', false]);
    expect(error.message).not.toContain(TOKEN);
  });

  it("refuses a repository other than the event's, and a worker with no source", async () => {
    const other = checkout(
      forgeSource('mirrors-other'),
      sandbox,
      { checkout: request({ repo: 'acme/secrets' }) },
      manualEvent({ repo: REPO, sha: first }),
    );
    const error = await rejection(other.output);
    expect([error.type, error.nonRetryable]).toEqual(['CheckoutDenied', true]);
    expect(error.message).toContain("the event's repository only");

    const handler = createExecHandler();
    const test = testContext({ execAllow: ['*'], execSandbox: sandbox });
    test.context.event = manualEvent({ repo: REPO, sha: first });
    const none = await rejection(handler.run({ shell: 'true', checkout: request() }, test.context));
    expect(none.type).toBe('CheckoutDenied');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });
});

describe('checkout: concurrent attempts of one repository', () => {
  it('both succeed, and only one of them fetches', async () => {
    const sandbox = sandboxOf('none', 'concurrent');
    const measureFrom = server.requests.length;
    await checkout(forgeSource('mirrors-measure'), sandbox, { checkout: request({ sha: second }) })
      .output;
    const oneFetch = server.requests.length - measureFrom;

    const shared = forgeSource('mirrors-concurrent');
    const before = server.requests.length;
    const runs = [0, 1, 2].map(
      () => checkout(shared, sandbox, { checkout: request({ sha: second }) }).output,
    );
    const outputs = await Promise.all(runs);
    for (const { stdout } of outputs)
      expect(stdout.split('\n').slice(0, 2)).toEqual(['second', second]);
    expect(server.requests.length - before).toBe(oneFetch);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });
});

describe('checkout: forgeflow run (the local repository)', () => {
  const local = (): CheckoutSource => ({ kind: 'local', directory: path.join(source.dir, 'src') });

  it("uses the event's commit when the repository has it, else HEAD; never the network", async () => {
    const sandbox = sandboxOf('none', 'local');
    const before = server.requests.length;
    const atFirst = checkout(local(), sandbox, { checkout: request() });
    expect((await atFirst.output).stdout.split('\n').slice(0, 2)).toEqual(['first', first]);
    writeFileSync(path.join(source.dir, 'README.md'), 'not committed\n');
    const unknown = 'e'.repeat(40);
    const atHead = checkout(local(), sandbox, { checkout: request({ sha: unknown }) });
    const { stdout } = await atHead.output;
    expect(stdout.split('\n').slice(0, 2)).toEqual(['from the pull request', prHead]);
    expect(server.requests.length).toBe(before);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it("gets a fresh folder even where steps share one (forgeflow run's --workdir)", async () => {
    const shared = path.join(dir, 'my-checkout');
    mkdirSync(shared);
    const sandbox = { ...sandboxOf('none', 'workdir'), workingDirectory: shared };
    const run = checkout(local(), sandbox, { checkout: request(), shell: 'pwd; touch made' });
    const pwd = (await run.output).stdout.trim();
    expect(pwd).not.toBe(shared);
    expect(pwd.startsWith(path.join(dir, 'ws-none-workdir'))).toBe(true);
    expect(readdirSync(shared)).toEqual([]);
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('fails outside a git repository with CheckoutDenied', async () => {
    const sandbox = sandboxOf('none', 'norepo');
    const outside: CheckoutSource = { kind: 'local', directory: dir };
    const error = await rejection(checkout(outside, sandbox, { checkout: request() }).output);
    expect([error.type, error.nonRetryable]).toEqual(['CheckoutDenied', true]);
  });
});
