/**
 * `checkout: true` end to end through the runtime, on both backends: a push event's pipeline
 * compiled with an exec job that asks for the repository, run by a worker whose exec handler
 * checks out from a real git server (test/support/git-server.ts); the node's stored input
 * names the event's commit, the step sees that commit's files, a job with `depth: 2` sees two
 * commits of history, and a refused token fails the node once, not retried.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Event } from '../../src/events/event.js';
import { forgeGitAccess } from '../../src/forges/git-access.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { createExecHandler } from '../../src/handlers/exec.js';
import { defaultSandboxSettings } from '../../src/handlers/sandbox/settings.js';
import type { Handler } from '../../src/handlers/types.js';
import { GitServer, SourceRepo } from '../support/git-server.js';
import { compileFor } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-checkout-run-'));
const TOKEN = `ghs_${'R5'.repeat(18)}`;
const server = new GitServer(path.join(dir, 'forge'), TOKEN);
const workspaces = path.join(dir, 'workspaces');
let older = '';
let newer = '';
/** Fetched by no test before the one that refuses the token. */
let newest = '';

const exec = createExecHandler({
  checkout: {
    kind: 'forge',
    mirrors: path.join(dir, 'mirrors'),
    // Resolved on each checkout: the test may point it at the server once it listens.
    access: (repo, signal) =>
      forgeGitAccess({ githubApiUrl: server.url, githubToken: TOKEN })(repo, signal),
  },
});
const handlers = new Map<string, Handler>([['exec', exec]]);
const t = useRuntime({
  handlers,
  worker: {
    handlerSettings: {
      execAllow: ['*'],
      execSandbox: defaultSandboxSettings({ mode: 'none', workspaceRoot: workspaces }),
      secrets: {},
    },
  },
});

beforeAll(async () => {
  const source = new SourceRepo(path.join(dir, 'source'));
  older = source.commit({ 'README.md': 'older\n' });
  newer = source.commit({ 'README.md': 'newer\n' });
  newest = source.commit({ 'README.md': 'newest\n' });
  source.push(server.repository('acme/widgets'), 'main:refs/heads/main');
  await server.start();
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function pushOf(sha: string): Event {
  return {
    ...manualEvent({ repo: 'acme/widgets', sha, ref: 'main' }),
    kind: 'push',
    action: 'pushed',
  };
}

const PIPELINE = `version: 1
on: [push]
jobs:
  build:
    uses: exec
    checkout: true
    with: { shell: "cat README.md; git rev-parse HEAD" }
  history:
    needs: [build]
    uses: exec
    checkout: { depth: 2 }
    with: { command: [git, log, "--format=%H"] }
`;

describe('checkout through the runtime', () => {
  it("runs the steps on the event's commit, with the history asked for", async () => {
    const event = pushOf(newer);
    const graph = compileFor(PIPELINE, handlers, event);
    const { runId } = await t.runtime.start(graph, event);
    expect(await t.runtime.waitForRun(runId, 30_000)).toBe('succeeded');
    const nodes = await t.nodesOf(runId);
    expect(nodes.build?.input).toMatchObject({
      checkout: { forge: 'github', repo: 'acme/widgets', sha: newer, depth: 1 },
    });
    expect(nodes.build?.output).toMatchObject({ stdout: `newer\n${newer}\n` });
    expect(nodes.history?.output).toMatchObject({ stdout: `${newer}\n${older}\n` });
    expect(readdirSync(workspaces)).toEqual([]);
  });

  it('fails the node once, not retried, when the forge refuses the token', async () => {
    const saved = server.token;
    server.token = 'another-token';
    try {
      const event = pushOf(newest);
      const graph = compileFor(PIPELINE, handlers, event);
      const { runId } = await t.runtime.start(graph, event);
      expect(await t.runtime.waitForRun(runId, 30_000)).toBe('failed');
      const build = (await t.nodesOf(runId)).build;
      expect(build?.error?.type).toBe('CheckoutDenied');
      expect(build?.attempts).toHaveLength(1);
      expect(JSON.stringify(build)).not.toContain(TOKEN);
    } finally {
      server.token = saved;
    }
  });
});
