/**
 * The server learns a repository's schedules from its default branch's config, when a push to
 * that branch is planned: what the config declares replaces what was recorded (none when there
 * is no config, or a .packit.yaml); a config with errors leaves the old ones. Only the branch's
 * current head is learned from, so a late retry of an older push's plan cannot undo a newer one.
 */
import type { CompileResult } from '../../compiler/index.js';
import type { ScheduleBook } from '../../contracts/schedules.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';

/** A push of new commits to the repository's default branch. */
export function isDefaultBranchPush(event: Event): boolean {
  return (
    event.kind === 'push' &&
    !event.deleted &&
    event.sha !== null &&
    event.branch !== null &&
    event.branch === event.repo.default_branch
  );
}

export async function learnSchedules(
  book: ScheduleBook | undefined,
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  config: { path: string | null; compiled: CompileResult | null },
  options: { signal: AbortSignal },
): Promise<void> {
  if (!book || !isDefaultBranchPush(event) || config.compiled?.status === 'invalid') return;
  const head = await forge.branchHead(repo, event.branch!, options);
  if (head !== event.sha) return;
  const schedules = config.compiled?.schedules ?? [];
  await book.learn({ event, path: config.path, schedules });
}
