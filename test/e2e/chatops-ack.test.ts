/**
 * Issue 17 item 5: a comment's command is answered on the forge. A command that acted gets a
 * reaction and no reply; an untrusted author's one reply saying why (then only a 😕 reaction on
 * the same pull request); an unknown one a reply naming the valid commands, once, whatever is
 * redelivered, with the comment's text made inert; someone else's slash command (`/assign`)
 * nothing at all. A reaction that fails with a 502 is retried without carrying the command out
 * twice. Real server, signed real payloads (@octokit/webhooks-examples, the GitLab note hook),
 * the fake forges answering as GitHub and GitLab do; both backends.
 */
import { describe, expect, it } from 'vitest';
import { mayHoldCommand } from '../../src/contracts/comment-commands.js';
import { useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import {
  githubExample,
  githubHeaders,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';
import { SUMMARY_MARK } from '../support/run-summaries.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';
const BOT = 'forgeflow-bot';

/** A run that fails at once (exec is off on this server): something for `/forgeflow retry`. */
const FLAKY = `version: 1
name: flaky
on:
  pull_request: { types: [opened] }
  comment: { commands: ["/ci test"] }
jobs:
  test: { uses: exec, with: { command: [make, test] } }
`;

const GATED = `version: 1
name: gated
on: { pull_request: { types: [opened] } }
jobs:
  gate: { wait_for: { signal: approve } }
`;

const PACKIT = `specfile_path: hello.spec
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-rawhide-x86_64]
`;

const { app, clock, github, gitlab } = useForgeServer({
  githubSecret: SECRET,
  gitlabToken: TOKEN,
});

const MEMBER = { login: 'maintainer', association: 'MEMBER' };
const OUTSIDER = { login: 'mallory', association: 'NONE' };
let nextCommentId = 880_000;
/** Pull request 51's run, which fails. */
let flakyRun = '';

/** A member's pull request `number` whose head holds `files`, opened: its run is planned. */
async function openPullRequest(number: number, files: Record<string, string>): Promise<string> {
  const head = sha();
  github.setFiles(REPO, head, files);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `ack-${number}` });
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'MEMBER';
  const body = JSON.stringify(payload);
  const id = `ack-open-${number}`;
  await app.post('/webhooks/github', body, githubHeaders('pull_request', body, SECRET, id));
  const planned = await app.planned(`github:${id}`);
  return planned.run_ids[0] ?? '';
}

