/**
 * The event of a schedule's firing: for the repository at its default branch (the commit is
 * the branch's head, which the plan step reads at fire time), with the cron that fired, as
 * GitHub's `github.event.schedule`. The payload holds the same (and, for a GitHub App, the
 * installation its repository is reached through), so `${{ event.payload.schedule }}` reads
 * as it does on GitHub.
 */
import type { Event, Forge, Repository, ScheduleFiring } from './event.js';

export function scheduleEvent(input: {
  forge: Forge;
  repo: Repository;
  installationId: number | null;
  firing: ScheduleFiring;
}): Event {
  const branch = input.repo.default_branch;
  return {
    forge: input.forge,
    kind: 'schedule',
    action: null,
    repo: input.repo,
    sha: null,
    ref: branch === null ? null : `refs/heads/${branch}`,
    branch,
    tag: null,
    pr: null,
    comment: null,
    release: null,
    sender: { login: '', id: null },
    changed_paths: null,
    deleted: false,
    payload: {
      schedule: input.firing.cron,
      ...input.firing,
      ...(input.installationId === null ? {} : { installation: { id: input.installationId } }),
    },
    schedule: input.firing,
  };
}
