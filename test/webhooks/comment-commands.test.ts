/**
 * Issue 17 item 6: a comment with no line starting with "/" ("LGTM") can start nothing, so the
 * intake records it as ignored and starts no plan run: no run in the runs list, no forge API
 * call. A comment with a command line (forgeflow's, Packit's or a pipeline's) is planned as
 * before. Signed webhooks through the real server against the fake GitHub and GitLab; both
 * backends.
 */
import { describe, expect, it } from 'vitest';
import { NO_COMMAND_REASON } from '../../src/contracts/comment-commands.js';
import { randomSha as sha } from '../support/use-server.js';
import { useForgeServer } from '../support/use-forge-server.js';
import {
  githubExample,
  githubHeaders,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';
import { withoutSummaries } from '../support/run-summaries.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';
const PROJECT = 'gitlab-org/gitlab-test';

const CONFIG = `version: 1
name: ci
on:
  comment: { commands: ["/ci retest"] }
jobs:
  build:
    uses: forge.comment
    with: { body: "retested \${{ event.sha }}" }
`;

const { app, github, gitlab } = useForgeServer({ githubSecret: SECRET, gitlabToken: TOKEN });

/** A comment by a member on pull request `number` of REPO, as GitHub sends it. */
function githubComment(number: number, text: string): string {
  const payload = githubExample('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  issue.number = number;
  issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${number}` };
  issue.author_association = 'MEMBER';
  Object.assign(payload.comment as Record<string, unknown>, {
    body: text,
    author_association: 'MEMBER',
  });
  return JSON.stringify(payload);
}

/** A pull request whose head holds CONFIG. */
function pullRequest(number: number): string {
  const head = sha();
  github.setFile(REPO, head, 'pipeline.yaml', CONFIG);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `p-${number}`, baseRef: 'main' });
  return head;
}

async function runsOfDelivery(id: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.runs WHERE idempotency_key = $1',
    [`delivery:${id}`],
  );
  return rows[0]!.n;
}

async function runCount(): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.runs',
  );
  return rows[0]!.n;
}

async function delivery(id: string): Promise<Record<string, unknown>> {
  return (await app.server.inject({ url: `/api/v1/deliveries/${id}` })).json();
}

describe('a comment that holds no command', () => {
  const noCommands = [
    ['LGTM', 'lgtm-1'],
    ['Looks good to me.\r\nMerging after /ci retest passes', 'lgtm-2'],
    ['/ \n see path a/b', 'lgtm-3'],
  ] as const;
  for (const [text, key] of noCommands) {
    it(`on GitHub (${JSON.stringify(text)}) is recorded as ignored, with no plan run and no forge call`, async () => {
      pullRequest(41);
      const runsBefore = await runCount();
      const callsBefore = github.requests.length;
      const body = githubComment(41, text);
      const answer = await app.post(
        '/webhooks/github',
        body,
        githubHeaders('issue_comment', body, SECRET, key),
      );
      // 200, as for every delivery the intake ignores (routes.ts); 202 means a plan run.
      expect(answer).toEqual({
        status: 200,
        body: {
          delivery: `github:${key}`,
          outcome: 'ignored',
          reason: NO_COMMAND_REASON,
          duplicate: false,
        },
      });
      expect(await delivery(`github:${key}`)).toMatchObject({
        event: 'issue_comment',
        action: 'created',
        repo: REPO,
        pr: 41,
        outcome: 'ignored',
        reason: NO_COMMAND_REASON,
        plan_run_id: null,
        run_ids: [],
      });
      expect(await runsOfDelivery(`github:${key}`)).toBe(0);
      expect(await runCount()).toBe(runsBefore);
      expect(github.requests.length).toBe(callsBefore);
    });
  }

  it('is a duplicate when redelivered, and still starts nothing', async () => {
    const body = githubComment(41, 'Thanks!');
    const headers = githubHeaders('issue_comment', body, SECRET, 'thanks-1');
    const first = await app.post('/webhooks/github', body, headers);
    const again = await app.post('/webhooks/github', body, headers);
    expect([first.body.duplicate, again.body.duplicate]).toEqual([false, true]);
    expect(again.body.outcome).toBe('ignored');
    expect(await runsOfDelivery('github:thanks-1')).toBe(0);
  });

  it('on GitLab is recorded as ignored, with no plan run and no forge call', async () => {
    const payload = gitlabFixture('note_merge_request');
    (payload.object_attributes as Record<string, unknown>).note = 'LGTM 👍\n\nnice work';
    const runsBefore = await runCount();
    const callsBefore = gitlab.requests.length;
    const answer = await app.post(
      '/webhooks/gitlab',
      JSON.stringify(payload),
      gitlabHeaders(payload, TOKEN, 'gl-lgtm'),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'ignored', reason: NO_COMMAND_REASON });
    expect(await delivery('gitlab:gl-lgtm')).toMatchObject({
      event: 'Note Hook',
      repo: PROJECT,
      pr: 1,
      outcome: 'ignored',
      reason: NO_COMMAND_REASON,
      plan_run_id: null,
    });
    expect(await runsOfDelivery('gitlab:gl-lgtm')).toBe(0);
    expect(await runCount()).toBe(runsBefore);
    expect(gitlab.requests.length).toBe(callsBefore);
  });
});

describe('a comment with a command line is planned as before', () => {
  it("a pipeline's /ci retest, after other lines, starts the pipeline", async () => {
    const head = pullRequest(42);
    const body = githubComment(42, 'Flaky network, again.\n\n  /ci retest');
    const answer = await app.post(
      '/webhooks/github',
      body,
      githubHeaders('issue_comment', body, SECRET, 'cmd-ci'),
    );
    expect(answer).toMatchObject({ status: 202, body: { outcome: 'planning' } });
    // The pipeline matches its command on the first line only: this one is not triggered.
    expect(await app.planned('github:cmd-ci')).toMatchObject({ outcome: 'not_triggered' });

    const first = githubComment(42, '/ci retest');
    await app.post(
      '/webhooks/github',
      first,
      githubHeaders('issue_comment', first, SECRET, 'cmd-ci2'),
    );
    const started = await app.planned('github:cmd-ci2');
    expect(started).toMatchObject({ outcome: 'started' });
    expect(await app.runtime.waitForRun(started.run_ids[0]!, 15_000)).toBe('succeeded');
    expect(withoutSummaries(github.comments(REPO, 42).map((c) => c.body))).toEqual([
      `retested ${head}`,
    ]);
  });

  it('/forgeflow retry reaches the ChatOps commands', async () => {
    pullRequest(43);
    const body = githubComment(43, '/forgeflow retry');
    await app.post(
      '/webhooks/github',
      body,
      githubHeaders('issue_comment', body, SECRET, 'cmd-ff'),
    );
    expect(await app.planned('github:cmd-ff')).toMatchObject({
      outcome: 'command',
      reason: 'no run of #43 yet',
    });
  });

  it('/packit build on a later line reaches the plan (here: a repository with no Packit config)', async () => {
    pullRequest(44);
    const callsBefore = github.requests.length;
    const body = githubComment(44, 'Let us try Copr.\n/packit build');
    await app.post(
      '/webhooks/github',
      body,
      githubHeaders('issue_comment', body, SECRET, 'cmd-pk'),
    );
    expect(await app.planned('github:cmd-pk')).toMatchObject({ outcome: 'not_triggered' });
    expect(github.requests.length).toBeGreaterThan(callsBefore);
  });

  it('a GitLab note with /ci retest starts the pipeline', async () => {
    const head = sha();
    gitlab.addProject(PROJECT, { id: 5 });
    gitlab.setFile(PROJECT, head, 'pipeline.yaml', CONFIG);
    gitlab.addMergeRequest(PROJECT, {
      iid: 1,
      sha: head,
      sourceBranch: 'master',
      targetBranch: 'markdown',
      authorId: 8,
    });
    // The note fixture: user 1 comments on !1, whose author is user 8.
    gitlab.addMember(PROJECT, 1, 40);
    gitlab.addMember(PROJECT, 8, 30);
    const payload = gitlabFixture('note_merge_request');
    (payload.object_attributes as Record<string, unknown>).note = '/ci retest';
    ((payload.merge_request as Record<string, unknown>).last_commit as Record<string, unknown>).id =
      head;
    await app.post(
      '/webhooks/gitlab',
      JSON.stringify(payload),
      gitlabHeaders(payload, TOKEN, 'gl-ci'),
    );
    expect(await app.planned('gitlab:gl-ci')).toMatchObject({ outcome: 'started' });
  });
});
