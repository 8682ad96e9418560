/**
 * Who may decide what forgeflow runs (DESIGN.md §4a): whom the forge trusts (its adapter's rule:
 * on GitHub the author association the payload carries, OWNER, MEMBER or COLLABORATOR; on
 * GitLab an access level of developer or above, asked of the forge), or a name on an allow-list: the operator's, or the one in the
 * pipeline of the repository's default branch (`trust.users`: never the pull request's own).
 * Two people are asked about: who acts (a pull request's author, a comment's), and whose
 * config a pull request's run would read (its author's, whoever wrote the comment).
 */
import type { Event } from '../../events/event.js';
import type { Actor, TrustVerdict } from '../../forges/adapter.js';
import { forgeAdapter } from '../../forges/adapters.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';

export type { Actor, TrustVerdict };

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

/** The operator's allow-list first, then the forge's own rule (its adapter's). */
export async function forgeTrusts(
  actor: Actor,
  forge: ForgeClient,
  repo: RepoRef,
  allowList: readonly string[],
): Promise<TrustVerdict> {
  if (allowList.includes(actor.login))
    return { trusted: true, why: `${actor.login} is on the allow-list` };
  return forgeAdapter(forge.forge).trust(actor, forge, repo);
}