/** A comment on pull request `pr` (on GitHub too, to react to), and its signed delivery. */
function githubComment(pr: number, text: string, who = MEMBER, action = 'created') {
  const commentId = nextCommentId++;
  github.addIssueComment(REPO, pr, { id: commentId, body: text, login: who.login });
  const payload = githubExample('issue_comment', 'created');
  payload.action = action;
  const issue = payload.issue as Record<string, unknown>;
  issue.number = pr;
  issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${pr}` };
  issue.author_association = 'MEMBER';
  const comment = payload.comment as Record<string, unknown>;
  Object.assign(comment, { id: commentId, body: text, author_association: who.association });
  (comment.user as Record<string, unknown>).login = who.login;
  return { commentId, body: JSON.stringify(payload) };
}

async function sendGitHub(body: string, delivery: string) {
  return app.post('/webhooks/github', body, githubHeaders('issue_comment', body, SECRET, delivery));
}

/** The bot's replies to commands (not the run summary a failed run keeps on the PR). */
function botReplies(pr: number): string[] {
  return github
    .comments(REPO, pr)
    .filter((c) => c.user.login === BOT && !c.body.startsWith(SUMMARY_MARK))
    .map((c) => c.body);
}

async function runCount(): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.runs',
  );
  return rows[0]!.n;
}

function reactionsOn(commentId: number): string[] {
  return github.reactions(REPO, commentId).map((r) => r.content);
}

describe('ChatOps answers on GitHub', () => {
  it('a trusted /forgeflow retry gets a 👍 reaction and no reply', async () => {
    const runId = await openPullRequest(51, { 'pipeline.yaml': FLAKY });
    flakyRun = runId;
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('failed');
    const { commentId, body } = githubComment(51, '/forgeflow retry');
    await sendGitHub(body, 'ack-retry');
    expect(await app.planned('github:ack-retry')).toMatchObject({
      outcome: 'command',
      reason: `retry of run ${runId}: retried`,
    });
    expect(reactionsOn(commentId)).toEqual(['+1']);
    expect(botReplies(51)).toEqual([]);
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('failed');
  });

  it('an edited or deleted comment gives no command again, and gets no answer', async () => {
    const before = await runCount();
    const history = (await app.runtime.history(flakyRun)).length;
    for (const action of ['edited', 'deleted']) {
      const { commentId, body } = githubComment(51, '/forgeflow retry', MEMBER, action);
      await sendGitHub(body, `ack-${action}`);
      expect(await app.planned(`github:ack-${action}`)).toMatchObject({
        outcome: 'ignored',
        reason: `the comment was ${action}: commands are read from new comments only`,
      });
      expect(reactionsOn(commentId)).toEqual([]);
    }
    expect(botReplies(51)).toEqual([]);
    // Their two plan runs, and no other; the pull request's run was not retried again.
    expect(await runCount()).toBe(before + 2);
    expect(await app.runtime.history(flakyRun)).toHaveLength(history);
  });

  it("someone else's slash command (/assign) gets nothing, and only the delivery says why", async () => {
    const { commentId, body } = githubComment(51, '/assign @octocat');
    await sendGitHub(body, 'ack-assign');
    const planned = await app.planned('github:ack-assign');
    expect(planned.outcome).toBe('not_triggered');
    expect(planned.reason).toContain('does not start with "/ci test"');
    expect(reactionsOn(commentId)).toEqual([]);
    expect(botReplies(51)).toEqual([]);
  });

  it('an untrusted author is told why once per pull request; later refusals get 😕 only', async () => {
    const first = githubComment(51, '/forgeflow retry', OUTSIDER);
    await sendGitHub(first.body, 'ack-refused-1');
    expect(await app.planned('github:ack-refused-1')).toMatchObject({ outcome: 'untrusted' });
    const replies = botReplies(51);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      'forgeflow did not run `/forgeflow retry`: `mallory is NONE, not OWNER, MEMBER or COLLABORATOR`.',
    );
    expect(replies[0]).toContain(
      "On GitHub, forgeflow takes commands from the repository's owners, members and collaborators",
    );
    expect(reactionsOn(first.commentId)).toEqual([]);

    const second = githubComment(51, '/forgeflow cancel', OUTSIDER);
    await sendGitHub(second.body, 'ack-refused-2');
    expect(await app.planned('github:ack-refused-2')).toMatchObject({ outcome: 'untrusted' });
    // A pipeline's own command from the same author (the base branch's config knows it):
    // refused too, still no second reply.
    const base = sha();
    github.setFile(REPO, base, 'pipeline.yaml', FLAKY).setBranch(REPO, 'main', base);
    const third = githubComment(51, '/ci test', OUTSIDER);
    await sendGitHub(third.body, 'ack-refused-3');
    expect(await app.planned('github:ack-refused-3')).toMatchObject({ outcome: 'untrusted' });
    expect(botReplies(51)).toHaveLength(1);
    expect(reactionsOn(second.commentId)).toEqual(['confused']);
    expect(reactionsOn(third.commentId)).toEqual(['confused']);

    // A flood's 😕 that fails is given up, not retried: the plan ends at its first attempt.
    const fourth = githubComment(51, '/forgeflow retry', OUTSIDER);
    github.failNext('POST', `/comments/${fourth.commentId}/reactions`, 502, 1);
    await sendGitHub(fourth.body, 'ack-refused-4');
    expect(await app.planned('github:ack-refused-4')).toMatchObject({ outcome: 'untrusted' });
    const tries = github.requestsTo('POST', `/comments/${fourth.commentId}/reactions`);
    expect(tries.map((r) => r.status)).toEqual([502]);
    expect(botReplies(51)).toHaveLength(1);
  });

  it('an unknown command gets one reply naming the valid ones, redelivered or not', async () => {
    await openPullRequest(54, { 'pipeline.yaml': FLAKY });
    const { commentId, body } = githubComment(54, '/forgeflow frobnicate');
    const answer = await sendGitHub(body, 'ack-unknown');
    expect(await app.planned('github:ack-unknown')).toMatchObject({
      outcome: 'command',
      reason: 'unknown command "frobnicate": use retry, cancel or signal NAME',
    });
    const again = await sendGitHub(body, 'ack-unknown');
    expect([answer.body.duplicate, again.body.duplicate]).toEqual([false, true]);
    const replies = botReplies(54);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('forgeflow did not act on `/forgeflow frobnicate`');
    expect(replies[0]).toContain('`/forgeflow retry`');
    expect(replies[0]).toContain('`/forgeflow cancel`');
    expect(replies[0]).toContain('`/forgeflow signal NAME [JSON]`');
    expect(reactionsOn(commentId)).toEqual([]);
  });

  it('quotes a hostile command inertly: no mention, no HTML, no backtick that ends the quote', async () => {
    const hostile = '/forgeflow frobnicate @everyone <img src=x onerror=alert(1)> `x` ``y``\u202e';
    const { body } = githubComment(54, `${hostile}\n/assign @octocat`);
    await sendGitHub(body, 'ack-hostile');
    await app.planned('github:ack-hostile');
    const reply = botReplies(54).at(-1) ?? '';
    expect(reply).toContain(
      "`/forgeflow frobnicate @\u200beveryone <img src=x onerror=alert(1)> 'x' ''y''`",
    );
    expect(reply).not.toMatch(/@everyone|@octocat|\u202e/u);
    // Every backtick opens or closes forgeflow's own spans: none comes from the comment.
    for (const line of reply.split('\n')) expect((line.match(/`/g) ?? []).length % 2).toBe(0);
    // Neither GitLab's quick actions nor forgeflow itself would read a command in it.
    expect(mayHoldCommand(reply)).toBe(false);
  });

  it('a reaction that fails with a 502 is retried, without sending the signal twice', async () => {
    const runId = await openPullRequest(52, { 'pipeline.yaml': GATED });
    const { commentId, body } = githubComment(52, '/forgeflow signal approve {"by": "maintainer"}');
    github.failNext('POST', `/comments/${commentId}/reactions`, 502, 1);
    const off = app.runtime.events.on('node:retrying', (e) =>
      setImmediate(() => clock.advance(e.delayMs)),
    );
    try {
      await sendGitHub(body, 'ack-signal');
      expect(await app.planned('github:ack-signal')).toMatchObject({
        outcome: 'command',
        reason: `signal of run ${runId}: delivered`,
      });
    } finally {
      off();
    }
    const posts = github.requestsTo('POST', `/comments/${commentId}/reactions`);
    expect(posts.map((r) => r.status)).toEqual([502, 201]);
    expect(reactionsOn(commentId)).toEqual(['+1']);
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const history = await app.runtime.history(runId);
    expect(history.filter((e) => e.type === 'SignalReceived')).toHaveLength(1);
  });

  it('an unknown /packit command under a .packit.yaml gets a reply naming the Packit commands', async () => {
    await openPullRequest(53, { '.packit.yaml': PACKIT });
    const { body } = githubComment(53, '/packit frobnicate');
    await sendGitHub(body, 'ack-packit');
    expect(await app.planned('github:ack-packit')).toMatchObject({ outcome: 'not_triggered' });
    const replies = botReplies(53);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      "forgeflow did not act on `/packit frobnicate`: `unknown command 'frobnicate'",
    );
    expect(replies[0]).toContain('`copr-build`');
  });
});

