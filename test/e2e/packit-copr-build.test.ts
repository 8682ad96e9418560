/**
 * Copr as packit-service uses it, end to end through a real server, the runtime (both
 * backends), a fake GitHub, a fake Copr and a fake Testing Farm on an injected clock: a
 * copr_build job of four chroots submits ONE Copr build; each chroot is followed on its own,
 * so a chroot that built starts its tests while another still builds, and a chroot that
 * fails fails only itself (its tests are skipped). Every status of the run is there from its
 * start ("The task was accepted.", "Waiting for RPMs to be built..."), then goes through
 * packit-service's descriptions in order, linking to the Copr build and to the Testing Farm
 * artifacts rather than to forgeflow. A submission Copr refused once is retried without a
 * second build.
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
const POLL_EVERY_MS = 30_000;
const FOUR = ['fedora-43-x86_64', 'fedora-44-x86_64', 'fedora-45-x86_64', 'fedora-45-aarch64'];
const [FAST, SLOW_FAILING] = FOUR as [string, string];

const packit = (targets: readonly string[]) => `specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${targets.join(', ')}]
  - job: tests
    trigger: pull_request
    targets: [${targets.join(', ')}]
`;

const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
const copr = new FakeCopr({ now: () => clock.now() }).addUser('copr-login', 'copr-token', 'ff');
const testingFarm = new FakeTestingFarm({ now: () => clock.now() }).addToken('tf-token');
/** Node events seen, to tell what happened while what else was going on. */
const seen: { node: string; at: string; slowChroot: string | undefined }[] = [];

const app = useServer({
  clock,
  fakes: [github, copr, testingFarm],
  settings: () => packitServerSettings(github, copr, testingFarm, 'ff'),
  webhooks: { githubSecret: SECRET },
  onRuntime: moveTheClock,
});

/** Time moves only when a poll or a retry waits: straight to its due time. */
function moveTheClock(runtime: Runtime): void {
  runtime.events.on('child:started', () => setImmediate(() => clock.advance(POLL_EVERY_MS)));
  runtime.events.on('node:polled', (e) =>
    setImmediate(() => clock.advance(Math.max(0, e.nextAt - clock.now()))),
  );
  runtime.events.on('node:retrying', (e) => setImmediate(() => clock.advance(e.delayMs)));
  // Where the slow chroot was in Copr when each node was scheduled.
  runtime.events.on('node:scheduled', (e) =>
    seen.push({
      node: e.nodeId,
      at: 'scheduled',
      slowChroot: copr.builds().at(-1)?.chroots.get(SLOW_FAILING)?.state,
    }),
  );
}

async function open(number: number, targets: readonly string[]) {
  const head = sha();
  github.setFile(REPO, head, '.packit.yaml', packit(targets));
  github.addPullRequest(REPO, { number, headSha: head, headRef: `pr-${number}` });
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  const body = JSON.stringify(payload);
  const id = `copr-${number}`;
  const response = await app.post(
    '/webhooks/github',
    body,
    githubHeaders('pull_request', body, SECRET, id),
  );
  expect(response.status).toBe(202);
  const delivery = await app.planned(`github:${id}`);
  expect(delivery.outcome).toBe('started');
  return { head, runId: delivery.run_ids[0]! };
}

/** The statuses of one context, in the order GitHub received them, once its last is `final`. */
async function statusesOf(head: string, context: string, final: string) {
  for (;;) {
    const list = github.statuses(REPO, head).filter((s) => s.context === context);
    if (list.at(-1)?.state === final) return list;
    await app.runtime.events.next('worker:idle');
  }
}

