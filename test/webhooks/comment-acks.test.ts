/**
 * The memory behind ChatOps answers (src/webhooks/comment-acks.ts, migration 0013): a retried
 * attempt finds its delivery's decision; a comment gets one reply, claimed before it is posted
 * and claimable again only by the delivery that claimed it; a refusal opens a 24-hour window per
 * author and pull request that another comment cannot reply in, even when two claim at once,
 * and that opens again once it has passed. Both backends, clock injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentRef } from '../../src/contracts/comment-acks.js';
import { REFUSAL_WINDOW_MS } from '../../src/handlers/plan/chatops-ack.js';
import type { DeliveryResult } from '../../src/handlers/plan/outcome.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { commentAckBook } from '../../src/webhooks/comment-acks.js';
import { testDb, type TestDb } from '../support/db.js';

const clock = new FakeClock(Date.UTC(2026, 11, 7, 6, 0));
let db: TestDb;
let nextId = 1;

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

const book = () => commentAckBook(db, clock);
const WINDOW = { kind: 'refused', ms: REFUSAL_WINDOW_MS };
const REFUSED: DeliveryResult = {
  outcome: 'untrusted',
  reason: 'mallory is NONE, not OWNER, MEMBER or COLLABORATOR',
  ack: { kind: 'refused', why: 'mallory is NONE, not OWNER, MEMBER or COLLABORATOR' },
};

function comment(pr: number, author = 'mallory'): CommentRef {
  return { forge: 'github', repo: 'octo/hello', commentId: nextId++, pr, author };
}

describe('the comment ack book', () => {
  it("replays a delivery's own decision, not another delivery's", async () => {
    const c = comment(1);
    expect(await book().decided(c, 'github:d1')).toBeUndefined();
    expect(await book().decide(c, 'github:d1', REFUSED)).toEqual({
      reaction: null,
      replied: false,
    });
    expect(await book().decided(c, 'github:d1')).toEqual(REFUSED);
    expect(await book().decided(c, 'github:d2')).toBeUndefined();
    await book().reacted(c, '+1');
    expect(await book().decide(c, 'github:d2', REFUSED)).toEqual({
      reaction: '+1',
      replied: false,
    });
  });

  it("lets one delivery claim a comment's reply, again on its retry, never after the reply", async () => {
    const c = comment(2, 'octocat');
    await book().decide(c, 'github:r1', REFUSED);
    expect(await book().claimReply(c, 'github:r1')).toBe(true);
    expect(await book().claimReply(c, 'github:r1')).toBe(true);
    expect(await book().claimReply(c, 'github:r2')).toBe(false);
    await book().replied(c, 4242);
    expect(await book().claimReply(c, 'github:r1')).toBe(false);
    expect(await book().decide(c, 'github:r1', REFUSED)).toMatchObject({ replied: true });
  });

  it('answers a refusal once per author and pull request in the window, then again', async () => {
    const [first, second, otherPr, otherAuthor] = [
      comment(3),
      comment(3),
      comment(4),
      comment(3, 'eve'),
    ];
    for (const c of [first, second, otherPr, otherAuthor])
      await book().decide(c, `github:w${c.commentId}`, REFUSED);
    expect(await book().claimReply(first, `github:w${first.commentId}`, WINDOW)).toBe(true);
    // The same comment's retried attempt keeps its claim.
    expect(await book().claimReply(first, `github:w${first.commentId}`, WINDOW)).toBe(true);
    clock.advance(REFUSAL_WINDOW_MS - 1_000);
    expect(await book().claimReply(second, `github:w${second.commentId}`, WINDOW)).toBe(false);
    expect(await book().claimReply(otherPr, `github:w${otherPr.commentId}`, WINDOW)).toBe(true);
    expect(await book().claimReply(otherAuthor, `github:w${otherAuthor.commentId}`, WINDOW)).toBe(
      true,
    );
    clock.advance(2_000);
    expect(await book().claimReply(second, `github:w${second.commentId}`, WINDOW)).toBe(true);
  });

  it('gives the window to one of two comments claiming at once', async () => {
    const comments = Array.from({ length: 6 }, () => comment(5, 'flood'));
    for (const c of comments) await book().decide(c, `github:f${c.commentId}`, REFUSED);
    const won = await Promise.all(
      comments.map((c) => book().claimReply(c, `github:f${c.commentId}`, WINDOW)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('claims nothing for a comment it never recorded', async () => {
    expect(await book().claimReply(comment(6), 'github:none', WINDOW)).toBe(false);
  });
});
