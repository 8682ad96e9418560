/**
 * Issue 12 §6, first bullet: a trusted maintainer's comment command on a pull request by an
 * untrusted author runs the base branch's config, as the pull request's own events do, never
 * the pull request's (its exec included); a trusted author's pull request runs its own. The
 * delivery says which commit the config came from, and the run records it. Signed webhooks
 * against the fake GitHub and GitLab; both backends.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigSource } from '../../src/contracts/run-control.js';
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

/** A pipeline that says whose config it is in the comment it posts. */
const config = (whose: string, extra = '') => `version: 1
name: ci
on:
  pull_request: { types: [opened, synchronize, reopened] }
  comment: { commands: ["/ci retest"] }
jobs:
  build:
    uses: forge.comment
    with: { body: "${whose} at \${{ event.sha }}" }
    report: forgeflow/build
${extra}`;

/** What a fork's author would like to run with the maintainer's trust. */
const FORK_CONFIG = config(
  'the fork config',
  `  steal:
    uses: exec
    with: { command: [sh, -c, 'env > /tmp/forgeflow-stolen'] }
`,
);

const { app, github, gitlab } = useForgeServer({ githubSecret: SECRET, gitlabToken: TOKEN });

async function configSourceOf(runId: string): Promise<ConfigSource | null> {
  const { rows } = await app.db.query<{ config_source: ConfigSource | null }>(
    'SELECT config_source FROM forgeflow.run_specs WHERE run_id = $1',
    [runId],
  );
  return rows[0]?.config_source ?? null;
}

async function deliverySha(id: string): Promise<string | null> {
  const { rows } = await app.db.query<{ config_sha: string | null }>(
    'SELECT config_sha FROM forgeflow.deliveries WHERE id = $1',
    [id],
  );
  return rows[0]?.config_sha ?? null;
}

/** A fork's pull request: its head holds FORK_CONFIG, main's head the base config. */
function forkPullRequest(number: number, author: string): { head: string; base: string } {
  const head = sha();
  const base = sha();
  github.setFile(REPO, base, 'pipeline.yaml', config('the base config'));
  github.setBranch(REPO, 'main', base);
  github.setFile(REPO, head, 'pipeline.yaml', FORK_CONFIG);
  github.addPullRequest(REPO, {
    number,
    headSha: head,
    headRef: 'patch-1',
    baseRef: 'main',
    author,
  });
  return { head, base };
}

