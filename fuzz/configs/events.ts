/**
 * The events a mutated config is compiled against: the real payloads of examples/events,
 * normalized as the webhook routes normalize them, a manual start, and ChatOps comments
 * (`/ci retest`, `/packit build`) on the pull request, so each kind of trigger and each
 * Packit job type gets reached.
 */
import { readFileSync } from 'node:fs';
import type { Event } from '../../src/events/event.js';
import { manualEvent, normalizeEvent } from '../../src/forges/normalize.js';

const PAYLOADS = [
  ['github', 'pull_request', 'github-pull_request-opened.json'],
  ['github', 'push', 'github-push-branch.json'],
  ['github', 'push', 'github-push-tag.json'],
  ['github', 'release', 'github-release-published.json'],
  ['gitlab', 'Merge Request Hook', 'gitlab-merge_request.json'],
  ['gitlab', 'Note Hook', 'gitlab-note_merge_request.json'],
  ['gitlab', 'Push Hook', 'gitlab-push.json'],
] as const;

const COMMENTS = ['/ci retest', '/packit build', '/packit test --env A=1', '/packit retest-failed'];

/** How many events there are (the generator picks one by index). */
export const EVENT_COUNT = PAYLOADS.length + 1 + COMMENTS.length;

export function loadEvents(): Event[] {
  const events = PAYLOADS.map(([forge, header, file]) => {
    const payload: unknown = JSON.parse(
      readFileSync(new URL(`../../examples/events/${file}`, import.meta.url), 'utf8'),
    );
    const normalized = normalizeEvent(forge, header, payload);
    if (!normalized.ok)
      throw new Error(`examples/events/${file} was ignored: ${normalized.ignored}`);
    return normalized.event;
  });
  const pr = events[0]!;
  events.push(manualEvent({ repo: 'octo/app', sha: 'a'.repeat(40), ref: 'refs/heads/main' }));
  for (const body of COMMENTS)
    events.push({
      ...pr,
      kind: 'comment',
      action: 'created',
      comment: { id: 1, body, author: 'mona', author_association: 'OWNER', url: null },
    });
  if (events.length !== EVENT_COUNT) throw new Error('EVENT_COUNT is out of date');
  return events;
}
