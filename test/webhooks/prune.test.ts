/**
 * Retention of the webhooks' tables (src/webhooks/prune.ts): deliveries by arrival (never one
 * still planning), ChatOps acknowledgements by age and last update, reply windows, and pull
 * request summaries by last update (never one a post holds); a bounded batch at a time, and a
 * count that deletes nothing. Both backends; times are parameters, nothing waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, type Retention } from '../../src/contracts/retention.js';
import { webhookPruneSteps } from '../../src/webhooks/prune.js';
import { testDb, type TestDb } from '../support/db.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
let db: TestDb;

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

async function ids(table: string, column: string): Promise<string[]> {
  const { rows } = await db.query<{ k: string }>(
    `SELECT ${column}::text AS k FROM forgeflow.${table} ORDER BY 1`,
  );
  return rows.map((r) => r.k);
}

async function delivery(id: string, at: Date, outcome = 'ignored') {
  await db.query(
    `INSERT INTO forgeflow.deliveries (id, forge, event, received_at, outcome, updated_at)
     VALUES ($1, 'github', 'push', $2, $3, $2)`,
    [id, at, outcome],
  );
}

async function ack(commentId: number, created: Date, updated: Date) {
  await db.query(
    `INSERT INTO forgeflow.comment_acks
       (forge, repo, comment_id, pr, author, delivery_id, decision, created_at, updated_at)
     VALUES ('github', 'octo/app', $1, 1, 'octocat', 'github:d', '{}'::jsonb, $2, $3)`,
    [commentId, created, updated],
  );
}

async function replyWindow(author: string, at: Date) {
  await db.query(
    `INSERT INTO forgeflow.comment_reply_windows (forge, repo, pr, author, kind, comment_id, replied_at)
     VALUES ('github', 'octo/app', 1, $1, 'refused', 1, $2)`,
    [author, at],
  );
}

async function summary(pipeline: string, updated: Date, leaseUntil: Date | null) {
  await db.query(
    `INSERT INTO forgeflow.run_summaries (forge, repo, pr, pipeline, state, run_id, run_created_at,
       run_attempt, lease_owner, lease_until, updated_at)
     VALUES ('github', 'octo/app', 1, $1, 'failing', gen_random_uuid(), $2, 1,
       CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE gen_random_uuid() END, $3, $2)`,
    [pipeline, updated, leaseUntil],
  );
}

describe('pruning the webhooks tables', () => {
  it('deletes rows past their age, keeps the rest, and counts first without deleting', async () => {
    await delivery('github:old', ago(40));
    await delivery('github:planning', ago(40), 'planning');
    await delivery('github:new', ago(2));
    await ack(1, ago(40), ago(40));
    await ack(2, ago(40), ago(1)); // answered again lately
    await ack(3, ago(1), ago(1));
    await replyWindow('old', ago(40));
    await replyWindow('new', ago(1));
    await summary('old', ago(100), null);
    await summary('held', ago(100), new Date(NOW.getTime() + 60_000));
    await summary('new', ago(10), null);

    const steps = webhookPruneSteps(db, DEFAULT_RETENTION);
    const expected = [
      { deliveries: 1 },
      { comment_acks: 1 },
      { reply_windows: 1 },
      { run_summaries: 1 },
    ];
    expect(await Promise.all(steps.map((s) => s.count(NOW)))).toEqual(expected);
    expect(await ids('deliveries', 'id')).toHaveLength(3);
    expect(await Promise.all(steps.map(async (s) => (await s.batch(NOW, 100)).counts))).toEqual(
      expected,
    );
    expect(await ids('deliveries', 'id')).toEqual(['github:new', 'github:planning']);
    expect(await ids('comment_acks', 'comment_id')).toEqual(['2', '3']);
    expect(await ids('comment_reply_windows', 'author')).toEqual(['new']);
    expect(await ids('run_summaries', 'pipeline')).toEqual(['held', 'new']);
  });

  it('keeps forever what is kept forever, and deletes a bounded batch per call', async () => {
    for (let i = 0; i < 5; i++) await delivery(`github:batch-${i}`, ago(50 + i));
    const forever: Retention = { ...DEFAULT_RETENTION, deliveries: null };
    const [kept] = webhookPruneSteps(db, forever);
    expect(await kept!.batch(NOW, 2)).toEqual({ counts: { deliveries: 0 }, more: false });
    const [deliveries] = webhookPruneSteps(db, DEFAULT_RETENTION);
    expect(await deliveries!.batch(NOW, 2)).toEqual({ counts: { deliveries: 2 }, more: true });
    // The oldest first.
    expect(await ids('deliveries', 'id')).not.toContain('github:batch-4');
    expect(await deliveries!.batch(NOW, 2)).toEqual({ counts: { deliveries: 2 }, more: true });
    expect(await deliveries!.batch(NOW, 2)).toEqual({ counts: { deliveries: 1 }, more: false });
    expect(await ids('deliveries', 'id')).toEqual(['github:new', 'github:planning']);
  });
});
