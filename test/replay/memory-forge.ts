/**
 * A forge held in memory for the webhook plan case: the files of one commit, the statuses set
 * on it, and nothing else to answer (the trust rules read GitHub's author_association from the
 * payload). No HTTP, so nothing of a port or a network's timing reaches a history.
 */
import type { CommitStatus, Forge, ForgeClient } from '../../src/forges/client.js';
import type { ForgeClients } from '../../src/forges/clients.js';

export class MemoryForge implements ForgeClient {
  readonly statuses: CommitStatus[] = [];

  constructor(
    readonly forge: Forge,
    private readonly files: Record<string, string>,
  ) {}

  readFile(_repo: unknown, path: string): Promise<string | null> {
    return Promise.resolve(this.files[path] ?? null);
  }

  setStatus(_repo: unknown, _sha: string, status: CommitStatus): Promise<void> {
    this.statuses.push(status);
    return Promise.resolve();
  }

  comment(): Promise<{ id: number; url: string | null }> {
    return Promise.reject(new Error('the replay forge takes no comments'));
  }

  updateComment(): Promise<null> {
    return Promise.reject(new Error('the replay forge takes no comments'));
  }

  pullRequestHead(): Promise<null> {
    return Promise.resolve(null);
  }

  tagCommit(): Promise<null> {
    return Promise.resolve(null);
  }

  latestRelease(): Promise<null> {
    return Promise.resolve(null);
  }

  changedFiles(): Promise<null> {
    return Promise.resolve(null);
  }

  branchHead(): Promise<null> {
    return Promise.resolve(null);
  }

  accessLevel(): Promise<null> {
    return Promise.resolve(null);
  }

  react(): Promise<void> {
    return Promise.resolve();
  }

  /** As the plan handler takes them: this forge, and an empty one for the other forge. */
  clients(): ForgeClients {
    const other = new MemoryForge(this.forge === 'github' ? 'gitlab' : 'github', {});
    return this.forge === 'github'
      ? { github: this, gitlab: other }
      : { github: other, gitlab: this };
  }
}