/** `/ci retest` by a commenter on pull request `number` by `author`, as GitHub sends it. */
function githubComment(
  number: number,
  author: { login: string; association: string },
  commenter: { login: string; association: string },
): string {
  const payload = githubExample('issue_comment', 'created');
  const issue = payload.issue as Record<string, unknown>;
  issue.number = number;
  issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${number}` };
  issue.author_association = author.association;
  (issue.user as Record<string, unknown>).login = author.login;
  (issue.user as Record<string, unknown>).id = 9_000 + number;
  const comment = payload.comment as Record<string, unknown>;
  Object.assign(comment, { body: '/ci retest', author_association: commenter.association });
  (comment.user as Record<string, unknown>).login = commenter.login;
  return JSON.stringify(payload);
}

describe('a GitHub comment command on a pull request', () => {
  it("by a maintainer, on an untrusted author's pull request, runs the base branch's config", async () => {
    const { head, base } = forkPullRequest(31, 'mallory');
    const body = githubComment(
      31,
      { login: 'mallory', association: 'FIRST_TIME_CONTRIBUTOR' },
      { login: 'maintainer', association: 'MEMBER' },
    );
    await app.post('/webhooks/github', body, githubHeaders('issue_comment', body, SECRET, 'c-1'));
    const delivery = await app.planned('github:c-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: 'pipeline.yaml' });
    expect(delivery.reason).toBe(
      'mallory is FIRST_TIME_CONTRIBUTOR, not OWNER, MEMBER or COLLABORATOR: the config of main was used',
    );
    expect(await deliverySha('github:c-1')).toBe(base);
    const [runId] = delivery.run_ids;
    expect(await app.runtime.waitForRun(runId!, 15_000)).toBe('succeeded');
    // The base config ran (no `steal` job), and reported on the pull request's commit.
    expect((await app.runtime.getRun(runId!))?.nodes.map((n) => n.node_id)).toEqual(['build']);
    expect(withoutSummaries(github.comments(REPO, 31).map((c) => c.body))).toEqual([
      `the base config at ${head}`,
    ]);
    expect(github.statuses(REPO, head).map((s) => s.context)).toContain('forgeflow/build');
    expect(await configSourceOf(runId!)).toEqual({
      trusted: true,
      ref: base,
      path: 'pipeline.yaml',
      why: 'mallory is FIRST_TIME_CONTRIBUTOR, not OWNER, MEMBER or COLLABORATOR: the config of main was read',
    });
  });

  it("by a maintainer, on a trusted author's pull request, runs the pull request's config", async () => {
    const { head } = forkPullRequest(32, 'colleague');
    const body = githubComment(
      32,
      { login: 'colleague', association: 'COLLABORATOR' },
      { login: 'maintainer', association: 'MEMBER' },
    );
    await app.post('/webhooks/github', body, githubHeaders('issue_comment', body, SECRET, 'c-2'));
    const delivery = await app.planned('github:c-2');
    expect(delivery).toMatchObject({ outcome: 'started', reason: null });
    expect(await deliverySha('github:c-2')).toBe(head);
    const [runId] = delivery.run_ids;
    await app.runtime.waitForRun(runId!, 15_000);
    expect(withoutSummaries(github.comments(REPO, 32).map((c) => c.body))).toEqual([
      `the fork config at ${head}`,
    ]);
    expect(await configSourceOf(runId!)).toMatchObject({
      trusted: true,
      ref: head,
      why: 'colleague is COLLABORATOR',
    });
  });

  it('by the untrusted author herself starts nothing, and is answered with why', async () => {
    forkPullRequest(33, 'mallory');
    const body = githubComment(
      33,
      { login: 'mallory', association: 'NONE' },
      { login: 'mallory', association: 'NONE' },
    );
    await app.post('/webhooks/github', body, githubHeaders('issue_comment', body, SECRET, 'c-3'));
    expect(await app.planned('github:c-3')).toMatchObject({ outcome: 'untrusted', run_ids: [] });
    // Issue 17 item 5: the base config knows /ci retest, so the refusal is said on the PR.
    const replies = github.comments(REPO, 33);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('forgeflow did not run `/ci retest`');
  });

  it("and the untrusted author's own pull request event reads the base config too", async () => {
    const { head, base } = forkPullRequest(34, 'mallory');
    const payload = githubExample('pull_request', 'opened');
    const pr = payload.pull_request as Record<string, unknown>;
    pr.number = 34;
    pr.author_association = 'NONE';
    (pr.head as Record<string, unknown>).sha = head;
    (pr.base as Record<string, unknown>).ref = 'main';
    const body = JSON.stringify(payload);
    await app.post('/webhooks/github', body, githubHeaders('pull_request', body, SECRET, 'c-4'));
    const delivery = await app.planned('github:c-4');
    expect(await deliverySha('github:c-4')).toBe(base);
    await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000);
    expect(withoutSummaries(github.comments(REPO, 34).map((c) => c.body))).toEqual([
      `the base config at ${head}`,
    ]);
    expect(await configSourceOf(delivery.run_ids[0]!)).toMatchObject({ trusted: true, ref: base });
  });
});

describe('a GitLab comment command on a merge request', () => {
  /** The note fixture: user 1 (root) comments on !1, whose author is user 8. */
  function gitlabNote(head: string) {
    const payload = gitlabFixture('note_merge_request');
    const attributes = payload.object_attributes as Record<string, unknown>;
    attributes.note = '/ci retest';
    const mergeRequest = payload.merge_request as Record<string, unknown>;
    (mergeRequest.last_commit as Record<string, unknown>).id = head;
    return payload;
  }
  const project = 'gitlab-org/gitlab-test';

  function setUp(authorLevel: number | null): { head: string; base: string } {
    const head = sha();
    const base = sha();
    gitlab.addProject(project, { id: 5 });
    gitlab.setFile(project, base, 'pipeline.yaml', config('the base config'));
    gitlab.setBranch(project, 'markdown', base);
    gitlab.setFile(project, head, 'pipeline.yaml', FORK_CONFIG);
    gitlab.addMergeRequest(project, {
      iid: 1,
      sha: head,
      sourceBranch: 'master',
      targetBranch: 'markdown',
      authorId: 8,
    });
    gitlab.addMember(project, 1, 40);
    if (authorLevel !== null) gitlab.addMember(project, 8, authorLevel);
    return { head, base };
  }

  it("by a maintainer, on a merge request by a non-member, runs the target branch's config", async () => {
    const { head, base } = setUp(null);
    const payload = gitlabNote(head);
    await app.post(
      '/webhooks/gitlab',
      JSON.stringify(payload),
      gitlabHeaders(payload, TOKEN, 'n-1'),
    );
    const delivery = await app.planned('gitlab:n-1');
    expect(delivery).toMatchObject({ outcome: 'started' });
    expect(delivery.reason).toMatch(
      /has no access, below developer \(30\): the config of markdown was used$/,
    );
    expect(await deliverySha('gitlab:n-1')).toBe(base);
    const [runId] = delivery.run_ids;
    expect(await app.runtime.waitForRun(runId!, 15_000)).toBe('succeeded');
    expect(gitlab.notes(project, 1).map((n) => n.body)).toContain(`the base config at ${head}`);
    expect(gitlab.notes(project, 1).map((n) => n.body)).not.toContain(`the fork config at ${head}`);
    expect(await configSourceOf(runId!)).toMatchObject({ trusted: true, ref: base });
  });

  it("by a maintainer, on a developer's merge request, runs the merge request's config", async () => {
    const { head } = setUp(30);
    const payload = gitlabNote(head);
    await app.post(
      '/webhooks/gitlab',
      JSON.stringify(payload),
      gitlabHeaders(payload, TOKEN, 'n-2'),
    );
    const delivery = await app.planned('gitlab:n-2');
    expect(delivery).toMatchObject({ outcome: 'started', reason: null });
    expect(await deliverySha('gitlab:n-2')).toBe(head);
    await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000);
    expect(gitlab.notes(project, 1).map((n) => n.body)).toContain(`the fork config at ${head}`);
  });
});
