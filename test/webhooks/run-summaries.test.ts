/**
 * The book of forgeflow's pull request comments (src/webhooks/run-summaries.ts) on a real
 * database: a claim holds the comment for one run (another run's summary waits: SummaryBusy,
 * retryable) until it is done or its lease lapses; an older run's summary is stale; a pass
 * with no comment to turn posts nothing but keeps older failures quiet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerError } from '../../src/contracts/errors.js';
import type { SummaryKey, SummaryRun } from '../../src/handlers/run-summary.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { LEASE_MS, summaryBook } from '../../src/webhooks/run-summaries.js';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
const clock = new FakeClock(Date.UTC(2026, 11, 7));

beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

const key = (pr: number): SummaryKey => ({ forge: 'github', repo: 'o/r', pr, pipeline: 'ci' });
const run = (n: number, attempt = 1): SummaryRun => ({
  runId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  createdAt: new Date(Date.UTC(2026, 11, 7, 0, n)),
  attempt,
});

async function busy(promise: Promise<unknown>): Promise<HandlerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandlerError);
  return error as HandlerError;
}

describe('the summary book', () => {
  it('holds the comment for one run at a time, then hands it on', async () => {
    const book = summaryBook(db, clock);
    expect(await book.claim(key(1), run(1), false)).toEqual({ post: true, commentId: null });
    // The same run again (its post retried after a crash) takes it back.
    expect(await book.claim(key(1), run(1), false)).toEqual({ post: true, commentId: null });
    const error = await busy(book.claim(key(1), run(2), false));
    expect(error).toMatchObject({ type: 'SummaryBusy', nonRetryable: false });
    await book.done(key(1), run(1), { id: 900, url: null }, false, 'a'.repeat(40));
    expect(await book.claim(key(1), run(2), false)).toEqual({ post: true, commentId: 900 });
    await book.done(key(1), run(2), { id: 900, url: null }, false, 'b'.repeat(40));
    expect(await book.claim(key(1), run(3), true)).toEqual({ post: true, commentId: 900 });
  });

  it('lets another run take a claim whose lease lapsed', async () => {
    const book = summaryBook(db, clock);
    await book.claim(key(2), run(1), false);
    await busy(book.claim(key(2), run(2), false));
    clock.advance(LEASE_MS + 1);
    expect(await book.claim(key(2), run(2), false)).toEqual({ post: true, commentId: null });
  });

  it('drops an older run, and the same run of an older attempt', async () => {
    const book = summaryBook(db, clock);
    await book.claim(key(3), run(5, 2), false);
    await book.done(key(3), run(5, 2), { id: 901, url: null }, false, null);
    expect(await book.claim(key(3), run(4), false)).toEqual({ post: false, why: 'stale' });
    expect(await book.claim(key(3), run(5, 1), false)).toEqual({ post: false, why: 'stale' });
    expect(await book.claim(key(3), run(5, 3), false)).toEqual({ post: true, commentId: 901 });
  });

  it('posts nothing for a pass with no comment, and keeps older failures quiet', async () => {
    const book = summaryBook(db, clock);
    expect(await book.claim(key(4), run(7), true)).toEqual({ post: false, why: 'never-failed' });
    expect(await book.claim(key(4), run(6), false)).toEqual({ post: false, why: 'stale' });
    expect(await book.claim(key(4), run(8), true)).toEqual({ post: false, why: 'never-failed' });
    expect(await book.claim(key(4), run(9), false)).toEqual({ post: true, commentId: null });
  });
});
