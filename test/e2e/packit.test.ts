/**
 * End to end with a real .packit.yaml: a signed GitHub pull_request reaches a real server; the
 * plan run reads `.packit.yaml` from a fake GitHub and compiles it; the graph builds in a fake
 * Copr and tests in a fake Testing Farm (real HTTP, real API shapes), polling every 30 s on an
 * injected clock; the four statuses come back to the pull request, each build's before its
 * tests'. Then one test fails, and `/packit retest-failed` re-runs that one only, on the
 * build of the first run. Both database backends.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { assembleService } from '../../src/cli/service.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { CONFIG_FILES } from '../../src/webhooks/plan-handler.js';
import { testDb, type TestDb } from '../support/db.js';
import { FakeCopr } from '../support/fake-copr.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeTestingFarm } from '../support/fake-testing-farm.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const TARGETS = ['fedora-44-x86_64', 'fedora-45-x86_64'];
const POLL_EVERY_MS = 30_000;

const PACKIT = `# Build in Copr and test in Testing Farm, on two chroots.
specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${TARGETS.join(', ')}]
  - job: tests
    trigger: pull_request
    targets: [${TARGETS.join(', ')}]
`;

let db: TestDb;
let runtime: Runtime;
let server: FastifyInstance;
let base: string;
const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
const copr = new FakeCopr({ now: () => clock.now() }).addUser('copr-login', 'copr-token', 'ff');
const testingFarm = new FakeTestingFarm({ now: () => clock.now() }).addToken('tf-token');
/** Testing Farm requests on these composes fail (the test of a failing target). */
const failing = new Set<string>();
const failed = new Set<string>();

beforeAll(async () => {
  await Promise.all([github.start(), copr.start(), testingFarm.start()]);
  github.addToken('gh-token');
  db = await testDb();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const service = assembleService(
    db,
    {
      publicUrl: 'http://forgeflow.test',
      forges: { githubApiUrl: github.url, githubToken: 'gh-token' },
      configFiles: CONFIG_FILES,
      trustedUsers: [],
      execAllow: null,
      // One task at a time: statuses reach the forge in the order the runtime queued them
      // (with several, a build's success and its tests' pending race each other).
      concurrency: 1,
      packit: {
        copr: { url: copr.url, login: 'copr-login', token: 'copr-token', owner: 'ff' },
        testingFarm: {
          url: testingFarm.url,
          token: 'tf-token',
          artifactsUrl: testingFarm.artifactsUrl,
        },
      },
    },
    { clock, logger, random: () => 0.5 },
  );
  runtime = service.runtime;
  // Time moves only when a poll or a retry waits for it: straight to its due time. A poll's
  // first call is one interval (30 s) after its child run starts.
  runtime.events.on('child:started', () => setImmediate(() => clock.advance(POLL_EVERY_MS)));
  runtime.events.on('node:polled', (e) => {
    failDueRequests();
    setImmediate(() => clock.advance(Math.max(0, e.nextAt - clock.now())));
  });
  runtime.events.on('node:retrying', (e) => setImmediate(() => clock.advance(e.delayMs)));
  await service.worker.start();
  server = await buildServer({
    db,
    runtime,
    clock,
    logger,
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: null,
      gitlabSigningToken: null,
      bodyLimit: 1024 * 1024,
    },
  });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  try {
    await expectAllHistoriesMatch(runtime);
  } finally {
    await server.close();
    await runtime.stopWorkers(0);
    await db.close();
    await Promise.all([github.stop(), copr.stop(), testingFarm.stop()]);
  }
});

/** Requests for a failing compose fail at their next read. */
function failDueRequests(): void {
  for (const request of testingFarm.testRequests()) {
    const environments = request.body.environments as { os?: { compose?: string } }[];
    const compose = environments[0]?.os?.compose ?? '';
    if (failing.has(compose) && !failed.has(request.id)) {
      failed.add(request.id);
      testingFarm.setStep(request.id, 'failed');
    }
  }
}

function sha(): string {
  return randomUUID().replace(/-/g, '').padEnd(40, '0').slice(0, 40);
}

async function deliver(event: string, payload: unknown, id: string) {
  const body = JSON.stringify(payload);
  const response = await fetch(`${base}/webhooks/github`, {
    method: 'POST',
    body,
    headers: githubHeaders(event, body, SECRET, id),
  });
  expect(response.status).toBe(202);
  const accepted = await server.inject({ url: `/api/v1/deliveries/github:${id}` });
  const planRunId = accepted.json<{ plan_run_id: string }>().plan_run_id;
  expect(await runtime.waitForRun(planRunId, 15_000)).toBe('succeeded');
  return (await server.inject({ url: `/api/v1/deliveries/github:${id}` })).json<{
    outcome: string;
    reason: string | null;
    run_ids: string[];
    config_path: string | null;
  }>();
}

function pullRequest(head: string, number: number) {
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  return payload;
}

