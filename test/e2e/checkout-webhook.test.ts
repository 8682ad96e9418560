/**
 * `checkout: true` end to end, on both backends: a signed GitHub push reaches the real HTTP
 * server; the plan run reads pipeline.yaml from the fake GitHub API at the pushed commit; the
 * pipeline's exec jobs (exec allowed for sh and git only) check the repository out from a real
 * git server (test/support/git-server.ts) and read it. The API then shows the steps saw that
 * commit's files and history (not the branch head, which has moved on), and the forge token
 * appears in no output, log line or history event. GitHub's API and its git live on one host
 * (GITHUB_API_URL is HOST/api/v3, clones come from HOST/owner/repo.git), so a small proxy here
 * serves both from one origin.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxSettings } from '../../src/handlers/sandbox/settings.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { FakeGitHub } from '../support/fake-github.js';
import { GitServer, SourceRepo } from '../support/git-server.js';
import { useServer } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = `ghs_${'E2'.repeat(18)}`;
/** The token as git would send it (Basic x-access-token:TOKEN): no more findable than the token. */
const ENCODED = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const REPO = 'Codertocat/Hello-World'; // its default branch is master

const PIPELINE = `version: 1
name: checkout-e2e
on: [push]
jobs:
  build:
    uses: exec
    checkout: true
    with: { shell: "cat README.md; git rev-parse HEAD; git config --list; env" }
  history:
    needs: [build]
    uses: exec
    checkout: { depth: 2 }
    with: { command: [git, log, "--format=%H %s"] }
`;

/** One origin for both: `/api/v3/*` to the fake API (prefix stripped), the rest to git. */
class ForgeHost {
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly api: FakeGitHub,
    private readonly git: GitServer,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((incoming, outgoing) => {
      const url = incoming.url ?? '/';
      const toApi = url === '/api/v3' || url.startsWith('/api/v3/');
      const target = new URL(
        toApi ? url.slice('/api/v3'.length) || '/' : url,
        toApi ? this.api.url : this.git.url,
      );
      const proxied = forward(
        target,
        { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      proxied.once('error', (error) => outgoing.destroy(error));
      incoming.pipe(proxied);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-checkout-e2e-'));
const workspaces = path.join(dir, 'workspaces');
const github = new FakeGitHub().addToken(TOKEN);
const git = new GitServer(path.join(dir, 'forge'), TOKEN);
const host = new ForgeHost(github, git);
const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0));
const app = useServer({
  clock,
  fakes: [github, git, host],
  settings: () => ({
    forges: { githubApiUrl: `${host.url}/api/v3`, githubToken: TOKEN },
    concurrency: 2,
    execAllow: ['sh', 'git'],
    execSandbox: defaultSandboxSettings({ mode: 'none', workspaceRoot: workspaces }),
    checkoutMirrors: path.join(dir, 'mirrors'),
  }),
  webhooks: { githubSecret: SECRET },
});

let first = '';
let pushed = '';
let head = '';

beforeAll(() => {
  // The pushed commit has a parent and a child: depth 2 reaches the parent, and a checkout of
  // the branch head instead of the event's commit would show the child's README.
  const source = new SourceRepo(path.join(dir, 'source'));
  first = source.commit({ 'README.md': 'first version\n' }, 'first');
  pushed = source.commit({ 'README.md': 'pushed version\n', 'pipeline.yaml': PIPELINE }, 'pushed');
  head = source.commit({ 'README.md': 'later version\n' }, 'later');
  source.push(git.repository(REPO), 'main:refs/heads/master');
  github.setFile(REPO, pushed, 'pipeline.yaml', PIPELINE);
  github.setBranch(REPO, 'master', head);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function get<T>(url: string): Promise<{ text: string; json: T }> {
  const response = await app.server.inject({ url });
  expect(response.statusCode, response.body).toBe(200);
  return { text: response.body, json: response.json<T>() };
}

interface LogPage {
  lines: { n: number; text: string }[];
  finished: boolean;
}

describe('checkout: true from a signed GitHub push', () => {
  it("runs the steps on the pushed commit's files and history, and leaks no token", async () => {
    const payload = githubExample('push');
    payload.ref = 'refs/heads/master';
    payload.after = pushed;
    (payload.head_commit as Record<string, unknown>).id = pushed;
    const body = JSON.stringify(payload);
    const headers = githubHeaders('push', body, SECRET);
    const answer = await app.post('/webhooks/github', body, headers);
    expect(answer.status).toBe(202);

    const delivery = await app.planned(`github:${headers['x-github-delivery']}`);
    expect(delivery.outcome, delivery.reason ?? '').toBe('started');
    expect(delivery.run_ids).toHaveLength(1);
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('succeeded');

    const run = await get<{
      status: string;
      sha: string;
      node_list: { id: string; status: string; input: unknown; output: unknown }[];
    }>(`/api/v1/runs/${runId}`);
    expect(run.json).toMatchObject({ status: 'succeeded', sha: pushed });
    const node = (id: string) => run.json.node_list.find((n) => n.id === id);
    expect(node('build')?.input).toMatchObject({
      checkout: { forge: 'github', repo: REPO, sha: pushed, depth: 1 },
    });
    const stdout = (node('build')?.output as { stdout: string }).stdout;
    expect(stdout.startsWith(`pushed version\n${pushed}\n`), stdout).toBe(true);
    expect(node('history')?.output).toMatchObject({
      stdout: `${pushed} pushed\n${first} first\n`,
    });

    const logs = await get<LogPage>(`/api/v1/runs/${runId}/nodes/build/logs`);
    expect(logs.json.finished).toBe(true);
    const texts = logs.json.lines.map((line) => line.text);
    // The script line first, then what the step printed.
    expect(texts.slice(0, 3)).toEqual([
      '$ cat README.md; git rev-parse HEAD; git config --list; env',
      'pushed version',
      pushed,
    ]);
    expect(texts).not.toContain(head);
    // The step printed its clone's git config and its environment: no credential header kept.
    expect(texts.join('\n').toLowerCase()).not.toContain('extraheader');
    const historyLogs = await get<LogPage>(`/api/v1/runs/${runId}/nodes/history/logs`);
    expect(historyLogs.json.lines.map((line) => line.text).slice(1)).toEqual([
      `${pushed} pushed`,
      `${first} first`,
    ]);

    // Git was asked with the token; no process's command line held it, and nothing the run
    // (or its plan run) kept shows it: outputs, log lines, history events.
    expect(git.requests.some((r) => r.uploadPack && r.status === 200)).toBe(true);
    expect(git.tokenInArgv).toEqual([]);
    const planRunId = (
      await get<{ plan_run_id: string }>(
        `/api/v1/deliveries/github:${headers['x-github-delivery']}`,
      )
    ).json.plan_run_id;
    const kept = [
      run.text,
      logs.text,
      historyLogs.text,
      (await get(`/api/v1/runs/${runId}/history`)).text,
      (await get(`/api/v1/runs/${planRunId}`)).text,
      (await get(`/api/v1/runs/${planRunId}/history`)).text,
    ];
    for (const text of kept) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(ENCODED);
    }
    // The steps ran in their own folders, gone once they ended.
    expect(readdirSync(workspaces)).toEqual([]);
  });
});