describe('ChatOps answers on GitLab', () => {
  const PROJECT = 'gitlab-org/gitlab-test';
  const IID = 21;
  const DEVELOPER = { id: 1, username: 'root' };
  const STRANGER = { id: 77, username: 'stranger' };
  const HEAD = sha();
  let noteId = 660_000;
  let seeded = false;

  /** The note hook fixture, on merge request IID, with `text` by `who`; the note seeded too. */
  function note(text: string, who: { id: number; username: string }) {
    const id = noteId++;
    gitlab.addNote(PROJECT, IID, { id, body: text, authorId: who.id });
    const payload = gitlabFixture('note_merge_request');
    Object.assign(payload.user as object, who);
    Object.assign(payload.object_attributes as object, { id, note: text, author_id: who.id });
    const mr = payload.merge_request as Record<string, unknown>;
    mr.iid = IID;
    (mr.last_commit as Record<string, unknown>).id = HEAD;
    return { id, payload };
  }

  function seed(): void {
    if (seeded) return;
    seeded = true;
    gitlab.addProject(PROJECT, { id: 5 });
    gitlab.setFile(PROJECT, HEAD, 'pipeline.yaml', FLAKY);
    const base = sha();
    gitlab.setFile(PROJECT, base, 'pipeline.yaml', FLAKY);
    gitlab.setBranch(PROJECT, 'markdown', base);
    gitlab.addMergeRequest(PROJECT, {
      iid: IID,
      sha: HEAD,
      sourceBranch: 'master',
      targetBranch: 'markdown',
      authorId: 8,
    });
    gitlab.addMember(PROJECT, DEVELOPER.id, 40);
    gitlab.addMember(PROJECT, 8, 30);
  }

  async function send(payload: Record<string, unknown>, delivery: string) {
    await app.post(
      '/webhooks/gitlab',
      JSON.stringify(payload),
      gitlabHeaders(payload, TOKEN, delivery),
    );
    return app.planned(`gitlab:${delivery}`);
  }

  const botNotes = () =>
    gitlab
      .notes(PROJECT, IID)
      .filter((n) => n.author.username === BOT && !n.body.startsWith(SUMMARY_MARK));
  const awardsOn = (id: number) => gitlab.awards(PROJECT, id).map((a) => a.name);

  it("a developer's /ci test and /forgeflow retry get a thumbsup each, and no note", async () => {
    seed();
    const start = note('/ci test', DEVELOPER);
    const started = await send(start.payload, 'gl-ack-ci');
    expect(started.outcome).toBe('started');
    expect(await app.runtime.waitForRun(started.run_ids[0]!, 15_000)).toBe('failed');
    const retry = note('/forgeflow retry', DEVELOPER);
    expect(await send(retry.payload, 'gl-ack-retry')).toMatchObject({
      outcome: 'command',
      reason: `retry of run ${started.run_ids[0]}: retried`,
    });
    expect(awardsOn(start.id)).toEqual(['thumbsup']);
    expect(awardsOn(retry.id)).toEqual(['thumbsup']);
    expect(botNotes()).toEqual([]);
  });

  it('a non-member is told why once; the next refusal gets an award only', async () => {
    seed();
    const first = note('/forgeflow cancel', STRANGER);
    expect(await send(first.payload, 'gl-ack-refused-1')).toMatchObject({ outcome: 'untrusted' });
    const second = note('/ci test', STRANGER);
    expect(await send(second.payload, 'gl-ack-refused-2')).toMatchObject({ outcome: 'untrusted' });
    const notes = botNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(
      'forgeflow did not run `/forgeflow cancel`: `stranger has no access, below developer (30)`.',
    );
    expect(notes[0]!.body).toContain(
      'On GitLab, forgeflow takes commands from members of the project with the Developer role or above',
    );
    expect(awardsOn(first.id)).toEqual([]);
    expect(awardsOn(second.id)).toEqual(['confused']);
  });

  it('/assign, a GitLab quick action, gets nothing from anyone', async () => {
    seed();
    const before = botNotes().length;
    const mine = note('/assign @root', DEVELOPER);
    expect(await send(mine.payload, 'gl-ack-assign-1')).toMatchObject({ outcome: 'not_triggered' });
    const theirs = note('/assign @stranger\n/label ~bug', STRANGER);
    const refused = await send(theirs.payload, 'gl-ack-assign-2');
    expect(refused).toMatchObject({ outcome: 'untrusted' });
    expect(refused.reason).toContain('stranger has no access');
    expect(awardsOn(mine.id)).toEqual([]);
    expect(awardsOn(theirs.id)).toEqual([]);
    expect(botNotes()).toHaveLength(before);
  });
});
