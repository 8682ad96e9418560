/**
 * End to end with a real .packit.yaml: a signed GitHub pull_request reaches a real server; the
 * plan run reads `.packit.yaml` from a fake GitHub and compiles it; the graph builds in a fake
 * Copr and tests in a fake Testing Farm (real HTTP, real API shapes), polling every 30 s on an
 * injected clock, with several tasks at a time; the four statuses come back to the pull
 * request. Then one test fails, and `/packit retest-failed` re-runs that one only, on the build
 * of the first run. Both database backends.
 *
 * What "in order" means here is what the runtime guarantees: each status context (one node)
 * gets its states in the order they happened, pending first and its outcome last, because a
 * node's statuses are one report task posting them one at a time. Posts of different contexts
 * run side by side, so the forge may hear of a test's pending before its build's success; that
 * the tests of a chroot started only once its build had succeeded is in the run's history.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { FakeCopr } from '../support/fake-copr.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeTestingFarm } from '../support/fake-testing-farm.js';
import { packitServerSettings } from '../support/packit-server.js';
import { randomSha as sha, useServer } from '../support/use-server.js';
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

const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
const copr = new FakeCopr({ now: () => clock.now() }).addUser('copr-login', 'copr-token', 'ff');
const testingFarm = new FakeTestingFarm({ now: () => clock.now() }).addToken('tf-token');
/** Testing Farm requests on these composes fail (the test of a failing target). */
const failing = new Set<string>();
const failed = new Set<string>();

const app = useServer({
  clock,
  fakes: [github, copr, testingFarm],
  settings: () => packitServerSettings(github, copr, testingFarm, 'ff'),
  webhooks: { githubSecret: SECRET },
  onRuntime: moveTheClock,
});

/**
 * Time moves only when a poll or a retry waits for it: straight to its due time. A poll's
 * first call is one interval (30 s) after its child run starts.
 */
function moveTheClock(runtime: Runtime): void {
  runtime.events.on('child:started', () => setImmediate(() => clock.advance(POLL_EVERY_MS)));
  runtime.events.on('node:polled', (e) => {
    failDueRequests();
    setImmediate(() => clock.advance(Math.max(0, e.nextAt - clock.now())));
  });
  runtime.events.on('node:retrying', (e) => setImmediate(() => clock.advance(e.delayMs)));
}

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

async function deliver(event: string, payload: unknown, id: string) {
  const body = JSON.stringify(payload);
  const response = await app.post('/webhooks/github', body, githubHeaders(event, body, SECRET, id));
  expect(response.status).toBe(202);
  return app.planned(`github:${id}`);
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
    await app.runtime.events.next('worker:idle');
  }
}

const allOf = (state: string, prefixes = ['rpm-build', 'testing-farm']) =>
  Object.fromEntries(prefixes.flatMap((p) => TARGETS.map((t) => [`${p}:${t}`, state])));

/** Opens pull request `number` on a new commit whose tests on `compose` fail; its run fails. */
async function openFailing(number: number, compose: string, id: string) {
  const head = sha();
  github.setFile(REPO, head, '.packit.yaml', PACKIT);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `pr-${number}` });
  failing.add(compose);
  try {
    const first = await deliver('pull_request', pullRequest(head, number), id);
    expect(await app.runtime.waitForRun(first.run_ids[0]!, 20_000)).toBe('failed');
    return { head, first };
  } finally {
    failing.clear();
  }
}

/** The states one context got, in the order the forge received them. */
const statesOf = (list: readonly [string, string][], context: string) =>
  list.filter(([c]) => c === context).map(([, state]) => state);

/** The position in the run's history of the first event of this type for this node. */
async function historyIndex(runId: string, type: string, node: string): Promise<number> {
  const history = await app.runtime.history(runId);
  const index = history.findIndex((e) => e.type === type && e.node_id === node);
  expect(index, `${type} ${node}`).toBeGreaterThanOrEqual(0);
  return history[index]!.seq;
}

