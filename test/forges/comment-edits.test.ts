/**
 * Editing forgeflow's own pull request comment in place, against the fake forges (real HTTP,
 * the real paths and shapes): GitHub's `PATCH /repos/{owner}/{repo}/issues/comments/{id}`
 * (https://docs.github.com/en/rest/issues/comments#update-an-issue-comment) with a token and as
 * an App, GitLab's `PUT /projects/:id/merge_requests/:iid/notes/:note_id`
 * (https://docs.gitlab.com/api/notes/#modify-existing-merge-request-note). A comment someone
 * deleted answers 404: the client says null, for its caller to post a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RepoRef } from '../../src/forges/client.js';
import { GitHubClient } from '../../src/forges/github/client.js';
import { GitLabClient } from '../../src/forges/gitlab/client.js';
import { FakeGitHub, generateAppKeys } from '../support/fake-github.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { SHA, rejection, silentLog } from './expect-error.js';

const GH_TOKEN = 'ghp_EditTokenValue0123456789abcdefABCDEF';
const GL_TOKEN = 'glpat-EditGitLabToken0123';
const APP_ID = 4_711;
const INSTALLATION = 9;
const keys = generateAppKeys();
const github = new FakeGitHub();
const gitlab = new FakeGitLab();
const ghRepo: RepoRef = { forge: 'github', full_name: 'octo/edits', id: 77 };
const glRepo: RepoRef = { forge: 'gitlab', full_name: 'group/edits', id: 55 };

beforeAll(async () => {
  github
    .addToken(GH_TOKEN, 'octo')
    .setApp({ id: APP_ID, publicKey: keys.publicKey })
    .addInstallation(INSTALLATION)
    .addRepo('octo/edits', { id: 77 })
    .addPullRequest('octo/edits', { number: 3, headSha: SHA, headRef: 'x' });
  gitlab
    .addToken(GL_TOKEN)
    .addProject('group/edits', { id: 55 })
    .addMergeRequest('group/edits', { iid: 4, sha: SHA, sourceBranch: 'x' });
  await Promise.all([github.start(), gitlab.start()]);
});

afterAll(() => Promise.all([github.stop(), gitlab.stop()]));

describe('GitHub: updateComment', () => {
  const token = () => new GitHubClient({ baseUrl: github.url, token: GH_TOKEN, log: silentLog });
  const app = () =>
    new GitHubClient({
      baseUrl: github.url,
      appId: APP_ID,
      privateKey: keys.privateKey,
      log: silentLog,
    });

  it('edits the comment in place: same id, new body, one comment', async () => {
    const posted = await token().comment(ghRepo, 3, 'first');
    const edits = github.commentsEdited;
    const edited = await token().updateComment(ghRepo, 3, posted.id, 'second');
    expect(edited).toEqual(posted);
    expect(github.comments('octo/edits', 3).map((c) => [c.id, c.body])).toEqual([
      [posted.id, 'second'],
    ]);
    expect(github.commentsEdited).toBe(edits + 1);
  });

  it('edits as the App too', async () => {
    const posted = await app().comment({ ...ghRepo, installationId: INSTALLATION }, 3, 'app');
    const edited = await app().updateComment(
      { ...ghRepo, installationId: INSTALLATION },
      3,
      posted.id,
      'app, edited',
    );
    expect(edited?.id).toBe(posted.id);
    expect(github.comments('octo/edits', 3).find((c) => c.id === posted.id)?.body).toBe(
      'app, edited',
    );
  });

  it('answers null for a deleted comment, and refuses an id no URL can hold', async () => {
    const posted = await token().comment(ghRepo, 3, 'doomed');
    github.deleteComment(posted.id);
    expect(await token().updateComment(ghRepo, 3, posted.id, 'again')).toBeNull();
    const error = await rejection(token().updateComment(ghRepo, 3, -1, 'x'));
    expect(error).toMatchObject({ type: 'ForgeRequestError', nonRetryable: true });
  });

  it('cuts a body to the 65,536 characters GitHub takes', async () => {
    const posted = await token().comment(ghRepo, 3, 'short');
    await token().updateComment(ghRepo, 3, posted.id, 'x'.repeat(70_000));
    const body = github.comments('octo/edits', 3).find((c) => c.id === posted.id)?.body ?? '';
    expect(Array.from(body)).toHaveLength(65_536);
  });
});

describe('GitLab: updateComment', () => {
  const client = () => new GitLabClient({ url: gitlab.url, token: GL_TOKEN });

  it('edits the note in place and links it', async () => {
    const posted = await client().comment(glRepo, 4, 'first');
    const edited = await client().updateComment(glRepo, 4, posted.id, 'second');
    expect(edited).toEqual({
      id: posted.id,
      url: `${gitlab.url}/group/edits/-/merge_requests/4#note_${posted.id}`,
    });
    expect(gitlab.notes('group/edits', 4).map((n) => [n.id, n.body])).toEqual([
      [posted.id, 'second'],
    ]);
    expect(gitlab.notesEdited).toBe(1);
  });

  it('answers null for a deleted note', async () => {
    const posted = await client().comment(glRepo, 4, 'doomed');
    gitlab.deleteNote(posted.id);
    expect(await client().updateComment(glRepo, 4, posted.id, 'again')).toBeNull();
  });
});
