/**
 * Issue 18 item 3: `/packit` comments are answered as packit-service answers them. A command
 * taken on gets 👀 (not forgeflow's 👍) and no reply; `/packit help` the commands' usage; a
 * syntax error Packit's sentence with the link, then what was wrong; and on an issue,
 * `/packit propose-downstream` runs the release jobs for the latest release (config and
 * statuses at its tag's commit), other commands are told where they work. Real server, signed
 * payloads from @octokit/webhooks-examples, the fake GitHub answering as GitHub does; both
 * backends.
 */
import { describe, expect, it } from 'vitest';
import { mayHoldCommand } from '../../src/contracts/comment-commands.js';
import { SUMMARY_MARK } from '../support/run-summaries.js';
import { useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const BOT = 'forgeflow-bot';

const PACKIT = `specfile_path: hello.spec
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-rawhide-x86_64]
  - job: propose_downstream
    trigger: release
    dist_git_branches: [fedora-rawhide]
`;

const { app, github } = useForgeServer({ githubSecret: SECRET, gitlabToken: 'gitlab-token' });

const MEMBER = { login: 'maintainer', association: 'MEMBER' };
const OUTSIDER = { login: 'mallory', association: 'NONE' };
let nextCommentId = 910_000;

function openPullRequest(number: number): void {
  const head = sha();
  github.setFiles(REPO, head, { '.packit.yaml': PACKIT });
  github.addPullRequest(REPO, { number, headSha: head, headRef: `replies-${number}` });
}

/** A comment on pull request or issue `number`, and its signed `issue_comment` delivery. */
function comment(
  number: number,
  text: string,
  who = MEMBER,
  on: 'pr' | 'issue' = 'pr',
  action = 'created',
) {
  const commentId = nextCommentId++;
  github.addIssueComment(REPO, number, { id: commentId, body: text, login: who.login });
  const payload = githubExample('issue_comment', 'created');
  payload.action = action;
  const issue = payload.issue as Record<string, unknown>;
  issue.number = number;
  if (on === 'pr')
    issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${number}` };
  else delete issue.pull_request;
  issue.author_association = 'MEMBER';
  const fields = payload.comment as Record<string, unknown>;
  Object.assign(fields, { id: commentId, body: text, author_association: who.association });
  (fields.user as Record<string, unknown>).login = who.login;
  return { commentId, body: JSON.stringify(payload) };
}

async function send(body: string, delivery: string) {
  await app.post('/webhooks/github', body, githubHeaders('issue_comment', body, SECRET, delivery));
  return app.planned(`github:${delivery}`);
}

function botReplies(number: number): string[] {
  return github
    .comments(REPO, number)
    .filter((c) => c.user.login === BOT && !c.body.startsWith(SUMMARY_MARK))
    .map((c) => c.body);
}

function reactionsOn(commentId: number): string[] {
  return github.reactions(REPO, commentId).map((r) => r.content);
}

describe('/packit comments on a pull request', () => {
  it('a command taken on gets 👀 and no reply', async () => {
    openPullRequest(61);
    const { commentId, body } = comment(61, '/packit build');
    expect(await send(body, 'pk-build')).toMatchObject({ outcome: 'started' });
    expect(reactionsOn(commentId)).toEqual(['eyes']);
    expect(botReplies(61)).toEqual([]);
  });

  it('/packit help is answered with every command, once, whatever is redelivered', async () => {
    openPullRequest(62);
    const { commentId, body } = comment(62, '/packit help');
    expect(await send(body, 'pk-help')).toMatchObject({ outcome: 'command' });
    await send(body, 'pk-help');
    const replies = botReplies(62);
    expect(replies).toHaveLength(1);
    const help = replies[0]!;
    expect(help).toContain('usage: /packit [--package PACKAGE] COMMAND [options]');
    for (const command of ['copr-build', 'retest-failed', 'propose-downstream', 'koji-build'])
      expect(help).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(help).toContain('test [--commit COMMIT] [--release RELEASE] [--identifier/--id/-i');
    expect(help).toContain('https://packit.dev/docs/retriggering');
    // Neither GitLab's quick actions nor forgeflow itself would read a command in it.
    expect(mayHoldCommand(help)).toBe(false);
    expect(reactionsOn(commentId)).toEqual(['eyes']);
  });

  it("an untrusted author's help is answered once a day per pull request, later ones get 👀", async () => {
    openPullRequest(63);
    github.setFile(REPO, sha(), '.packit.yaml', PACKIT);
    const base = sha();
    github.setFile(REPO, base, '.packit.yaml', PACKIT).setBranch(REPO, 'main', base);
    const first = comment(63, '/packit help', OUTSIDER);
    expect(await send(first.body, 'pk-help-out-1')).toMatchObject({ outcome: 'command' });
    const second = comment(63, '/packit help', OUTSIDER);
    await send(second.body, 'pk-help-out-2');
    expect(botReplies(63)).toHaveLength(1);
    expect(botReplies(63)[0]).toContain('usage: /packit');
    expect(reactionsOn(second.commentId)).toEqual(['eyes']);
    // A command that would run something is still refused, as before.
    const build = comment(63, '/packit build', OUTSIDER);
    expect(await send(build.body, 'pk-build-out')).toMatchObject({ outcome: 'untrusted' });
    expect(botReplies(63)).toHaveLength(2);
    expect(botReplies(63)[1]).toContain('forgeflow did not run `/packit build`');
  });

  it('an edited or deleted /packit comment runs nothing and gets no answer', async () => {
    openPullRequest(65);
    for (const action of ['edited', 'deleted']) {
      const { commentId, body } = comment(65, '/packit build', MEMBER, 'pr', action);
      expect(await send(body, `pk-${action}`)).toMatchObject({
        outcome: 'ignored',
        reason: `the comment was ${action}: commands are read from new comments only`,
      });
      expect(reactionsOn(commentId)).toEqual([]);
    }
    expect(botReplies(65)).toEqual([]);
  });

  it('/packit koji-build is accepted in a reply as well, as packit-service answers it', async () => {
    const head = sha();
    const config = `${PACKIT}  - job: koji_build
    trigger: commit
    dist_git_branches: [fedora-rawhide]
`;
    github.setFiles(REPO, head, { '.packit.yaml': config });
    github.addPullRequest(REPO, {
      number: 66,
      headSha: head,
      headRef: 'replies-66',
      baseRef: 'main',
    });
    const { commentId, body } = comment(66, '/packit koji-build');
    const planned = await send(body, 'pk-koji');
    expect(planned).toMatchObject({ outcome: 'started' });
    expect(reactionsOn(commentId)).toEqual(['eyes']);
    expect(botReplies(66)).toEqual([
      `The task was accepted. You can follow it in [its run](http://forgeflow.test/runs/${planned.run_ids[0]}).`,
    ]);
    // Redelivered: still one reply.
    await send(body, 'pk-koji');
    expect(botReplies(66)).toHaveLength(1);
  });

  it("a syntax error gets Packit's sentence and link, then what exactly was wrong", async () => {
    openPullRequest(64);
    const { commentId, body } = comment(64, '/packit test --bogus');
    expect(await send(body, 'pk-syntax')).toMatchObject({ outcome: 'not_triggered' });
    const [reply] = botReplies(64);
    expect(reply).toMatch(
      /^There appears to be a syntax error in the command provided\. Please refer to the \[Packit documentation\]\(https:\/\/packit\.dev\/docs\/retriggering\) or use the `\/packit help` command\.\n/,
    );
    expect(reply).toContain(
      'forgeflow did not act on `/packit test --bogus`: `unrecognized arguments: --bogus`',
    );
    expect(mayHoldCommand(reply!)).toBe(false);
    expect(reactionsOn(commentId)).toEqual([]);
  });
});

