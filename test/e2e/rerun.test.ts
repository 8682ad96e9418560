/**
 * Issue 17 item 7, end to end: GitHub's "Re-run" on a check run forgeflow posted (as an App)
 * retries the failed nodes of the run it belongs to, as `/forgeflow retry` does, and the check
 * run goes back through in_progress to success. The check run carries its run's id as
 * `external_id` (GitHub echoes it in the webhook); an older check run without one is found by its
 * name; a check suite's Re-run retries the runs at its commit. Another App's check, and the
 * actions that are no Re-run, are ignored at intake with no plan run. Real server, signed real
 * payloads (@octokit/webhooks-examples, ids and sha set to what forgeflow posted), fake GitHub;
 * clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { generateAppKeys, type CheckRunState } from '../support/fake-github.js';
import { useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';
import { SUMMARY_MARK } from '../support/run-summaries.js';

const SECRET = 'github-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const APP_ID = 4242;
const INSTALLATION = 777;
const keys = generateAppKeys();

// `build` comments on the pull request, once (a failed post fails it: one attempt only);
// `lint` succeeds whatever happens to `build`, and keeps its result across a retry.
const PIPELINE = `version: 1
name: flaky
on:
  pull_request: { types: [opened] }
jobs:
  build:
    uses: forge.comment
    with: { body: "built" }
    retry: { maximum_attempts: 1 }
    report: ci/build
  lint:
    uses: forge.status
    with: { state: success, context: lint-note }
    report: ci/lint
`;

const { app, github } = useForgeServer({
  githubSecret: SECRET,
  gitlabToken: 'gitlab-webhook-token',
  github: (fake) => {
    fake.setApp({ id: APP_ID, publicKey: keys.publicKey }).addInstallation(INSTALLATION);
    return { githubAppId: APP_ID, githubPrivateKey: keys.privateKey };
  },
});

const installation = { id: INSTALLATION, node_id: 'MDIzOkluc3RhbGxhdGlvbjc3Nw==' };
const repository = () => githubExample('pull_request', 'opened').repository;

/** Waits until `done` holds, a worker going idle at a time (statuses post after the run). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await app.runtime.events.next('worker:idle');
}

async function deliver(event: string, payload: Record<string, unknown>, id: string) {
  const body = JSON.stringify(payload);
  return app.post('/webhooks/github', body, githubHeaders(event, body, SECRET, id));
}

/** A pull request whose `build` fails (its comment refused once); resolves with the failed run. */
async function failedRun(number: number, head: string): Promise<string> {
  github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `rerun-${number}` });
  github.failNext('POST', `/issues/${number}/comments`, 422);
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  payload.installation = installation;
  expect((await deliver('pull_request', payload, `pr-${number}`)).status).toBe(202);
  const delivery = await app.planned(`github:pr-${number}`);
  expect(delivery.outcome).toBe('started');
  const runId = delivery.run_ids[0]!;
  expect(await app.runtime.waitForRun(runId, 15_000)).toBe('failed');
  await until(() => latest(head, 'ci/build')?.conclusion === 'failure');
  await until(() => latest(head, 'ci/lint')?.conclusion === 'success');
  // The failure's summary comment is the run's last post to the forge.
  await until(() => github.comments(REPO, number).some((c) => c.body.startsWith(SUMMARY_MARK)));
  return runId;
}

/** The newest check run of that name on the commit (what GitHub shows). */
function latest(head: string, name: string): CheckRunState | undefined {
  return github
    .checkRuns(REPO, head)
    .filter((r) => r.name === name)
    .at(-1);
}

