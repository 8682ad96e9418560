/**
 * `forgeClients`: both clients from one settings object, against both fakes; empty settings
 * count as unset, and a missing one is named when a call needs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { forgeClients } from '../../src/forges/clients.js';
import type { RepoRef } from '../../src/forges/client.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { SHA, rejection, silentLog } from './expect-error.js';

const github = new FakeGitHub().addToken('ghp_token').setFile('o/r', SHA, 'pipeline.yaml', 'gh\n');
const gitlab = new FakeGitLab().addToken('glpat-token').addProject('g/p', { id: 5 });
gitlab.setFile('g/p', SHA, 'pipeline.yaml', 'gl\n');
const ghRepo: RepoRef = { forge: 'github', full_name: 'o/r', id: 1 };
const glRepo: RepoRef = { forge: 'gitlab', full_name: 'g/p', id: 5 };

beforeAll(async () => {
  await Promise.all([github.start(), gitlab.start()]);
});
afterAll(() => Promise.all([github.stop(), gitlab.stop()]));

describe('forgeClients', () => {
  it('builds a client per forge from the settings', async () => {
    const clients = forgeClients(
      {
        githubApiUrl: `${github.url}/`,
        githubToken: 'ghp_token',
        gitlabUrl: `${gitlab.url}/`,
        gitlabToken: ' glpat-token\n',
      },
      { log: silentLog },
    );
    expect(clients.github.forge).toBe('github');
    expect(clients.gitlab.forge).toBe('gitlab');
    expect(await clients[ghRepo.forge].readFile(ghRepo, 'pipeline.yaml', SHA)).toBe('gh\n');
    expect(await clients[glRepo.forge].readFile(glRepo, 'pipeline.yaml', SHA)).toBe('gl\n');
  });

  it('takes a GitLab URL that already ends in /api/v4', async () => {
    const { gitlab: client } = forgeClients({
      gitlabUrl: `${gitlab.url}/api/v4`,
      gitlabToken: 'glpat-token',
    });
    expect(await client.readFile(glRepo, 'pipeline.yaml', SHA)).toBe('gl\n');
  });

  it('counts empty settings as unset and names them when needed', async () => {
    const clients = forgeClients({
      githubApiUrl: github.url,
      githubToken: '',
      githubAppId: '',
      githubPrivateKey: ' ',
      gitlabUrl: gitlab.url,
      gitlabToken: '',
    });
    const gh = await rejection(clients.github.readFile(ghRepo, 'pipeline.yaml', SHA));
    expect(gh).toMatchObject({ type: 'NotConfigured', nonRetryable: true });
    expect(gh.message).toContain('GITHUB_TOKEN');
    const gl = await rejection(clients.gitlab.readFile(glRepo, 'pipeline.yaml', SHA));
    expect(gl.message).toContain('GITLAB_TOKEN');
  });

  it('passes the timeout on to both clients', async () => {
    github.delayNext('GET', '/contents/', 5_000);
    gitlab.delayNext('GET', '/raw', 5_000);
    const clients = forgeClients(
      {
        githubApiUrl: github.url,
        githubToken: 'ghp_token',
        gitlabUrl: gitlab.url,
        gitlabToken: 'glpat-token',
      },
      { timeoutMs: 100, log: silentLog },
    );
    const [gh, gl] = await Promise.all([
      rejection(clients.github.readFile(ghRepo, 'pipeline.yaml', SHA)),
      rejection(clients.gitlab.readFile(glRepo, 'pipeline.yaml', SHA)),
    ]);
    expect(gh.message).toContain('timed out after 100 ms');
    expect(gl.message).toContain('timed out after 100 ms');
  });
});
