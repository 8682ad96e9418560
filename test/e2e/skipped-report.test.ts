/**
 * End to end: a reported job that is skipped (`if:` false) still lands a final status on the
 * forge, as GitHub Actions' skipped jobs do, so a required check of its name is satisfied: a
 * check run concluded `skipped` as a GitHub App, a `success` commit status saying "skipped: …"
 * with a token (the statuses API has no skipped state), and GitLab's own `skipped` state. The
 * jobs that run keep their pending → … → success. Real server, signed webhooks, fake forges;
 * clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { generateAppKeys } from '../support/fake-github.js';
import { gitlabMergeRequest, useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import { githubExample, githubHeaders, gitlabHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';
const APP_ID = 4242;
const INSTALLATION = 777;
const keys = generateAppKeys();

const PIPELINE = `version: 1
name: skipping
on:
  pull_request: { types: [opened] }
jobs:
  build:
    uses: forge.comment
    with: { body: "built" }
    report: ci/build
  deploy:
    needs: build
    if: \${{ event.forge == 'nowhere' }}
    uses: forge.comment
    with: { body: "deployed" }
    report: ci/deploy
`;

const { app, github, gitlab } = useForgeServer({
  githubSecret: SECRET,
  gitlabToken: TOKEN,
  github: (fake) => {
    fake.setApp({ id: APP_ID, publicKey: keys.publicKey }).addInstallation(INSTALLATION);
    return { githubAppId: APP_ID, githubPrivateKey: keys.privateKey };
  },
});

/** Waits until `done` holds, a worker going idle at a time (statuses post after the run). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await app.runtime.events.next('worker:idle');
}

/** Delivers a pull_request.opened on `head`, as an App installation's event or a token's. */
async function openPullRequest(number: number, head: string, id: string, installation: boolean) {
  github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `skip-${number}` });
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  if (installation)
    payload.installation = { id: INSTALLATION, node_id: 'MDIzOkluc3RhbGxhdGlvbjc3Nw==' };
  else delete payload.installation;
  const body = JSON.stringify(payload);
  const response = await app.post(
    '/webhooks/github',
    body,
    githubHeaders('pull_request', body, SECRET, id),
  );
  expect(response.status).toBe(202);
  const delivery = await app.planned(`github:${id}`);
  expect(delivery.outcome).toBe('started');
  expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
  return delivery.run_ids[0]!;
}

describe('a skipped reported job', () => {
  it('completes its check run with conclusion skipped (GitHub App)', async () => {
    const head = sha();
    const runId = await openPullRequest(31, head, 'gh-app-skip', true);
    const run = (name: string) => github.checkRuns(REPO, head).find((r) => r.name === name);
    await until(() => run('ci/build')?.conclusion === 'success' && run('ci/deploy') !== undefined);
    expect(run('ci/deploy')).toMatchObject({
      status: 'completed',
      conclusion: 'skipped',
      details_url: `http://forgeflow.test/runs/${runId}`,
      output: { title: expect.stringMatching(/^skipped: "if: .*" is false$/) as unknown },
    });
    expect(github.checkRuns(REPO, head).filter((r) => r.name === 'ci/deploy')).toHaveLength(1);
    expect(github.statuses(REPO, head)).toEqual([]);
  });

  it('posts a success commit status saying "skipped: …" with a token', async () => {
    const head = sha();
    await openPullRequest(32, head, 'gh-token-skip', false);
    const of = (context: string) =>
      github.statuses(REPO, head).filter((s) => s.context === context);
    await until(() => of('ci/build').length === 3 && of('ci/deploy').length === 1);
    expect(of('ci/build').map((s) => s.state)).toEqual(['pending', 'pending', 'success']);
    expect(of('ci/deploy')).toMatchObject([
      { state: 'success', description: expect.stringMatching(/^skipped: "if: /) as unknown },
    ]);
    expect(github.checkRuns(REPO, head)).toEqual([]);
  });

  it('posts the GitLab state skipped on a merge request', async () => {
    const { payload, path, head } = gitlabMergeRequest(gitlab, PIPELINE);
    const body = JSON.stringify(payload);
    await app.post('/webhooks/gitlab', body, gitlabHeaders(payload, TOKEN, 'gl-skip'));
    const delivery = await app.planned('gitlab:gl-skip');
    expect(delivery.outcome).toBe('started');
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    const of = (name: string) => gitlab.statuses(path, head).filter((s) => s.name === name);
    await until(() => of('ci/build').at(-1)?.status === 'success' && of('ci/deploy').length > 0);
    expect(of('ci/deploy')).toMatchObject([
      { status: 'skipped', description: expect.stringMatching(/^skipped: "if: /) as unknown },
    ]);
  });
});
