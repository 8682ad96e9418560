/**
 * The memory of ChatOps acknowledgements (issue 17 item 5), the shape the plan step is given
 * (it writes no table of its own) and the webhooks layer keeps (src/webhooks/comment-acks.ts):
 * per pull request comment, which delivery decided what about its command and what was posted
 * on the forge, and per author and pull request, when a refusal was last answered.
 */
import type { Forge } from '../events/event.js';

/** A pull request's (or an issue's) comment that gave a command. */
export interface CommentRef {
  forge: Forge;
  repo: string;
  commentId: number;
  /** The pull/merge request's number, or the issue's when `issue`. */
  pr: number;
  /** Written on an issue, not a pull request (GitLab numbers the two apart). */
  issue?: true;
  /** Who wrote it: the flood guard counts replies per author. */
  author: string;
}

/** What is on the forge for a comment so far. */
export interface AckState {
  /** The reaction forgeflow left, if any. */
  reaction: string | null;
  replied: boolean;
}

/** A reply the flood guard allows once per author and pull request within `ms`. */
export interface ReplyWindow {
  kind: string;
  ms: number;
}

export interface CommentAckBook<Decision> {
  /** What `delivery` decided about the comment in an earlier attempt; undefined if nothing. */
  decided(comment: CommentRef, delivery: string): Promise<Decision | undefined>;
  /** Records what `delivery` decided about the comment; answers what was posted on it already. */
  decide(comment: CommentRef, delivery: string, decision: Decision): Promise<AckState>;
  /**
   * Claims the comment's one reply for `delivery` (again, for a retried attempt that did not
   * post it). With a window, only when no other comment of the same author on the same pull
   * request got a reply of that kind within it. False: this delivery does not reply.
   */
  claimReply(comment: CommentRef, delivery: string, window?: ReplyWindow): Promise<boolean>;
  reacted(comment: CommentRef, reaction: string): Promise<void>;
  replied(comment: CommentRef, replyId: number): Promise<void>;
}
