/**
 * Answering a comment's command on the forge, after the plan step decided and recorded it
 * (issue 17 item 5): a command that did something gets a 👍 reaction (a `/packit` one 👀, as
 * packit-service gives it) and no reply; `/packit help` the commands' usage; a refused
 * one (untrusted author) a reply saying why and who may, at most once per author and pull
 * request in REFUSAL_WINDOW_MS (later ones a 😕 reaction, not retried when it fails: a flood
 * must not become a storm of retries); a rejected one (unknown, malformed, nothing to act on)
 * a reply saying why and what is valid, once per comment. A slash command that no config of
 * the repository knows (a GitLab quick action, another bot's) gets nothing.
 *
 * The decision is stored with the comment (CommentAckBook) before anything is posted: a plan
 * attempt retried because a post failed replays it instead of carrying out the command again,
 * and a reply is claimed before it is posted, so no comment is answered twice. A post that
 * cannot succeed (the comment was deleted, no permission) is given up and said in the log; one
 * that may (an outage, a rate limit) fails the attempt, which the runtime retries. A reply
 * posted just before its worker died is posted again by the retry: at least once, not exactly.
 */
import type { CommentAckBook, CommentRef } from '../../contracts/comment-acks.js';
import { HandlerError } from '../../contracts/errors.js';
import type { Event } from '../../events/event.js';
import type { CallOptions, ForgeClient, Reaction, Thread } from '../../forges/client.js';
import { repoRef } from '../../forges/repo-ref.js';
import { replyText } from './chatops-reply.js';
import type { DeliveryResult } from './outcome.js';

export const REFUSAL_WINDOW_MS = 24 * 60 * 60 * 1000;
const DONE: Reaction = '+1';
const REFUSED_AGAIN: Reaction = 'confused';
/** packit-service's reaction to a `/packit` command it takes on. */
const SEEN: Reaction = 'eyes';

export type AckBook = CommentAckBook<DeliveryResult>;

/** The comment of a comment event on a pull request or an issue; null for any other event. */
export function commentOf(event: Event): CommentRef | null {
  if (event.kind !== 'comment' || !event.comment) return null;
  const thread = event.pr?.number ?? event.issue?.number;
  if (thread === undefined) return null;
  return {
    forge: event.forge,
    repo: event.repo.full_name,
    commentId: event.comment.id,
    pr: thread,
    ...(event.pr ? {} : { issue: true as const }),
    author: event.comment.author,
  };
}

/** Posts what `result.ack` asks for; answers what was done, for the plan node's log. */
export async function acknowledge(
  book: AckBook,
  forge: ForgeClient,
  event: Event,
  delivery: string,
  result: DeliveryResult,
  options: CallOptions,
): Promise<string | null> {
  const comment = commentOf(event);
  const ack = result.ack;
  if (!ack || !comment) return null;
  const posted = await book.decide(comment, delivery, result);
  const repo = repoRef(event);
  const on: Thread = comment.issue ? { issue: comment.pr } : comment.pr;
  const react = async (reaction: Reaction): Promise<string> => {
    if (posted.reaction !== reaction) {
      await forge.react(repo, on, comment.commentId, reaction, options);
      await book.reacted(comment, reaction);
    }
    return `reacted ${reaction} to comment ${comment.commentId}`;
  };
  try {
    if (ack.kind === 'done' && !ack.accepted) return await react(ack.by === 'packit' ? SEEN : DONE);
    const window =
      ack.kind === 'refused' || (ack.kind === 'help' && ack.limited)
        ? // An issue's number may be a merge request's too (GitLab): its windows are apart.
          { kind: comment.issue ? `${ack.kind}:issue` : ack.kind, ms: REFUSAL_WINDOW_MS }
        : undefined;
    if (posted.replied) return `comment ${comment.commentId} was answered before`;
    if (await book.claimReply(comment, delivery, window)) {
      if (ack.kind === 'help' || ack.kind === 'done') await react(SEEN);
      const body = replyText(
        event.forge,
        event.comment?.body ?? '',
        ack,
        REFUSAL_WINDOW_MS / 3.6e6,
      );
      const reply = await forge.comment(repo, on, body, options);
      await book.replied(comment, reply.id);
      return `replied to comment ${comment.commentId} (${ack.kind})`;
    }
    // A flood's later refusals are not worth a retry: a failed 😕 (👀 for help) is given up.
    if (window)
      return await react(ack.kind === 'help' ? SEEN : REFUSED_AGAIN).catch((error: unknown) => {
        if (!(error instanceof HandlerError)) throw error;
        return `comment ${comment.commentId} not answered: ${error.message}`;
      });
    return `comment ${comment.commentId} was answered before`;
  } catch (error) {
    if (error instanceof HandlerError && error.nonRetryable)
      return `comment ${comment.commentId} not answered: ${error.message}`;
    throw error;
  }
}