describe('/packit comments on an issue', () => {
  const ISSUE = 70;
  const TAG_COMMIT = sha();

  function seed() {
    github.addIssue(REPO, ISSUE);
    github.setFile(REPO, TAG_COMMIT, '.packit.yaml', PACKIT);
    github.setLatestRelease(REPO, { tag: 'v1.2.0', commit: TAG_COMMIT, name: 'Hello 1.2' });
    // The example payload's repository names master its default branch.
    const head = sha();
    github.setFile(REPO, head, '.packit.yaml', PACKIT).setBranch(REPO, 'master', head);
  }

  it('/packit propose-downstream runs the release jobs of the latest release', async () => {
    seed();
    const { commentId, body } = comment(ISSUE, '/packit propose-downstream', MEMBER, 'issue');
    const planned = await send(body, 'pk-issue-propose');
    expect(planned).toMatchObject({ outcome: 'started' });
    const runId = planned.run_ids[0];
    const { rows } = await app.db.query<{ event: unknown }>(
      'SELECT event FROM forgeflow.run_specs WHERE run_id = $1',
      [runId],
    );
    const nodes = await app.db.query<{ node_id: string }>(
      'SELECT node_id FROM forgeflow.nodes WHERE run_id = $1',
      [runId],
    );
    expect(rows[0]?.event).toMatchObject({
      kind: 'comment',
      sha: TAG_COMMIT,
      tag: 'v1.2.0',
      release: { tag: 'v1.2.0', name: 'Hello 1.2' },
      issue: { number: ISSUE },
      pr: null,
    });
    expect(nodes.rows.map((n) => n.node_id)).toContain('propose_downstream[main]');
    expect(reactionsOn(commentId)).toEqual(['eyes']);
    expect(botReplies(ISSUE)).toEqual([]);
  });

  it('another Packit command is told where it works; help is answered on the issue', async () => {
    seed();
    const build = comment(ISSUE, '/packit build', MEMBER, 'issue');
    expect(await send(build.body, 'pk-issue-build')).toMatchObject({ outcome: 'not_triggered' });
    const help = comment(ISSUE, '/packit help', MEMBER, 'issue');
    expect(await send(help.body, 'pk-issue-help')).toMatchObject({ outcome: 'command' });
    const replies = botReplies(ISSUE);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain(
      'build acts on pull requests and commits; on an issue forgeflow takes propose-downstream and help',
    );
    expect(replies[1]).toContain('usage: /packit');
  });

  it('a comment on an issue without a /packit command starts nothing and says nothing', async () => {
    seed();
    const { commentId, body } = comment(ISSUE, '/ci test', MEMBER, 'issue');
    const planned = await send(body, 'pk-issue-other');
    expect(planned).toMatchObject({ outcome: 'not_triggered' });
    expect(planned.run_ids).toEqual([]);
    expect(reactionsOn(commentId)).toEqual([]);
    expect(botReplies(ISSUE).filter((r) => r.includes('/ci test'))).toEqual([]);
  });
});
