/** Which repository an event is about, as the forge clients address it. */
import type { Event } from '../events/event.js';
import type { RepoRef } from './client.js';

export function repoRef(event: Event): RepoRef {
  const installation = (event.payload as { installation?: { id?: unknown } } | null)?.installation;
  return {
    forge: event.forge,
    full_name: event.repo.full_name,
    id: event.repo.id,
    installationId: typeof installation?.id === 'number' ? installation.id : null,
  };
}

/** The commit an event reports on: its own, or its pull request's head. */
export function eventSha(event: Event): string | null {
  return event.sha ?? event.pr?.head_sha ?? null;
}