function comment(body: string, number: number) {
  const payload = githubExample('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  issue.number = number;
  issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${number}` };
  Object.assign(payload.comment as object, { body, author_association: 'MEMBER' });
  return payload;
}

/**
 * Statuses of a commit, as [context, state] in the order the forge received them, once the
 * given contexts' latest states are these (statuses are posted after the run moves on).
 */
async function statusesOf(
  head: string,
  latest: Record<string, string>,
): Promise<[string, string][]> {
  for (;;) {
    const list = github.statuses(REPO, head).map((s): [string, string] => [s.context, s.state]);
    const last = (context: string) => list.findLast(([c]) => c === context)?.[1];
    if (Object.entries(latest).every(([context, state]) => last(context) === state)) return list;
    await runtime.events.next('worker:idle');
  }
}

const allOf = (state: string, prefixes = ['rpm-build', 'testing-farm']) =>
  Object.fromEntries(prefixes.flatMap((p) => TARGETS.map((t) => [`${p}:${t}`, state])));

function contextsInOrder(list: readonly [string, string][]): string[] {
  return [...new Set(list.map(([context]) => context))];
}

describe('a pull request on a repository with a .packit.yaml', () => {
  it('builds both chroots in Copr, tests them in Testing Farm and reports four statuses', async () => {
    const head = sha();
    github.setFile(REPO, head, '.packit.yaml', PACKIT);
    github.addPullRequest(REPO, { number: 21, headSha: head, headRef: 'packit' });
    const delivery = await deliver('pull_request', pullRequest(head, 21), 'packit-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: '.packit.yaml' });
    expect(await runtime.waitForRun(delivery.run_ids[0]!, 20_000)).toBe('succeeded');

    // Per chroot: the build's pending → success, then the tests' pending → success.
    const list = await statusesOf(head, allOf('success'));
    const contexts = contextsInOrder(list);
    expect([...contexts].sort()).toEqual([
      'rpm-build:fedora-44-x86_64',
      'rpm-build:fedora-45-x86_64',
      'testing-farm:fedora-44-x86_64',
      'testing-farm:fedora-45-x86_64',
    ]);
    for (const target of TARGETS) {
      const build = list.filter(([c]) => c === `rpm-build:${target}`).map(([, s]) => s);
      const tests = list.filter(([c]) => c === `testing-farm:${target}`).map(([, s]) => s);
      expect(build[0]).toBe('pending');
      expect(build.at(-1)).toBe('success');
      expect(tests.at(-1)).toBe('success');
      const lastBuild = list.findLastIndex(([c]) => c === `rpm-build:${target}`);
      const firstTests = list.findIndex(([c]) => c === `testing-farm:${target}`);
      expect(firstTests).toBeGreaterThan(lastBuild);
    }

    // One Copr project for the pull request, one build per chroot; tests install that build.
    const builds = copr.builds().filter((b) => b.project === 'Codertocat-Hello-World-21');
    expect(
      builds
        .map((b) => [...b.chroots.keys()])
        .flat()
        .sort(),
    ).toEqual(TARGETS);
    const requests = testingFarm.testRequests().slice(-2);
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      const fmf = (request.body.test as { fmf: { url: string; ref: string } }).fmf;
      expect(fmf.ref).toBe(head);
    }
  });

  it('/packit retest-failed re-runs only the test that failed', async () => {
    const head = sha();
    github.setFile(REPO, head, '.packit.yaml', PACKIT);
    github.addPullRequest(REPO, { number: 22, headSha: head, headRef: 'flaky' });
    failing.add('Fedora-45');
    const first = await deliver('pull_request', pullRequest(head, 22), 'packit-2');
    expect(await runtime.waitForRun(first.run_ids[0]!, 20_000)).toBe('failed');
    failing.clear();
    const run = await runtime.getRun(first.run_ids[0]!);
    const states = Object.fromEntries(run!.nodes.map((n) => [n.node_id, n.status]));
    expect(states).toEqual({
      'copr_build[fedora-44-x86_64]': 'succeeded',
      'copr_build[fedora-45-x86_64]': 'succeeded',
      'tests[fedora-44-x86_64]': 'succeeded',
      'tests[fedora-45-x86_64]': 'failed',
    });
    const before = await statusesOf(head, {
      ...allOf('success', ['rpm-build']),
      'testing-farm:fedora-44-x86_64': 'success',
      'testing-farm:fedora-45-x86_64': 'failure',
    });

    const buildsBefore = copr.builds().length;
    const requestsBefore = testingFarm.testRequests().length;
    const retest = await deliver('issue_comment', comment('/packit retest-failed', 22), 'packit-3');
    expect(retest.outcome).toBe('started');
    const [again] = retest.run_ids;
    expect(again).not.toBe(first.run_ids[0]);
    expect(await runtime.waitForRun(again!, 20_000)).toBe('succeeded');
    const rerun = await runtime.getRun(again!);
    expect(rerun!.nodes.map((n) => n.node_id)).toEqual(['tests[fedora-45-x86_64]']);
    // No new build: the test installs the build of the first run.
    expect(copr.builds()).toHaveLength(buildsBefore);
    expect(testingFarm.testRequests()).toHaveLength(requestsBefore + 1);
    const after = await statusesOf(head, allOf('success'));
    // Only the re-run test's context got new statuses.
    const posted = after.slice(before.length).map(([c]) => c);
    expect(new Set(posted)).toEqual(new Set(['testing-farm:fedora-45-x86_64']));

    // Nothing failed any more: a second retest-failed starts nothing.
    const nothing = await deliver(
      'issue_comment',
      comment('/packit retest-failed', 22),
      'packit-4',
    );
    expect(nothing.outcome).toBe('not_triggered');
    expect(nothing.reason).toContain('nothing failed in the latest run');
  });
  it('answers a broken .packit.yaml with a failed forgeflow/config status naming the line', async () => {
    const head = sha();
    github.setFile(
      REPO,
      head,
      '.packit.yaml',
      PACKIT.replace('trigger: pull_request', 'trigger: push'),
    );
    const delivery = await deliver('pull_request', pullRequest(head, 23), 'packit-5');
    expect(delivery).toMatchObject({ outcome: 'invalid_config', run_ids: [] });
    const [status] = github.statuses(REPO, head);
    expect(status).toMatchObject({ context: 'forgeflow/config', state: 'failure' });
    expect(status?.description).toMatch(/^\.packit\.yaml:6:14: "push" is not a Packit trigger/);
  });
});