/** GitHub's check_run.rerequested example, about `run` (a check run the fake holds). */
function checkRunRerequested(run: CheckRunState, appId = APP_ID): Record<string, unknown> {
  const payload = githubExample('check_run', 'rerequested');
  const checkRun = payload.check_run as Record<string, unknown>;
  Object.assign(checkRun, {
    id: run.id,
    head_sha: run.head_sha,
    name: run.name,
    external_id: run.external_id ?? '',
    status: run.status,
    conclusion: run.conclusion,
    app: { ...(checkRun.app as object), id: appId },
    check_suite: { ...(checkRun.check_suite as object), head_sha: run.head_sha },
  });
  return { ...payload, repository: repository(), installation };
}

/** GitHub's check_suite.rerequested example, for the suite at `head`. */
function checkSuiteRerequested(head: string, appId = APP_ID): Record<string, unknown> {
  const payload = githubExample('check_suite', 'rerequested');
  const suite = payload.check_suite as Record<string, unknown>;
  Object.assign(suite, {
    head_sha: head,
    after: head,
    app: { ...(suite.app as object), id: appId },
  });
  return { ...payload, repository: repository(), installation };
}

/** What forgeflow sent for the check runs named `name` since request `from`. */
function checkRunPosts(from: number, name: string) {
  return github.requests
    .slice(from)
    .filter((r) => /\/check-runs(\/\d+)?$/.test(r.path) && r.method !== 'GET')
    .map((r) => r.body as { name?: string; status: string; conclusion?: string })
    .filter((body) => body.name === name)
    .map((body) => [body.status, body.conclusion ?? null]);
}

async function plannedRuns(deliveryId: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.runs WHERE idempotency_key = $1',
    [`delivery:github:${deliveryId}`],
  );
  return rows[0]!.n;
}

async function attemptOf(runId: string): Promise<number> {
  return (await app.runtime.getRun(runId))!.attempt;
}

describe('Re-run on a check run forgeflow posted', () => {
  it('retries the failed node of its run, whose check run goes in_progress, then success', async () => {
    const head = sha();
    const runId = await failedRun(61, head);
    const failed = latest(head, 'ci/build')!;
    expect(failed).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(failed.external_id).toBe(runId);
    expect(latest(head, 'ci/lint')?.external_id).toBe(runId);

    const from = github.requests.length;
    const answer = await deliver('check_run', checkRunRerequested(failed), 'rerun-61');
    expect(answer.status).toBe(202);
    const delivery = await app.planned('github:rerun-61');
    expect(delivery).toMatchObject({ outcome: 'command', run_ids: [runId] });
    expect(delivery.reason).toBe(
      `retry of run ${runId} by octocat (Re-run on check run ${failed.id} "ci/build"): retried`,
    );
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    await until(() => latest(head, 'ci/build')?.conclusion === 'success');
    // The failed check run stays as history; a new one of that name supersedes it.
    expect(checkRunPosts(from, 'ci/build')).toEqual([
      ['queued', null],
      ['in_progress', null],
      ['completed', 'success'],
    ]);
    expect(latest(head, 'ci/build')).toMatchObject({ external_id: runId });
    expect(latest(head, 'ci/build')!.id).not.toBe(failed.id);
    // What succeeded is kept: lint is not run again.
    expect(checkRunPosts(from, 'ci/lint')).toEqual([]);
    const bodies = () => github.comments(REPO, 61).map((c) => c.body);
    expect(bodies().filter((body) => !body.startsWith(SUMMARY_MARK))).toEqual(['built']);
    // The failure's summary comment on the pull request is edited to say it passes now.
    await until(() => bodies().some((body) => body.includes('passes now')));

    // A redelivery of the same webhook is a duplicate: nothing is retried again.
    const attempt = await attemptOf(runId);
    const again = await deliver('check_run', checkRunRerequested(failed), 'rerun-61');
    expect(again.body).toMatchObject({ duplicate: true, outcome: 'planning' });
    expect(await plannedRuns('rerun-61')).toBe(1);
    expect(await attemptOf(runId)).toBe(attempt);

    // Re-run on a check whose run has nothing failed: answered as /forgeflow retry answers.
    const done = latest(head, 'ci/build')!;
    await deliver('check_run', checkRunRerequested(done), 'rerun-61-again');
    expect((await app.planned('github:rerun-61-again')).reason).toBe(
      `retry of run ${runId} by octocat (Re-run on check run ${done.id} "ci/build"): nothing-to-retry`,
    );
  });

  it('finds the run of a check run posted without external_id by its name', async () => {
    const head = sha();
    const runId = await failedRun(62, head);
    const failed = { ...latest(head, 'ci/build')!, external_id: null };
    await deliver('check_run', checkRunRerequested(failed), 'rerun-62');
    const delivery = await app.planned('github:rerun-62');
    expect(delivery).toMatchObject({ outcome: 'command', run_ids: [runId] });
    expect(delivery.reason).toMatch(/: retried$/);
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
  });

  it('retries the runs at the commit of a check suite Re-run', async () => {
    const head = sha();
    const runId = await failedRun(63, head);
    const from = github.requests.length;
    await deliver('check_suite', checkSuiteRerequested(head), 'suite-63');
    const delivery = await app.planned('github:suite-63');
    expect(delivery).toMatchObject({ outcome: 'command', run_ids: [runId] });
    expect(delivery.reason).toBe(
      `retry of run ${runId} by octocoders-linter[bot] (Re-run of check suite 118578147): retried`,
    );
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    await until(() => latest(head, 'ci/build')?.conclusion === 'success');
    expect(checkRunPosts(from, 'ci/build').at(-1)).toEqual(['completed', 'success']);

    // A suite at a commit forgeflow ran nothing on: said so, nothing retried.
    const empty = sha();
    await deliver('check_suite', checkSuiteRerequested(empty), 'suite-empty');
    expect(await app.planned('github:suite-empty')).toMatchObject({
      outcome: 'command',
      run_ids: [],
      reason: `Re-run of check suite 118578147 by octocoders-linter[bot]: no forgeflow run of ${REPO} at ${empty}`,
    });
  });
});