describe('copr_build as packit-service runs it', () => {
  it('submits one build for four chroots; each chroot tests as soon as it built, and fails alone', async () => {
    copr.scriptNextBuild({
      [FAST]: ['running', 'succeeded'],
      // Still building long after the fast chroot's tests started; then it fails.
      [SLOW_FAILING]: ['running', 'running', 'running', 'running', 'running', 'failed'],
      'fedora-45-x86_64': ['running', 'running', 'succeeded'],
      'fedora-45-aarch64': ['running', 'running', 'succeeded'],
    });
    const { head, runId } = await open(31, FOUR);
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('failed');

    // ONE Copr build, of all four chroots.
    const builds = copr.builds().filter((b) => b.project === 'Codertocat-Hello-World-31');
    expect(builds).toHaveLength(1);
    expect([...builds[0]!.chroots.keys()]).toEqual(FOUR);
    expect(copr.requestsTo('POST', '/build/create/custom')).toHaveLength(1);

    // The fast chroot's tests started while the slow one was still building.
    const fastTests = seen.find((s) => s.node === `tests[${FAST}]`);
    expect(fastTests?.slowChroot).toBe('running');

    // The failing chroot fails itself only; its tests are skipped, the others pass.
    const run = await app.runtime.getRun(runId);
    expect(Object.fromEntries(run!.nodes.map((n) => [n.node_id, n.status]))).toEqual({
      'srpm:copr_build': 'succeeded',
      ...Object.fromEntries(
        FOUR.map((t) => [`copr_build[${t}]`, t === SLOW_FAILING ? 'failed' : 'succeeded']),
      ),
      ...Object.fromEntries(
        FOUR.map((t) => [`tests[${t}]`, t === SLOW_FAILING ? 'skipped' : 'succeeded']),
      ),
    });
    expect(testingFarm.testRequests().slice(-3)).toHaveLength(3);

    // Every status was there from the start, the tests' waiting for the RPMs.
    const buildUrl = `${copr.url}/coprs/ff/Codertocat-Hello-World-31/build/${builds[0]!.id}/`;
    const failed = await statusesOf(head, `rpm-build:${SLOW_FAILING}`, 'failure');
    expect(failed[0]).toMatchObject({ state: 'pending', description: 'The task was accepted.' });
    expect(failed.at(-1)).toMatchObject({
      description: 'RPMs failed to be built.',
      target_url: buildUrl,
    });
    const all = github.statuses(REPO, head);
    const fastBuilt = all.findIndex(
      (s) => s.context === `rpm-build:${FAST}` && s.state === 'success',
    );
    for (const target of FOUR) {
      const first = all.findIndex((s) => s.context === `testing-farm:${target}`);
      expect(all[first], target).toMatchObject({
        state: 'pending',
        description: 'Waiting for RPMs to be built...',
      });
      // Set before any build ended (packit-service sets them when it accepts the task).
      expect(first, target).toBeLessThan(fastBuilt);
    }
  });

  it('goes through the lifecycle of packit-service’s statuses, linking to Copr and Testing Farm', async () => {
    const chroot = 'fedora-45-x86_64';
    copr.scriptNextSource(['pending', 'running', 'succeeded']);
    copr.scriptNextBuild({
      [chroot]: ['waiting', 'waiting', 'pending', 'starting', 'running', 'succeeded'],
    });
    testingFarm.scriptNextRequest(['queued', 'running', 'passed']);
    const { head, runId } = await open(32, [chroot]);
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('succeeded');
    const [build] = copr.builds().filter((b) => b.project === 'Codertocat-Hello-World-32');
    const buildUrl = `${copr.url}/coprs/ff/Codertocat-Hello-World-32/build/${build!.id}/`;
    const runPage = `http://forgeflow.test/runs/${runId}`;

    const rpm = await statusesOf(head, `rpm-build:${chroot}`, 'success');
    expect(rpm.map((s) => [s.state, s.description, s.target_url])).toEqual([
      ['pending', 'The task was accepted.', runPage],
      ['pending', 'SRPM build in Copr was submitted...', buildUrl],
      ['pending', 'SRPM build is in progress...', buildUrl],
      ['pending', 'SRPM build succeeded. Waiting for RPM build to start...', buildUrl],
      ['pending', 'Starting RPM build...', buildUrl],
      ['pending', 'RPM build is in progress...', buildUrl],
      ['success', 'RPMs were built successfully.', buildUrl],
    ]);

    const [request] = testingFarm.testRequests().slice(-1);
    const artifacts = `${testingFarm.artifactsUrl}/${request!.id}`;
    const tests = await statusesOf(head, `testing-farm:${chroot}`, 'success');
    expect(tests.map((s) => [s.state, s.description, s.target_url])).toEqual([
      ['pending', 'Waiting for RPMs to be built...', runPage],
      ['pending', 'Tests have been submitted ...', artifacts],
      ['pending', 'Tests are running ...', artifacts],
      ['success', 'Tests passed ...', artifacts],
    ]);
  });

  it('retries a submission Copr refused for a while without building twice', async () => {
    const before = copr.builds().length;
    copr.failNext('POST', '/build/create/custom', 503, 2);
    const { runId } = await open(33, FOUR.slice(0, 2));
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('succeeded');
    expect(copr.builds()).toHaveLength(before + 1);
    expect(
      copr
        .requestsTo('POST', '/build/create/custom')
        .slice(-3)
        .map((r) => r.status),
    ).toEqual([503, 503, 200]);
    // Reads of the chroots that fail (an outage) retry the reads, never the submission.
    const run = await app.runtime.getRun(runId);
    expect(run!.nodes.find((n) => n.node_id === 'srpm:copr_build')).toMatchObject({
      status: 'succeeded',
      attempt: 3,
    });
  });

  it('a run retry of a chroot that failed builds that chroot again alone, follows it and tests it', async () => {
    const [built, failing] = FOUR as [string, string];
    const project = 'Codertocat-Hello-World-34';
    copr.scriptNextBuild({ [built]: ['running', 'succeeded'], [failing]: ['running', 'failed'] });
    const { head, runId } = await open(34, [built, failing]);
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('failed');
    const [job] = copr.builds().filter((b) => b.project === project);
    const testsBefore = testingFarm.testRequests().length;

    // The chroot's own build this time (counted below: exactly one more).
    copr.scriptNextBuild({ [failing]: ['pending', 'running', 'succeeded'] });
    expect(await app.runtime.retry(runId)).toMatchObject({
      outcome: 'retried',
      nodes: [`copr_build[${failing}]`, `tests[${failing}]`],
    });
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('succeeded');

    // ONE new build, of the failed chroot alone, from the same sources in the same project.
    const builds = copr.builds().filter((b) => b.project === project);
    expect(builds).toHaveLength(2);
    const rebuild = builds[1]!;
    expect([...rebuild.chroots.keys()]).toEqual([failing]);
    expect(rebuild.body).toEqual({ ...job!.body, chroots: [failing] });
    const rebuildUrl = `${copr.url}/coprs/ff/${project}/build/${rebuild.id}/`;

    // Its tests ran on the new build; the chroot that had built was neither rebuilt nor retested.
    const tests = testingFarm.testRequests().slice(testsBefore);
    expect(tests).toHaveLength(1);
    const [environment] = tests[0]!.body.environments as { artifacts: { id: string }[] }[];
    expect(environment!.artifacts).toEqual([
      { id: `${rebuild.id}:${failing}`, type: 'fedora-copr-build' },
    ]);
    // packit-service's variables of the build: the new one's.
    const id = String(rebuild.id).padStart(8, '0');
    const results = `${copr.url}/results/ff/${project}`;
    expect((environment as { variables?: unknown }).variables).toMatchObject({
      PACKIT_COPR_PROJECT: `ff/${project}`,
      PACKIT_COPR_BUILD_ID: String(rebuild.id),
      PACKIT_PACKAGE_NVR: 'hello-1.0-1',
      PACKIT_BUILD_LOG_URL: `${results}/${failing}/${id}-hello/builder-live.log`,
      PACKIT_SRPM_URL: `${results}/srpm-builds/${id}/hello-1.0-1.src.rpm`,
      PACKIT_COPR_RPMS: 'hello-1.0-1.x86_64',
    });
    const run = await app.runtime.getRun(runId);
    const node = (id: string) => run!.nodes.find((n) => n.node_id === id);
    expect(node(`copr_build[${failing}]`)).toMatchObject({
      status: 'succeeded',
      output: { build_id: rebuild.id, chroot: failing, url: rebuildUrl, state: 'succeeded' },
    });
    expect(node(`copr_build[${built}]`)).toMatchObject({
      status: 'succeeded',
      output: { build_id: job!.id },
    });
    const statuses = await statusesOf(head, `rpm-build:${failing}`, 'success');
    expect(statuses.at(-1)).toMatchObject({
      description: 'RPMs were built successfully.',
      target_url: rebuildUrl,
    });
  });
});
