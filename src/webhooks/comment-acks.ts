/**
 * The plan handler's CommentAckBook (contracts/comment-acks.ts) on the comment_acks and
 * comment_reply_windows tables (migrations/0013_comment_acks.sql). A reply is claimed before it
 * is posted, in one transaction with the flood window, so two refused comments planned at once
 * by two workers cannot both reply; the claim stays with its delivery, whose retried attempt
 * may post what it claimed.
 */
import type { CommentAckBook, CommentRef, ReplyWindow } from '../contracts/comment-acks.js';
import type { Db } from '../db/db.js';
import type { DeliveryResult } from '../handlers/plan/outcome.js';
import type { Clock } from '../runtime/clock.js';

const WHERE_COMMENT = 'forge = $1 AND repo = $2 AND comment_id = $3';

function key(comment: CommentRef): [string, string, number] {
  return [comment.forge, comment.repo, comment.commentId];
}

export function commentAckBook(db: Db, clock: Clock): CommentAckBook<DeliveryResult> {
  const now = () => new Date(clock.now());
  return {
    async decided(comment, delivery) {
      const { rows } = await db.query<{ decision: DeliveryResult }>(
        `SELECT decision FROM forgeflow.comment_acks WHERE ${WHERE_COMMENT} AND delivery_id = $4`,
        [...key(comment), delivery],
      );
      return rows[0]?.decision;
    },

    async decide(comment, delivery, decision) {
      const { rows } = await db.query<{ reaction: string | null; replied: boolean }>(
        `INSERT INTO forgeflow.comment_acks
           (forge, repo, comment_id, pr, author, delivery_id, decision, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
         ON CONFLICT (forge, repo, comment_id) DO UPDATE
           SET delivery_id = EXCLUDED.delivery_id, decision = EXCLUDED.decision,
               updated_at = EXCLUDED.updated_at
         RETURNING reaction, reply_id IS NOT NULL AS replied`,
        [...key(comment), comment.pr, comment.author, delivery, JSON.stringify(decision), now()],
      );
      const row = rows[0];
      return { reaction: row?.reaction ?? null, replied: row?.replied ?? false };
    },

    claimReply(comment, delivery, window) {
      return db.tx(async (q) => {
        const { rows } = await q.query<{ replied: boolean; claimed_by: string | null }>(
          `SELECT reply_id IS NOT NULL AS replied, reply_claimed_by AS claimed_by
           FROM forgeflow.comment_acks WHERE ${WHERE_COMMENT} FOR UPDATE`,
          key(comment),
        );
        const row = rows[0];
        if (!row || row.replied || (row.claimed_by !== null && row.claimed_by !== delivery))
          return false;
        if (window && !(await claimWindow(q, comment, window, now()))) return false;
        await q.query(
          `UPDATE forgeflow.comment_acks SET reply_claimed_by = $4, updated_at = $5
           WHERE ${WHERE_COMMENT}`,
          [...key(comment), delivery, now()],
        );
        return true;
      });
    },

    async reacted(comment, reaction) {
      await db.query(
        `UPDATE forgeflow.comment_acks SET reaction = $4, reacted_at = $5, updated_at = $5
         WHERE ${WHERE_COMMENT}`,
        [...key(comment), reaction, now()],
      );
    },

    async replied(comment, replyId) {
      await db.query(
        `UPDATE forgeflow.comment_acks SET reply_id = $4, replied_at = $5, updated_at = $5
         WHERE ${WHERE_COMMENT}`,
        [...key(comment), replyId, now()],
      );
    },
  };
}

/**
 * The author's window on the pull request: taken when free, when its reply is older than the
 * window, or when it is this comment's already (a retried attempt).
 */
async function claimWindow(
  q: Pick<Db, 'query'>,
  comment: CommentRef,
  window: ReplyWindow,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO forgeflow.comment_reply_windows AS w
       (forge, repo, pr, author, kind, comment_id, replied_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (forge, repo, pr, author, kind) DO UPDATE
       SET comment_id = EXCLUDED.comment_id, replied_at = EXCLUDED.replied_at
       WHERE w.comment_id = EXCLUDED.comment_id OR w.replied_at <= $8`,
    [
      comment.forge,
      comment.repo,
      comment.pr,
      comment.author,
      window.kind,
      comment.commentId,
      at,
      new Date(at.getTime() - window.ms),
    ],
  );
  return rowCount > 0;
}
