/**
 * ChatOps commands read from a comment's first line, and the trust rules: GitHub author
 * associations, GitLab access levels asked of the forge, and the operator's allow-list.
 */
import { describe, expect, it } from 'vitest';
import type { ForgeClient, RepoRef } from '../../src/forges/client.js';
import { parseCommand } from '../../src/handlers/plan/chatops.js';
import { forgeTrusts } from '../../src/handlers/plan/trust.js';

describe('parseCommand', () => {
  it('reads retry, cancel and signal from the first line only', () => {
    expect(parseCommand('/forgeflow retry')).toEqual({ ok: true, command: { verb: 'retry' } });
    expect(parseCommand('  /forgeflow cancel  \nplease')).toEqual({
      ok: true,
      command: { verb: 'cancel' },
    });
    expect(parseCommand('/forgeflow signal approve {"by": "octocat"}')).toEqual({
      ok: true,
      command: { verb: 'signal', name: 'approve', payload: { by: 'octocat' } },
    });
    expect(parseCommand('/forgeflow signal deploy prod eu')).toEqual({
      ok: true,
      command: { verb: 'signal', name: 'deploy', payload: 'prod eu' },
    });
  });

  it('leaves other comments alone, and says what is wrong with a bad command', () => {
    expect(parseCommand('LGTM\n/forgeflow retry')).toBeUndefined();
    expect(parseCommand('/forgeflowretry')).toBeUndefined();
    expect(parseCommand('/forgeflow deploy')).toEqual({
      ok: false,
      error: 'unknown command "deploy": use retry, cancel or signal NAME',
    });
    expect(parseCommand('/forgeflow signal')).toMatchObject({ ok: false });
    expect(parseCommand('/forgeflow signal no$such')).toMatchObject({ ok: false });
  });
});

/** A forge that answers access levels from a table (the trust rules' only question). */
function gitlabWith(levels: Record<number, number>): ForgeClient {
  const none = () => Promise.reject(new Error('not asked in these tests'));
  return {
    forge: 'gitlab',
    readFile: none,
    setStatus: none,
    comment: none,
    updateComment: none,
    pullRequestHead: none,
    branchHead: none,
    tagCommit: none,
    latestRelease: none,
    changedFiles: none,
    accessLevel: (_repo, id) => Promise.resolve(levels[id] ?? null),
    react: none,
  };
}

const repo: RepoRef = { forge: 'gitlab', full_name: 'group/project', id: 1 };

describe('forgeTrusts', () => {
  it('trusts GitHub owners, members and collaborators only', async () => {
    const github = { ...gitlabWith({}), forge: 'github' as const };
    for (const association of ['OWNER', 'MEMBER', 'COLLABORATOR'])
      expect(
        await forgeTrusts({ login: 'a', id: null, association }, github, repo, []),
      ).toMatchObject({ trusted: true });
    for (const association of ['CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'NONE', null])
      expect(
        await forgeTrusts({ login: 'a', id: null, association }, github, repo, []),
      ).toMatchObject({ trusted: false });
  });

  it('trusts GitLab developers and above, asking the forge', async () => {
    const forge = gitlabWith({ 1: 30, 2: 20, 3: 50 });
    const verdict = (id: number) =>
      forgeTrusts({ login: `u${id}`, id, association: null }, forge, repo, []);
    expect(await verdict(1)).toMatchObject({ trusted: true });
    expect(await verdict(3)).toMatchObject({ trusted: true });
    expect(await verdict(2)).toMatchObject({
      trusted: false,
      why: 'u2 has access level 20, below developer (30)',
    });
    expect(await verdict(4)).toMatchObject({
      trusted: false,
      why: expect.stringContaining('no access') as unknown,
    });
  });

  it("trusts whoever is on the operator's allow-list", async () => {
    expect(
      await forgeTrusts({ login: 'bot', id: 9, association: 'NONE' }, gitlabWith({}), repo, [
        'bot',
      ]),
    ).toEqual({ trusted: true, why: 'bot is on the allow-list' });
  });
});
