/**
 * The book of forgeflow's pull request comments (`forgeflow.run_summaries`, migration 0014):
 * which comment is forgeflow's on each pull request and pipeline, and which run it speaks for.
 * Runs are compared by creation time, then id, then attempt, so an older run's summary that
 * arrives late is dropped. A claim holds the row for one run for LEASE_MS, so two runs'
 * summaries never post two comments at once; the other is told SummaryBusy and retried.
 */
import { HandlerError } from '../contracts/errors.js';
import type { Db, Queryable } from '../db/db.js';
import type { SummaryBook, SummaryClaim, SummaryKey, SummaryRun } from '../handlers/run-summary.js';

/** How long a claim holds the comment: longer than a forge call may take (30 s by default). */
export const LEASE_MS = 120_000;

interface Row {
  comment_id: number | null;
  run_id: string;
  run_created_at: Date;
  run_attempt: number;
  lease_owner: string | null;
  lease_until: Date | null;
}

const KEY = 'forge = $1 AND repo = $2 AND pr = $3 AND pipeline = $4';

export function summaryBook(db: Db, clock: { now(): number }): SummaryBook {
  return {
    claim: (key, run, passing) => db.tx((q) => claim(q, key, run, passing, clock.now())),
    async done(key, run, comment, passing, sha) {
      await db.query(
        `UPDATE forgeflow.run_summaries SET comment_id = $6, comment_url = $7, state = $8, sha = $9,
           lease_owner = NULL, lease_until = NULL, updated_at = $10
         WHERE ${KEY} AND lease_owner = $5`,
        [
          ...keyOf(key),
          run.runId,
          comment?.id ?? null,
          comment?.url ?? null,
          passing ? 'passing' : 'failing',
          sha,
          new Date(clock.now()),
        ],
      );
    },
  };
}

async function claim(
  q: Queryable,
  key: SummaryKey,
  run: SummaryRun,
  passing: boolean,
  now: number,
): Promise<SummaryClaim> {
  const { rows } = await q.query<Row>(
    `SELECT comment_id, run_id, run_created_at, run_attempt, lease_owner, lease_until
     FROM forgeflow.run_summaries WHERE ${KEY} FOR UPDATE`,
    keyOf(key),
  );
  const row = rows[0];
  if (row === undefined) {
    // A pass with nothing to turn still marks its run, so an older failure stays quiet.
    const inserted = await q.query(
      `INSERT INTO forgeflow.run_summaries (forge, repo, pr, pipeline, state, run_id,
         run_created_at, run_attempt, lease_owner, lease_until, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [
        ...keyOf(key),
        passing ? 'passing' : 'failing',
        run.runId,
        run.createdAt,
        run.attempt,
        passing ? null : run.runId,
        passing ? null : new Date(now + LEASE_MS),
        new Date(now),
      ],
    );
    if (inserted.rowCount !== 1) throw busy(key); // another claim made the row meanwhile
    return passing ? { post: false, why: 'never-failed' } : { post: true, commentId: null };
  }
  if (newer(row, run)) return { post: false, why: 'stale' };
  const held = row.lease_owner !== null && row.lease_until !== null;
  if (held && row.lease_owner !== run.runId && row.lease_until!.getTime() > now) throw busy(key);
  const nothingToTurn = passing && row.comment_id === null;
  await q.query(
    `UPDATE forgeflow.run_summaries SET run_id = $5, run_created_at = $6, run_attempt = $7,
       lease_owner = $8, lease_until = $9, updated_at = $10,
       state = CASE WHEN $8::uuid IS NULL THEN 'passing' ELSE state END
     WHERE ${KEY}`,
    [
      ...keyOf(key),
      run.runId,
      run.createdAt,
      run.attempt,
      nothingToTurn ? null : run.runId,
      nothingToTurn ? null : new Date(now + LEASE_MS),
      new Date(now),
    ],
  );
  return nothingToTurn
    ? { post: false, why: 'never-failed' }
    : { post: true, commentId: row.comment_id };
}

/** Whether the row speaks for a run newer than `run` (the same run's later attempt included). */
function newer(row: Row, run: SummaryRun): boolean {
  const a = row.run_created_at.getTime();
  const b = run.createdAt.getTime();
  if (a !== b) return a > b;
  if (row.run_id !== run.runId) return row.run_id > run.runId;
  return row.run_attempt > run.attempt;
}

function keyOf(key: SummaryKey): [string, string, number, string] {
  return [key.forge, key.repo, key.pr, key.pipeline];
}

function busy(key: SummaryKey): HandlerError {
  return new HandlerError(
    'SummaryBusy',
    `another run's summary is being posted on ${key.repo} #${key.pr} (${key.pipeline})`,
    { retryAfterMs: 5_000 },
  );
}