describe('what is no Re-run of forgeflow’s', () => {
  it("ignores another App's check run and suite at intake: no plan run, no retry", async () => {
    const head = sha();
    const runId = await failedRun(64, head);
    const failed = latest(head, 'ci/build')!;
    const calls = github.requests.length;
    const run = await deliver('check_run', checkRunRerequested(failed, 99), 'other-app-run');
    expect(run).toEqual({
      status: 200,
      body: {
        delivery: 'github:other-app-run',
        outcome: 'ignored',
        reason: `Re-run on check run ${failed.id} "ci/build": made by App 99, not by forgeflow's App ${APP_ID}`,
        duplicate: false,
      },
    });
    const suite = await deliver('check_suite', checkSuiteRerequested(head, 29310), 'other-app');
    expect(suite.body).toMatchObject({ outcome: 'ignored' });
    expect(suite.body.reason).toContain("made by App 29310, not by forgeflow's App 4242");
    expect(await plannedRuns('other-app-run')).toBe(0);
    expect(await plannedRuns('other-app')).toBe(0);
    expect(github.requests.length).toBe(calls);
    expect((await app.runtime.getRun(runId))?.status).toBe('failed');
  });

  it.each([
    ['check_run', 'created'],
    ['check_run', 'completed'],
    ['check_run', 'requested_action'],
    ['check_suite', 'requested'],
    ['check_suite', 'completed'],
  ])('ignores %s %s at intake, with a recorded reason and no plan run', async (event, action) => {
    const payload = { ...githubExample(event, action), installation };
    const id = `${event}-${action}`;
    const answer = await deliver(event, payload, id);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'ignored' });
    expect(answer.body.reason).toContain(`${event} action "${action}"`);
    const record = (await app.server.inject({ url: `/api/v1/deliveries/github:${id}` })).json<
      Record<string, unknown>
    >();
    expect(record).toMatchObject({ outcome: 'ignored', plan_run_id: null, run_ids: [] });
    expect(await plannedRuns(id)).toBe(0);
  });
});
