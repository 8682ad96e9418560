/**
 * One vocabulary for release actions on both forges: GitHub's words, which pipeline authors
 * write in `release: {types: [...]}` and read in `event.action`. GitLab's Release Hook says
 * `create`, `update` and `delete`; this file says what each means in those words.
 */
import type { Forge } from '../events/forges.js';

/** The words `on.release.types` accepts (GitHub's release actions). */
export const RELEASE_ACTIONS = [
  'published',
  'unpublished',
  'created',
  'edited',
  'deleted',
  'prereleased',
  'released',
] as const;

export type ReleaseAction = (typeof RELEASE_ACTIONS)[number];

/**
 * GitLab's release hook action → the action forgeflow records. GitLab has no draft releases, so
 * a created release is a published one.
 */
export const GITLAB_RELEASE_ACTION: ReadonlyMap<string, ReleaseAction> = new Map([
  ['create', 'published'],
  ['update', 'edited'],
  ['delete', 'deleted'],
]);

/**
 * Every word a release event counts as in `types`. A GitHub release published straight away
 * sends `created`, `published` and `released` (or `prereleased`) as separate deliveries, each
 * its own word. GitLab sends one `create` for the same thing, so it counts as all of them
 * (`prereleased` instead of `released` for an upcoming release) and a pipeline written for
 * either forge starts once.
 */
export function releaseActionWords(
  forge: Forge,
  action: string | null,
  prerelease: boolean,
): string[] {
  if (action === null) return [];
  if (forge === 'gitlab' && action === 'published')
    return ['published', 'created', prerelease ? 'prereleased' : 'released'];
  return [action];
}

/** The GitLab word an action was mapped from, for explanations; undefined when none was. */
export function gitlabReleaseWord(action: string | null): string | undefined {
  for (const [raw, word] of GITLAB_RELEASE_ACTION) if (word === action) return raw;
  return undefined;
}
