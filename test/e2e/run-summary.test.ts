/**
 * End to end: a summary where the user looks. As a GitHub App, the check run of a reported
 * node that fails carries a Markdown summary (result, duration, attempts, error, a link to its
 * log); a pull request whose run fails gets ONE comment listing the failed nodes, edited in
 * place by every later run of that pipeline (a new push that fails again, a push that fixes
 * it: "passes now"), posted again only if someone deleted it; GitLab likewise with a merge
 * request note. A pull request that never failed and a push without one get no comment. Real
 * server, signed real payloads, fake forges answering GitHub's and GitLab's shapes
 * (https://docs.github.com/en/rest/checks/runs, https://docs.github.com/en/rest/issues/comments,
 * https://docs.gitlab.com/api/notes/); clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { generateAppKeys } from '../support/fake-github.js';
import { gitlabMergeRequest, useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import { githubExample, githubHeaders, gitlabHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';
const APP_ID = 5151;
const INSTALLATION = 778;
const keys = generateAppKeys();
const MARKER = '<!-- forgeflow:run-summary pipeline=ci -->';

const { app, clock, github, gitlab } = useForgeServer({
  githubSecret: SECRET,
  gitlabToken: TOKEN,
  github: (fake) => {
    fake.setApp({ id: APP_ID, publicKey: keys.publicKey }).addInstallation(INSTALLATION);
    return { githubAppId: APP_ID, githubPrivateKey: keys.privateKey };
  },
});

/**
 * `ci`: one reported job. Failing, it asks a URL of the fake forge that answers 401 without
 * credentials (HttpClientError, not retried); passing, it sets a status.
 */
function pipeline(outcome: 'fail' | 'pass', url: string): string {
  const job =
    outcome === 'fail'
      ? `    uses: http.request\n    with: { url: "${url}/ci/build" }\n`
      : `    uses: forge.status\n    with: { state: success, context: ci/extra }\n`;
  return `version: 1
name: ci
on:
  pull_request: { types: [opened, synchronize] }
  push: { branches: [main] }
jobs:
  build:
${job}    retry: { maximum_attempts: 3, initial_interval: 1s }
    report: ci/build
`;
}

/** Waits until `done` holds, a worker going idle at a time (reports post after the run). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await app.runtime.events.next('worker:idle');
}

/** Moves the clock past each retry's backoff while `body` runs. */
async function movingPastRetries<T>(body: () => Promise<T>): Promise<T> {
  const off = app.runtime.events.on('node:retrying', (e) =>
    setImmediate(() => clock.advance(e.delayMs)),
  );
  try {
    return await body();
  } finally {
    off();
  }
}

/** Every summary queued so far has been posted (or given up). */
async function summariesSettled(): Promise<void> {
  for (;;) {
    const { rows } = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.tasks
       WHERE kind = 'report' AND payload @> '[{"kind": "run-summary"}]'`,
    );
    if (rows[0]?.n === 0) return;
    await app.runtime.events.next('worker:idle');
  }
}

/** A pull request event (opened, then synchronize) on `head`, as the App's installation. */
async function pushToPullRequest(
  number: number,
  head: string,
  outcome: 'fail' | 'pass',
  id: string,
  action: 'opened' | 'synchronize' = 'opened',
): Promise<{ runId: string; status: string }> {
  github.setFile(REPO, head, 'pipeline.yaml', pipeline(outcome, github.url));
  github.addPullRequest(REPO, { number, headSha: head, headRef: `feature-${number}` });
  const payload = githubExample('pull_request', 'opened');
  payload.action = action;
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  payload.installation = { id: INSTALLATION, node_id: 'MDIzOkluc3RhbGxhdGlvbjc3OA==' };
  const body = JSON.stringify(payload);
  const response = await app.post(
    '/webhooks/github',
    body,
    githubHeaders('pull_request', body, SECRET, id),
  );
  expect(response.status).toBe(202);
  const delivery = await app.planned(`github:${id}`);
  expect(delivery.outcome).toBe('started');
  const runId = delivery.run_ids[0]!;
  const status = await movingPastRetries(() => app.runtime.waitForRun(runId, 15_000));
  await summariesSettled();
  // Runs of one pull request are told apart by when they were created.
  clock.advance(1_000);
  return { runId, status };
}

describe("a failing node's check run (GitHub App)", () => {
  it('summarizes the result, duration, attempts, the error and links the log', async () => {
    const head = sha();
    github.failNext('GET', '/ci/build', 502, 1);
    const { runId, status } = await pushToPullRequest(41, head, 'fail', 'sum-check');
    expect(status).toBe('failed');
    const run = () => github.checkRuns(REPO, head).find((r) => r.name === 'ci/build');
    await until(() => run()?.status === 'completed');
    const check = run()!;
    expect(check.conclusion).toBe('failure');
    expect(check.details_url).toBe(`http://forgeflow.test/runs/${runId}`);
    expect(check.output.title).toMatch(/^failed: /);
    expect(Array.from(check.output.title ?? '').length).toBeLessThanOrEqual(140);
    const summary = check.output.summary ?? '';
    expect(summary).toContain('**Result:** ❌ failed');
    expect(summary).toMatch(/\*\*Duration:\*\* \d+(\.\d+)?s|\*\*Duration:\*\* \d+ ms/);
    expect(summary).toContain('**Attempts:** 2 of 3');
    expect(summary).toMatch(/\*\*Error:\*\* ` HttpClientError `\n```text\n.*401/);
    expect(summary).toContain(
      `[View the log on forgeflow](<http://forgeflow.test/runs/${runId}?node=build>)`,
    );
    // No commit statuses as an App: the check run is where the summary is.
    expect(github.statuses(REPO, head)).toEqual([]);
  });
});