describe('a pull request on a repository with a .packit.yaml', () => {
  it('builds both chroots in Copr, tests them in Testing Farm and reports four statuses', async () => {
    const head = sha();
    github.setFile(REPO, head, '.packit.yaml', PACKIT);
    github.addPullRequest(REPO, { number: 21, headSha: head, headRef: 'packit' });
    const delivery = await deliver('pull_request', pullRequest(head, 21), 'packit-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: '.packit.yaml' });
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 20_000)).toBe('succeeded');

    // The four contexts, named as Packit names them, each pending first and success last
    // (GitHub has no "running": a started node is pending again, with another description).
    const list = await statusesOf(head, allOf('success'));
    expect(new Set(list.map(([context]) => context))).toEqual(
      new Set(Object.keys(allOf('success'))),
    );
    for (const context of Object.keys(allOf('success'))) {
      const states = statesOf(list, context);
      expect(states[0], context).toBe('pending');
      expect(states.at(-1), context).toBe('success');
      expect(new Set(states.slice(0, -1)), context).toEqual(new Set(['pending']));
    }

    // Each chroot's tests were scheduled only once its own build had succeeded.
    for (const target of TARGETS) {
      const built = await historyIndex(runId, 'NodeCompleted', `copr_build[${target}]`);
      const scheduled = await historyIndex(runId, 'NodeScheduled', `tests[${target}]`);
      expect(scheduled).toBeGreaterThan(built);
    }

    // One Copr project for the pull request, one build for both chroots (as packit-service
    // submits it); the tests install that build.
    const builds = copr.builds().filter((b) => b.project === 'Codertocat-Hello-World-21');
    expect(builds.map((b) => [...b.chroots.keys()])).toEqual([TARGETS]);
    const requests = testingFarm.testRequests().slice(-2);
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      const fmf = (request.body.test as { fmf: { url: string; ref: string } }).fmf;
      expect(fmf.ref).toBe(head);
    }
  });

  it('/packit retest-failed re-runs only the test that failed', async () => {
    const { head, first } = await openFailing(22, 'Fedora-45', 'packit-2');
    const run = await app.runtime.getRun(first.run_ids[0]!);
    const states = Object.fromEntries(run!.nodes.map((n) => [n.node_id, n.status]));
    expect(states).toEqual({
      'srpm:copr_build': 'succeeded',
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
    expect(await app.runtime.waitForRun(again!, 20_000)).toBe('succeeded');
    const rerun = await app.runtime.getRun(again!);
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

  it('re-runs only failures of the commit the pull request is at', async () => {
    await openFailing(24, 'Fedora-44', 'packit-6');
    // The pull request moves on; no run has been started on its new head yet.
    const moved = sha();
    github.setFile(REPO, moved, '.packit.yaml', PACKIT);
    github.addPullRequest(REPO, { number: 24, headSha: moved, headRef: 'pr-24' });
    const retest = await deliver('issue_comment', comment('/packit retest-failed', 24), 'packit-7');
    // The failure belongs to the old commit, and so does its build: nothing to re-run here.
    expect(retest.outcome).toBe('not_triggered');
    expect(retest.reason).toContain('nothing failed in the latest run');
  });

  it("reads a commented pull request's target branch for the jobs' `branch`", async () => {
    const head = sha();
    const onlyMain = PACKIT.replace(
      '  - job: copr_build\n    trigger: pull_request\n',
      '  - job: copr_build\n    trigger: pull_request\n    branch: main\n',
    ).replace(
      '  - job: tests\n    trigger: pull_request\n',
      '  - job: tests\n    trigger: pull_request\n    branch: main\n',
    );
    expect(onlyMain.match(/branch: main/g)).toHaveLength(2);
    github.setFile(REPO, head, '.packit.yaml', onlyMain);
    github.addPullRequest(REPO, { number: 25, headSha: head, headRef: 'fix', baseRef: 'stable' });
    // A GitHub comment says nothing of the branches: the pull request is asked.
    const built = await deliver('issue_comment', comment('/packit build', 25), 'packit-8');
    expect(built.outcome).toBe('not_triggered');
    expect(built.reason).toContain('branch "main" does not match the target branch "stable"');
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
