/**
 * Who may decide what forgeflow runs (DESIGN.md §4a): on GitHub the author association the
 * payload carries (OWNER, MEMBER, COLLABORATOR), on GitLab an access level of developer or
 * above (asked of the forge), or a name on an allow-list: the operator's, or the one in the
 * pipeline of the repository's default branch (`trust.users`: never the pull request's own).
 * Two people are asked about: who acts (a pull request's author, a comment's), and whose
 * config a pull request's run would read (its author's, whoever wrote the comment).
 */
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';

export const TRUSTED_ASSOCIATIONS = ['OWNER', 'MEMBER', 'COLLABORATOR'];
/** GitLab's access level of a developer. */
export const DEVELOPER = 30;

export interface Actor {
  login: string;
  /** GitLab user id, for the access-level lookup. */
  id: number | null;
  /** GitHub author association, where the payload has one. */
  association: string | null;
}

/**
 * The person whose action is in question: a pull request's author or a comment's. Pushes,
 * tags and releases need write access to the repository: no one else to ask about.
 */
export function actorOf(event: Event): Actor | null {
  const payload = event.payload as Record<string, Record<string, unknown> | undefined> | null;
  if (event.kind === 'comment' && event.comment) {
    const user = payload?.user;
    return {
      login: event.comment.author,
      id: typeof user?.id === 'number' ? user.id : null,
      association: event.comment.author_association,
    };
  }
  if (event.kind === 'pull_request' && event.pr) {
    const attributes = payload?.object_attributes;
    const association = payload?.pull_request?.author_association;
    return {
      login: event.pr.author ?? event.sender.login,
      id: typeof attributes?.author_id === 'number' ? attributes.author_id : null,
      association: typeof association === 'string' ? association : null,
    };
  }
  return null;
}

/**
 * The author of the pull request an event is about: a pull request's own, or, for a comment on
 * one, the pull request's (GitHub sends the issue with its author and association; GitLab the
 * merge request with its author's id). Null when the event is about no pull request.
 */
export function pullRequestAuthorOf(event: Event): Actor | null {
  if (!event.pr) return null;
  if (event.kind === 'pull_request') return actorOf(event);
  if (event.kind !== 'comment') return null;
  const payload = event.payload as Record<string, Record<string, unknown> | undefined> | null;
  const issue = payload?.issue ?? payload?.pull_request;
  const user = issue?.user as Record<string, unknown> | undefined;
  const mergeRequest = payload?.merge_request;
  const id = typeof user?.id === 'number' ? user.id : mergeRequest?.author_id;
  const login =
    (typeof user?.login === 'string' ? user.login : null) ??
    event.pr.author ??
    (typeof id === 'number' ? `user #${id}` : "the pull request's author");
  return {
    login,
    id: typeof id === 'number' ? id : null,
    association: typeof issue?.author_association === 'string' ? issue.author_association : null,
  };
}

export type TrustVerdict = { trusted: true; why: string } | { trusted: false; why: string };

export async function forgeTrusts(
  actor: Actor,
  forge: ForgeClient,
  repo: RepoRef,
  allowList: readonly string[],
): Promise<TrustVerdict> {
  if (allowList.includes(actor.login))
    return { trusted: true, why: `${actor.login} is on the allow-list` };
  if (forge.forge === 'github') {
    const association = actor.association ?? 'NONE';
    return TRUSTED_ASSOCIATIONS.includes(association)
      ? { trusted: true, why: `${actor.login} is ${association}` }
      : {
          trusted: false,
          why: `${actor.login} is ${association}, not OWNER, MEMBER or COLLABORATOR`,
        };
  }
  if (actor.id === null)
    return { trusted: false, why: `the payload names no user id for ${actor.login}` };
  const level = await forge.accessLevel(repo, actor.id);
  return level !== null && level >= DEVELOPER
    ? { trusted: true, why: `${actor.login} has access level ${level}` }
    : {
        trusted: false,
        why: `${actor.login} has ${level === null ? 'no access' : `access level ${level}`}, below developer (${DEVELOPER})`,
      };
}