describe('the pull request comment (GitHub App)', () => {
  it('is one comment, edited in place by each later run, "passes now" once fixed', async () => {
    const comments = () => github.comments(REPO, 42);
    const first = sha();
    const { runId: firstRun } = await pushToPullRequest(42, first, 'fail', 'sum-1');
    await until(() => comments().length === 1);
    const [posted] = comments();
    expect(posted!.body.split('\n')[0]).toBe(MARKER);
    expect(posted!.body).toContain('### ❌ ` ci ` failed');
    expect(posted!.body).toContain(`(<http://forgeflow.test/runs/${firstRun}>)`);
    expect(posted!.body).toContain(`- \` build \` failed: \` HttpClientError \``);
    expect(posted!.body).toContain(`[log](<http://forgeflow.test/runs/${firstRun}?node=build>)`);
    expect(posted!.body).toContain(`on \` ${first.slice(0, 12)} \``);

    // A new push that fails again: the same comment, edited.
    const edits = github.commentsEdited;
    const second = sha();
    const { runId: secondRun } = await pushToPullRequest(
      42,
      second,
      'fail',
      'sum-2',
      'synchronize',
    );
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.id).toBe(posted!.id);
    expect(github.commentsEdited).toBe(edits + 1);
    expect(comments()[0]!.body).toContain(`(<http://forgeflow.test/runs/${secondRun}>)`);
    expect(comments()[0]!.body).toContain(`on \` ${second.slice(0, 12)} \``);

    // The fix: the same comment says it passes now, at which commit.
    const fixed = sha();
    const { status } = await pushToPullRequest(42, fixed, 'pass', 'sum-3', 'synchronize');
    expect(status).toBe('succeeded');
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.id).toBe(posted!.id);
    expect(comments()[0]!.body).toContain('### ✅ ` ci ` passes now');
    expect(comments()[0]!.body).toContain(`on \` ${fixed.slice(0, 12)} \` succeeded`);

    // Someone deleted it; the next failure posts a new one, and later runs edit that one.
    github.deleteComment(posted!.id);
    await pushToPullRequest(42, sha(), 'fail', 'sum-4', 'synchronize');
    expect(comments()).toHaveLength(1);
    const reposted = comments()[0]!;
    expect(reposted.id).not.toBe(posted!.id);
    await pushToPullRequest(42, sha(), 'fail', 'sum-5', 'synchronize');
    expect(comments().map((c) => c.id)).toEqual([reposted.id]);
  });

  it('an older run that ends after a newer one does not overwrite its summary', async () => {
    const comments = () => github.comments(REPO, 44);
    await pushToPullRequest(44, sha(), 'fail', 'sum-old-1');
    const { runId: older } = await pushToPullRequest(44, sha(), 'fail', 'sum-old-2', 'synchronize');
    const fixed = sha();
    await pushToPullRequest(44, fixed, 'pass', 'sum-old-3', 'synchronize');
    expect(comments()[0]!.body).toContain('passes now');
    // Re-running the older failed run (a retry through the API) ends it again, failed: the
    // comment keeps speaking for the newest run.
    expect(await app.runtime.retry(older)).toMatchObject({ outcome: 'retried' });
    expect(await movingPastRetries(() => app.runtime.waitForRun(older, 15_000))).toBe('failed');
    await summariesSettled();
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('passes now');
    expect(comments()[0]!.body).toContain(fixed.slice(0, 12));
  });

  it('a pull request that never failed gets no comment', async () => {
    const { status } = await pushToPullRequest(43, sha(), 'pass', 'sum-green');
    expect(status).toBe('succeeded');
    expect(github.comments(REPO, 43)).toEqual([]);
  });

  it('a failing run of a push (no pull request) posts no comment', async () => {
    const before = github.comments(REPO).length;
    const head = sha();
    github.setFile(REPO, head, 'pipeline.yaml', pipeline('fail', github.url));
    const payload = githubExample('push');
    payload.ref = 'refs/heads/main';
    payload.after = head;
    (payload.head_commit as Record<string, unknown>).id = head;
    payload.installation = { id: INSTALLATION, node_id: 'MDIzOkluc3RhbGxhdGlvbjc3OA==' };
    const body = JSON.stringify(payload);
    const summarized: string[] = [];
    const off = app.runtime.events.on('summary:finished', (e) => summarized.push(e.runId));
    await app.post('/webhooks/github', body, githubHeaders('push', body, SECRET, 'sum-push'));
    const delivery = await app.planned('github:sum-push');
    expect(delivery.outcome).toBe('started');
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('failed');
    await until(
      () => github.checkRuns(REPO, head).find((r) => r.name === 'ci/build')?.status === 'completed',
    );
    // Every report of the run posted (its statuses, and a summary had there been one).
    const reports = async () =>
      (
        await app.db.query(`SELECT 1 FROM forgeflow.tasks WHERE run_id = $1 AND kind = 'report'`, [
          runId,
        ])
      ).rows.length;
    while ((await reports()) > 0) await app.runtime.events.next('worker:idle');
    off();
    expect(summarized).not.toContain(runId);
    expect(github.comments(REPO)).toHaveLength(before);
  });
});

