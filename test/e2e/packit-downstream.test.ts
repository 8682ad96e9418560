/**
 * End to end, Packit's downstream chain on a push: a signed GitHub push to the dist-git branch
 * f45 reaches a real server; the plan run reads `.packit.yaml` from a fake GitHub; the graph
 * builds the commit in a fake Koji hub (HTTPS, the client certificate of a throwaway CA, a
 * polling child run on an injected clock), then makes the Bodhi update of the NVR the build
 * ended with in a fake Bodhi; an upstream_koji_build of the same commit is a scratch build from
 * the repository. Statuses come back to the commit. Delivering the same push again (a
 * redelivery) makes no second Bodhi update. Both database backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { DEFAULT_PACKIT_SETTINGS } from '../../src/handlers/handler-services.js';
import { FakeBodhi } from '../support/fake-bodhi.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeKoji } from '../support/fake-koji.js';
import { makeTestCertificates } from '../support/tls-certs.js';
import { randomSha, useServer } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const POLL_EVERY_MS = 30_000;
const BODHI_TOKEN = 'bodhi-oidc-token';

const PACKIT = `downstream_package_name: hello
jobs:
  - job: koji_build
    trigger: commit
    dist_git_branches: [f45]
  - job: bodhi_update
    trigger: commit
    dist_git_branches: [f45]
    bodhi_extra_params: { type: bugfix, severity: low }
  - job: upstream_koji_build
    trigger: commit
    branch: f45
    targets: [f45]
`;

const certs = makeTestCertificates('packit');
const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
const koji = new FakeKoji({
  tls: {
    cert: certs.read(certs.serverCert),
    key: certs.read(certs.serverKey),
    ca: certs.read(certs.caCert),
  },
  allowedScmHosts: ['src.fedoraproject.org', 'github.com'],
  targets: ['f45-candidate', 'f45'],
});
const bodhi = new FakeBodhi().addToken(BODHI_TOKEN, 'packit');

const app = useServer({
  clock,
  fakes: [github, koji, bodhi],
  settings: () => {
    github.addToken('gh-token');
    return {
      forges: { githubApiUrl: github.url, githubToken: 'gh-token' },
      concurrency: 4,
      leaseMs: 3_600_000,
      packit: {
        ...DEFAULT_PACKIT_SETTINGS,
        koji: { url: koji.url, webUrl: null, cert: certs.clientPem, key: null, ca: certs.caCert },
        bodhi: { url: bodhi.url, token: BODHI_TOKEN },
      },
    };
  },
  webhooks: { githubSecret: SECRET },
  onRuntime: moveTheClock,
});
afterAll(() => certs.remove());

/** Time moves only when a poll or a retry waits for it: straight to its due time. */
function moveTheClock(runtime: Runtime): void {
  runtime.events.on('child:started', () => setImmediate(() => clock.advance(POLL_EVERY_MS)));
  runtime.events.on('node:polled', (e) =>
    setImmediate(() => clock.advance(Math.max(0, e.nextAt - clock.now()))),
  );
  runtime.events.on('node:retrying', (e) => setImmediate(() => clock.advance(e.delayMs)));
}

async function push(sha: string, delivery: string) {
  const payload = githubExample('push');
  payload.ref = 'refs/heads/f45';
  payload.after = sha;
  (payload.head_commit as Record<string, unknown>).id = sha;
  const body = JSON.stringify(payload);
  const response = await app.post(
    '/webhooks/github',
    body,
    githubHeaders('push', body, SECRET, delivery),
  );
  expect(response.status).toBe(202);
  return app.planned(`github:${delivery}`);
}

async function latestStates(sha: string, contexts: string[]): Promise<Record<string, string>> {
  for (;;) {
    const latest = Object.fromEntries(
      contexts.map((c) => [c, github.latestStatus(REPO, sha, c)?.state ?? 'none']),
    );
    if (Object.values(latest).every((s) => s !== 'pending' && s !== 'none')) return latest;
    await app.runtime.events.next('worker:idle');
  }
}

describe('a push to a dist-git branch with koji_build and bodhi_update jobs', () => {
  it('builds the commit in Koji, then makes the Bodhi update of its NVR', async () => {
    const sha = randomSha();
    github.setFile(REPO, sha, '.packit.yaml', PACKIT);
    github.setBranch(REPO, 'f45', sha);
    const delivery = await push(sha, 'downstream-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: '.packit.yaml' });
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 30_000)).toBe('succeeded');

    // The dist-git commit, built for the branch's Koji target, as the certificate's user.
    const builds = koji.callsOf('build');
    expect(builds.map((b) => b.params)).toEqual(
      expect.arrayContaining([
        [`git+https://src.fedoraproject.org/rpms/hello.git#${sha}`, 'f45-candidate', {}],
        [`git+https://github.com/${REPO}.git#${sha}`, 'f45', { scratch: true }],
      ]),
    );
    expect(builds.every((b) => b.user === 'packit')).toBe(true);

    // One update, of the NVR the Koji build ended with, with the job's extra params.
    expect(bodhi.updates).toHaveLength(1);
    expect(bodhi.updates[0]!.builds).toEqual([{ nvr: 'hello-1.0-1.fc45' }]);
    expect(bodhi.updates[0]!.body).toMatchObject({ type: 'bugfix', severity: 'low' });

    // The update waited for the build: scheduled only once the build (and its poll) ended.
    const history = await app.runtime.history(runId);
    const seq = (type: string, node: string) =>
      history.find((e) => e.type === type && e.node_id === node)?.seq ?? -1;
    expect(seq('NodeScheduled', 'bodhi_update[f45]')).toBeGreaterThan(
      seq('NodeCompleted', 'koji_build[f45]'),
    );

    expect(
      await latestStates(sha, [
        'downstream-koji-build:f45',
        'bodhi-update:f45',
        'koji-build:f45:f45',
      ]),
    ).toEqual({
      'downstream-koji-build:f45': 'success',
      'bodhi-update:f45': 'success',
      'koji-build:f45:f45': 'success',
    });

    // The push delivered again: new builds, but the update that holds the build is reused.
    const again = await push(sha, 'downstream-2');
    expect(await app.runtime.waitForRun(again.run_ids[0]!, 30_000)).toBe('succeeded');
    expect(bodhi.updates).toHaveLength(1);
  });
});
