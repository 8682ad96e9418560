/**
 * Where git fetches a repository from and with which credential: the clone URL from the
 * operator's API URL (github.com, GitHub Enterprise, GitLab), the pull/merge request head refs,
 * GitLab's token, anonymous access without credentials, a GitHub App installation token minted
 * by (and accepted by) the fake GitHub, and no request for a repository name that could climb.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { forgeGitAccess, githubGitBase, gitlabGitBase } from '../../src/forges/git-access.js';
import type { RepoRef } from '../../src/forges/client.js';
import { FakeGitHub, generateAppKeys } from '../support/fake-github.js';

const keys = generateAppKeys();
const github = new FakeGitHub()
  .setApp({ id: 77, publicKey: keys.publicKey })
  .addInstallation(4242)
  .addRepo('acme/widgets')
  .setBranch('acme/widgets', 'main', 'c'.repeat(40));
beforeAll(() => github.start());
afterAll(() => github.stop());

const repo = (fields: Partial<RepoRef> = {}): RepoRef => ({
  forge: 'github',
  full_name: 'acme/widgets',
  id: null,
  installationId: null,
  ...fields,
});
const signal = new AbortController().signal;
const decoded = (authorization: string | null) =>
  Buffer.from((authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('git access', () => {
  it('derives the clone URL from the API URL the operator set', () => {
    expect(githubGitBase('https://api.github.com')).toBe('https://github.com');
    expect(githubGitBase('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com');
    expect(gitlabGitBase('https://gitlab.example.com/api/v4')).toBe('https://gitlab.example.com');
    expect(gitlabGitBase('https://example.com/gitlab/')).toBe('https://example.com/gitlab');
  });

  it('gives the token as a Basic credential, and the forge’s head refs', async () => {
    const access = forgeGitAccess({ githubToken: 'ghp_abc', gitlabToken: 'glpat-xyz' });
    const hub = await access(repo(), signal);
    expect([hub.url, hub.scope, decoded(hub.authorization)]).toEqual([
      'https://github.com/acme/widgets.git',
      'https://github.com/',
      'x-access-token:ghp_abc',
    ]);
    expect(hub.pullRef(7)).toBe('refs/pull/7/head');
    const lab = await access(repo({ forge: 'gitlab', full_name: 'group/sub/app' }), signal);
    expect([lab.url, decoded(lab.authorization)]).toEqual([
      'https://gitlab.com/group/sub/app.git',
      'oauth2:glpat-xyz',
    ]);
    expect(lab.pullRef(3)).toBe('refs/merge-requests/3/head');
  });

  it('asks anonymously when no credential is configured', async () => {
    const remote = await forgeGitAccess({})(repo(), signal);
    expect(remote.authorization).toBeNull();
  });

  it('refuses a repository name that is not one', async () => {
    const access = forgeGitAccess({ githubToken: 'ghp_abc' });
    await expect(access(repo({ full_name: 'acme/..' }), signal)).rejects.toThrow(/repository/);
  });

  it("mints the App installation's token, which the forge accepts", async () => {
    const access = forgeGitAccess({
      githubApiUrl: github.url,
      githubAppId: '77',
      githubPrivateKey: keys.privateKey,
    });
    const remote = await access(repo({ installationId: 4242 }), signal);
    const [user, token] = decoded(remote.authorization).split(':');
    expect(user).toBe('x-access-token');
    expect(github.installationTokensIssued).toBe(1);
    const answer = await fetch(`${github.url}/repos/acme/widgets/branches/main`, {
      headers: { authorization: `token ${token}` },
    });
    expect(answer.status).toBe(200);
    const wrong = await fetch(`${github.url}/repos/acme/widgets/branches/main`, {
      headers: { authorization: 'token ghs_not-minted' },
    });
    expect(wrong.status).toBe(401);
  });
});