describe('the merge request note (GitLab)', () => {
  it('is one note, edited in place by the next failing push and by the fix', async () => {
    const failing = pipeline('fail', gitlab.url);
    const { payload, path, head, iid } = gitlabMergeRequest(gitlab, failing);
    const deliver = async (body: Record<string, unknown>, id: string) => {
      const text = JSON.stringify(body);
      await app.post('/webhooks/gitlab', text, gitlabHeaders(body, TOKEN, id));
      const delivery = await app.planned(`gitlab:${id}`);
      expect(delivery.outcome).toBe('started');
      const status = await movingPastRetries(() =>
        app.runtime.waitForRun(delivery.run_ids[0]!, 15_000),
      );
      await summariesSettled();
      clock.advance(1_000);
      return status;
    };
    expect(await deliver(payload, 'gl-sum-1')).toBe('failed');
    const notes = () => gitlab.notes(path, iid);
    expect(notes()).toHaveLength(1);
    const [note] = notes();
    expect(note!.body.split('\n')[0]).toBe(MARKER);
    expect(note!.body).toContain(`on \` ${head.slice(0, 12)} \``);

    // A push to the merge request (GitLab: action "update" with oldrev) that fails again.
    const push = (next: string, outcome: 'fail' | 'pass') => {
      gitlab.setFile(path, next, 'pipeline.yaml', pipeline(outcome, gitlab.url));
      gitlab.addMergeRequest(path, { iid, sha: next, sourceBranch: 'ms-viewport' });
      const update = structuredClone(payload);
      const attributes = update.object_attributes as Record<string, unknown>;
      attributes.action = 'update';
      attributes.oldrev = head;
      (attributes.last_commit as Record<string, unknown>).id = next;
      return update;
    };
    const second = sha();
    expect(await deliver(push(second, 'fail'), 'gl-sum-2')).toBe('failed');
    expect(notes().map((n) => n.id)).toEqual([note!.id]);
    expect(gitlab.notesEdited).toBe(1);
    expect(notes()[0]!.body).toContain(`on \` ${second.slice(0, 12)} \``);

    const fixed = sha();
    expect(await deliver(push(fixed, 'pass'), 'gl-sum-3')).toBe('succeeded');
    expect(notes().map((n) => n.id)).toEqual([note!.id]);
    expect(notes()[0]!.body).toContain('passes now');
    expect(notes()[0]!.body).toContain(fixed.slice(0, 12));
  });
});
