/**
 * Reading a repository's config for the plan step: which commit the event is about (GitHub
 * comment payloads name none, nor do releases and GitHub's tag `create`), the base branch's head (an untrusted author's pull request is
 * planned from it), the first config file present, and `trust.users` of the default branch's
 * pipeline.yaml.
 */
import { validatePipeline } from '../../compiler/index.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';
import { eventSha } from '../../forges/repo-ref.js';
import type { TrustVerdict } from './trust.js';

/** Where a repository's config may be, in order: the first one found is used (Packit's order). */
export const CONFIG_FILES = [
  'pipeline.yaml',
  '.packit.yaml',
  '.packit.yml',
  'packit.yaml',
  'packit.yml',
];

interface Signal {
  signal: AbortSignal;
}

/**
 * GitHub comment payloads carry no commit and no target branch: the pull request is asked for
 * them (`branch` filters and `/packit koji-build` need the target branch).
 */
export async function withCommit(
  event: Event,
  forge: ForgeClient,
  repo: RepoRef,
  options: Signal,
): Promise<Event> {
  if (!event.pr || (eventSha(event) !== null && event.pr.base_ref !== null)) return event;
  const head = await forge.pullRequestHead(repo, event.pr.number, options);
  if (!head) return event;
  const pr = { ...event.pr, base_ref: event.pr.base_ref ?? head.baseRef };
  if (eventSha(event) !== null) return { ...event, pr };
  return { ...event, sha: head.sha, pr: { ...pr, head_sha: head.sha, head_ref: head.ref } };
}

/**
 * A release names its tag, not its commit (GitHub's `target_commitish` is mostly a branch),
 * and GitHub's `create` (or a tag push without `head_commit`) names none: the forge says which
 * commit the tag points at, an annotated tag peeled, so the config is read there and the run's
 * statuses land on it (`eventSha`). `{gone}` when the forge has no such tag (deleted since).
 */
export async function withTagCommit(
  event: Event,
  forge: ForgeClient,
  repo: RepoRef,
  options: Signal,
): Promise<Event | { gone: string }> {
  if (event.kind !== 'release' && event.kind !== 'tag') return event;
  const tag = event.tag ?? event.release?.tag ?? null;
  if (event.sha !== null || event.deleted || tag === null) return event;
  const sha = await forge.tagCommit(repo, tag, options);
  return sha === null ? { gone: tag } : { ...event, sha };
}

/**
 * A schedule's firing is for the default branch as it is when it fires: its head commit, the
 * config read there and the statuses reported on it. Null when the branch has no head.
 */
export async function atDefaultHead(
  event: Event,
  forge: ForgeClient,
  repo: RepoRef,
  options: Signal,
): Promise<Event | null> {
  const branch = event.repo.default_branch;
  const head = branch === null ? null : await forge.branchHead(repo, branch, options);
  return head === null ? null : { ...event, sha: head };
}

export async function baseHead(
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  options: Signal,
): Promise<string | null> {
  const branch = event.pr?.base_ref ?? event.repo.default_branch;
  if (!branch) return null;
  return (await forge.branchHead(repo, branch, options)) ?? event.pr?.base_sha ?? null;
}

export async function findConfig(
  forge: ForgeClient,
  repo: RepoRef,
  ref: string,
  files: readonly string[],
  options: Signal,
): Promise<{ path: string; text: string } | undefined> {
  for (const path of files) {
    const text = await forge.readFile(repo, path, ref, options);
    if (text !== null) return { path, text };
  }
  return undefined;
}

/** `trust.users` of the pipeline on the default branch: the repository's word, not the author's. */
export async function trustedByPipeline(
  handlers: HandlerRegistry,
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  login: string,
  verdict: TrustVerdict,
): Promise<TrustVerdict> {
  const branch = event.repo.default_branch ?? event.pr?.base_ref;
  const head = branch ? await forge.branchHead(repo, branch) : null;
  if (!head) return verdict;
  const text = await forge.readFile(repo, 'pipeline.yaml', head);
  if (text === null) return verdict;
  const validated = validatePipeline(text, { file: 'pipeline.yaml', handlers });
  const users = validated.ok ? (validated.pipeline.trust?.users ?? []) : [];
  return users.includes(login)
    ? { trusted: true, why: `${login} is in trust.users of pipeline.yaml on ${branch}` }
    : verdict;
}
