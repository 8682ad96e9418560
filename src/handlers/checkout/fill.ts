/**
 * `checkout`: before an exec attempt's program runs, its fresh working directory is filled with
 * the repository at the event's commit — from the repository's local mirror on a server
 * (mirror.ts), or from the local repository for `forgeflow run`. The working tree is a git
 * repository of its own, fetched from the mirror (no alternates, no hard links: nothing in it
 * leads back to write into the mirror), with no credential in its config; the step never sees
 * the credential, which only the mirror's fetch had, in git's environment. Inside the attempt
 * directory, so exec's own clean-up removes it.
 */
import { mkdtemp } from 'node:fs/promises';
import { chown } from 'node:fs/promises';
import path from 'node:path';

import { HandlerError } from '../../contracts/errors.js';
import { Masker } from '../../common/mask.js';
import { repoRef } from '../../forges/repo-ref.js';
import type { SandboxSettings } from '../sandbox/settings.js';
import type { AttemptDir } from '../sandbox/workspace.js';
import type { HandlerContext } from '../types.js';
import { failed, noCommit } from './failures.js';
import { GitTool } from './git-tool.js';
import { mirrorCommit } from './mirror.js';
import { chownTree } from './owner.js';
import { checkedRequest, denied, type CheckoutRequest } from './request.js';
import { DEFAULT_CHECKOUT_TIMEOUT_MS, type CheckoutSource } from './source.js';

export interface CheckoutJob {
  request: CheckoutRequest;
  source: CheckoutSource | undefined;
  attempt: AttemptDir;
  /** Who the step runs as, when that is not us (root handing steps to another uid). */
  owner: { uid: number; gid: number } | undefined;
  context: HandlerContext;
}

export async function checkoutInto(job: CheckoutJob): Promise<void> {
  const { context, source, attempt } = job;
  if (source === undefined)
    throw denied(
      'checkout is not configured on this worker (it has no forges nor a local repository)',
    );
  const request = checkedRequest(job.request, context.event);
  const started = Date.now();
  const timeoutMs = source.timeoutMs ?? DEFAULT_CHECKOUT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  try {
    const home = await mkdtemp(path.join(attempt.dir, 'git-home-'));
    // git refuses to work in a folder another user owns; the tree goes to the step afterwards.
    if (job.owner) await chown(attempt.work, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    const what = `${request.forge} ${request.repo}`;
    const made = (masker: Masker) =>
      new GitTool(home, signal, masker, () =>
        timeout.aborted && !context.signal.aborted
          ? `checkout of ${what} took longer than ${Math.round(timeoutMs / 1000)} s`
          : undefined,
      );
    let from: { repository: string; sha: string; fetches: number };
    if (source.kind === 'forge') {
      const remote = await source.access(repoRef(context.event), signal);
      const git = made(new Masker(credentialForms(remote.authorization)));
      const mirrored = await mirrorCommit({ mirrors: source.mirrors, remote, request, what, git });
      from = { repository: mirrored.mirror, sha: mirrored.sha, fetches: mirrored.fetches };
    } else {
      from = {
        ...(await localCommit(made(new Masker([])), source.directory, request)),
        fetches: 0,
      };
    }
    await fillTree(made(new Masker([])), attempt.work, from.repository, from.sha, request.depth);
    if (job.owner) await chownTree(attempt.work, job.owner);
    context.logger.info(
      { repo: request.repo, sha: from.sha, fetches: from.fetches, ms: Date.now() - started },
      source.kind === 'forge'
        ? 'checkout: working directory filled'
        : 'checkout: from the local repository',
    );
  } catch (error) {
    if (error instanceof HandlerError) throw error;
    if (signal.aborted) throw new HandlerError('Aborted', 'checkout aborted', { cause: error });
    throw failed(`checkout could not be made: ${(error as Error).message}`, error);
  }
}

/** The working tree: a repository of its own, fetched from `repository` (a mirror, a local one). */
async function fillTree(
  git: GitTool,
  work: string,
  repository: string,
  sha: string,
  depth: number,
): Promise<void> {
  await git.ok(['init', '--quiet', '--template=', work], 'could not make the working tree');
  await git.ok(
    [
      ...['-C', work, 'fetch', '--quiet', '--no-tags', '--no-recurse-submodules'],
      ...(depth > 0 ? [`--depth=${depth}`] : []),
      ...['--', repository, sha],
    ],
    'could not copy the commit into the working tree',
    // Wanting a commit by its id, from a mirror that holds it unreferenced (or a local branch).
    { protocols: ['file'], config: [['uploadpack.allowAnySHA1InWant', 'true']] },
  );
  await git.ok(['-C', work, 'checkout', '--quiet', '--detach', sha], 'could not check out');
}

/** The local repository `directory` is in, and the event's commit there, else its HEAD. */
async function localCommit(
  git: GitTool,
  directory: string,
  request: CheckoutRequest,
): Promise<{ repository: string; sha: string }> {
  const top = await git.run(['-C', directory, 'rev-parse', '--show-toplevel']);
  if (top.code !== 0)
    throw denied(
      `checkout: ${directory} is not in a git repository (forgeflow run checks out the repository the pipeline file is in)`,
    );
  const repository = top.stdout.trim();
  const has = (sha: string) => git.holds(['-C', repository, 'cat-file', '-e', `${sha}^{commit}`]);
  if (request.sha !== null && (await has(request.sha))) return { repository, sha: request.sha };
  const head = await git.run(['-C', repository, 'rev-parse', '--verify', 'HEAD^{commit}']);
  if (head.code !== 0) throw noCommit(`checkout: the repository ${repository} has no commit yet`);
  return { repository, sha: head.stdout.trim() };
}

/** The header's value, its base64 and what it decodes to, and the token in it. */
function credentialForms(authorization: string | null): string[] {
  if (authorization === null) return [];
  const encoded = authorization.replace(/^\w+\s+/, '');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const token = decoded.slice(decoded.indexOf(':') + 1);
  return [authorization, encoded, decoded, token];
}

/**
 * A checkout always gets a fresh working directory, even where steps otherwise share one
 * (`forgeflow run`'s current directory): it is never written into a folder of the user's.
 */
export function withOwnWorkingDirectory(settings: SandboxSettings): SandboxSettings {
  const own = { ...settings };
  delete own.workingDirectory;
  return own;
}
