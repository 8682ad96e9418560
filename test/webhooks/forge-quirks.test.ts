/**
 * Text forges really send that PostgreSQL cannot store as it is — a NUL pasted into a pull
 * request title, an emoji cut in half by a forge truncating by UTF-16 units — end to end: the
 * signed delivery is accepted, the payload stored with U+FFFD in those places (the answer says
 * how many), the plan run reads pipeline.yaml from the fake forge, and the pipeline runs with
 * the substituted title, down to the comment it posts. Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { gitlabMergeRequest, useForgeServer } from '../support/use-forge-server.js';
import { randomSha } from '../support/use-server.js';
import { githubExample, githubHeaders, gitlabHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const TITLE = 'fix\u0000 the \ud83d build';
const STORED = 'fix\ufffd the \ufffd build';

const PIPELINE = `version: 1
name: ci
on:
  pull_request: { types: [opened] }
jobs:
  greet:
    uses: forge.comment
    with: { body: "title: \${{ event.pr.title }}" }
`;

const { app, github, gitlab } = useForgeServer({
  githubSecret: SECRET,
  gitlabToken: TOKEN,
  concurrency: 2,
});

async function runTitle(runId: string): Promise<string> {
  const run = (await app.server.inject({ url: `/api/v1/runs/${runId}` })).json<{
    event: { pr: { title: string } };
  }>();
  return run.event.pr.title;
}

describe('a title holding a NUL and half an emoji', () => {
  it('on GitHub: stored with U+FFFD, and the pipeline runs with it', async () => {
    const head = randomSha();
    const repo = 'Codertocat/Hello-World';
    github.setFile(repo, head, 'pipeline.yaml', PIPELINE);
    const payload = githubExample('pull_request', 'opened');
    const pr = payload.pull_request as Record<string, unknown>;
    github.addPullRequest(repo, { number: pr.number as number, headSha: head, headRef: 'fix' });
    (pr.head as Record<string, unknown>).sha = head;
    pr.title = TITLE;
    pr.author_association = 'OWNER';
    const body = JSON.stringify(payload);
    const answer = await app.post(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, SECRET, 'quirk-gh'),
    );
    expect(answer).toMatchObject({ status: 202, body: { outcome: 'planning', substituted: 2 } });
    const delivery = await app.planned('github:quirk-gh');
    expect(delivery.outcome).toBe('started');
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(await runTitle(runId)).toBe(STORED);
    expect(github.comments(repo, pr.number as number).map((c) => c.body)).toContain(
      `title: ${STORED}`,
    );
  });

  it('on GitLab: stored with U+FFFD, and the pipeline runs with it', async () => {
    const { payload, path, iid } = gitlabMergeRequest(gitlab, PIPELINE, (attributes) => {
      attributes.last_commit.id = randomSha();
      attributes.title = TITLE;
    });
    const body = JSON.stringify(payload);
    const answer = await app.post(
      '/webhooks/gitlab',
      body,
      gitlabHeaders(payload, TOKEN, 'quirk-gl'),
    );
    expect(answer).toMatchObject({ status: 202, body: { substituted: 2 } });
    const delivery = await app.planned('gitlab:quirk-gl');
    expect(delivery.outcome).toBe('started');
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(await runTitle(runId)).toBe(STORED);
    expect(gitlab.notes(path, iid).map((n) => n.body)).toContain(`title: ${STORED}`);
  });
});
