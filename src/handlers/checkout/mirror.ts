/**
 * A local mirror per repository (a bare repository under the operator's mirrors folder): an
 * attempt whose commit the mirror has fetches nothing; otherwise it fetches just that commit
 * (a pull request's head ref first), under a lock on the mirror, so concurrent attempts of one
 * repository (in one worker or many) never fetch into it at once. The credential reaches git
 * through its environment only, scoped to the forge's URL; the mirror's config never holds it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';

import type { GitRemote } from '../../forges/git-access.js';
import { removeTree, workspaceRoot } from '../sandbox/workspace.js';
import { fetchProblem, noCommit } from './failures.js';
import type { GitTool } from './git-tool.js';
import { withFileLock } from './lock.js';
import type { CheckoutRequest } from './request.js';

export interface MirrorFetch {
  mirrors: string;
  remote: GitRemote;
  request: CheckoutRequest;
  /** `github acme/widgets`, for messages. */
  what: string;
  git: GitTool;
}

export interface MirroredCommit {
  mirror: string;
  sha: string;
  /** How many fetches it took (0: the mirror had the commit). */
  fetches: number;
}

export async function mirrorCommit(job: MirrorFetch): Promise<MirroredCommit> {
  const root = await workspaceRoot(job.mirrors, 'the checkout mirrors folder');
  const name = createHash('sha256').update(`${job.request.forge}\0${job.remote.url}`).digest('hex');
  const mirror = path.join(root, `${name.slice(0, 40)}.git`);
  const { sha } = job.request;
  // Reading a mirror while another attempt fetches into it is safe: git writes objects first.
  if (sha !== null && (await hasEnough(job, mirror, sha))) return { mirror, sha, fetches: 0 };
  return withFileLock(`${mirror}.lock`, job.git.signal, async () => {
    if (!existsSync(mirror)) await createMirror(job.git, mirror);
    if (sha !== null && (await hasEnough(job, mirror, sha))) return { mirror, sha, fetches: 0 };
    return fetchCommit(job, mirror);
  }).catch((error: unknown) => {
    throw job.git.signal.aborted ? job.git.stopped() : error;
  });
}

/** The commit is there, with the history asked for (a shallow mirror has one commit of it). */
async function hasEnough(job: MirrorFetch, mirror: string, sha: string): Promise<boolean> {
  if (!existsSync(mirror)) return false;
  if (job.request.depth !== 1 && isShallow(mirror)) return false;
  return hasCommit(job.git, mirror, sha);
}

function hasCommit(git: GitTool, mirror: string, sha: string): Promise<boolean> {
  return git.holds(['--git-dir', mirror, 'cat-file', '-e', `${sha}^{commit}`]);
}

function isShallow(mirror: string): boolean {
  return existsSync(path.join(mirror, 'shallow'));
}

/** Made aside and renamed into place: a half-made mirror is never found. */
async function createMirror(git: GitTool, mirror: string): Promise<void> {
  const aside = `${mirror}.new-${randomBytes(6).toString('hex')}`;
  try {
    await git.ok(['init', '--quiet', '--bare', '--template=', aside], 'could not make a mirror');
    await rename(aside, mirror);
  } finally {
    await removeTree(aside);
  }
}

/** Each way of asking for the commit in turn, until the mirror has it. */
async function fetchCommit(job: MirrorFetch, mirror: string): Promise<MirroredCommit> {
  const { request, remote, git } = job;
  const ways: string[] = [];
  if (request.pr !== null)
    ways.push(`+${remote.pullRef(request.pr)}:refs/forgeflow/pull/${request.pr}`);
  if (request.sha !== null) ways.push(request.sha);
  if (request.ref !== null) ways.push(`+${request.ref}:refs/forgeflow/ref`);
  if (ways.length === 0) ways.push('HEAD');
  const depth =
    request.depth > 0 ? [`--depth=${request.depth}`] : isShallow(mirror) ? ['--unshallow'] : [];
  const options = {
    protocols: [remote.url.startsWith('http:') ? 'http' : 'https'] as const,
    config:
      remote.authorization === null
        ? []
        : ([
            [`http.${remote.scope}.extraHeader`, `Authorization: ${remote.authorization}`],
          ] as const),
  };
  let fetches = 0;
  for (const refspec of ways) {
    const args = ['--git-dir', mirror, 'fetch', '--quiet', '--no-tags', '--no-recurse-submodules'];
    const result = await git.run([...args, ...depth, '--', remote.url, refspec], options);
    fetches++;
    if (result.code !== 0) {
      const problem = fetchProblem(result.stderr, job.what, git.masker);
      if (problem === 'no-commit') continue;
      throw problem;
    }
    if (request.sha === null) {
      // The lock is still held: FETCH_HEAD is this fetch's.
      const head = await git.ok(
        ['--git-dir', mirror, 'rev-parse', '--verify', 'FETCH_HEAD^{commit}'],
        `could not read what was fetched from ${job.what}`,
      );
      return { mirror, sha: head.trim(), fetches };
    }
    if (await hasCommit(git, mirror, request.sha)) return { mirror, sha: request.sha, fetches };
  }
  throw noCommit(`${job.what} has no commit ${request.sha ?? describeWanted(request)}`);
}

function describeWanted(request: CheckoutRequest): string {
  if (request.pr !== null) return `at the head of pull request ${request.pr}`;
  return request.ref ?? 'at HEAD';
}
