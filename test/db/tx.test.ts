/**
 * Transactions on both backends: commit, rollback, and isolation from other callers — on
 * PGlite (one session) that means a transaction is never interleaved with anyone's statements.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
  await db.query('CREATE TABLE items (owner text NOT NULL, n int NOT NULL)');
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.query('DELETE FROM items');
});

async function owners(): Promise<string[]> {
  const { rows } = await db.query<{ owner: string }>('SELECT owner FROM items ORDER BY owner, n');
  return rows.map((row) => row.owner);
}

describe('tx', () => {
  it('commits when the callback resolves and returns its value', async () => {
    const value = await db.tx(async (q) => {
      await q.query(`INSERT INTO items VALUES ('a', 1)`);
      await q.exec(`INSERT INTO items VALUES ('a', 2); INSERT INTO items VALUES ('a', 3)`);
      return 'done';
    });
    expect(value).toBe('done');
    expect(await owners()).toEqual(['a', 'a', 'a']);
  });

  it('rolls back when the callback throws, and the Db stays usable', async () => {
    const boom = new Error('boom');
    await expect(
      db.tx(async (q) => {
        await q.query(`INSERT INTO items VALUES ('a', 1)`);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await owners()).toEqual([]);
    await db.tx((q) => q.query(`INSERT INTO items VALUES ('b', 1)`));
    expect(await owners()).toEqual(['b']);
  });

  it('rolls back after a failed statement and reports that statement', async () => {
    await expect(
      db.tx(async (q) => {
        await q.query(`INSERT INTO items VALUES ('a', 1)`);
        await q.query('INSERT INTO items VALUES (NULL, 2)');
      }),
    ).rejects.toMatchObject({ code: '23502' });
    expect(await owners()).toEqual([]);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('keeps overlapping transactions apart: none sees another’s uncommitted rows', async () => {
    const finished = new Set<string>(); // owners whose callback returned (COMMIT comes after)
    const worker = (owner: string) =>
      db.tx(async (q) => {
        for (let n = 1; n <= 3; n++) {
          await q.query('INSERT INTO items VALUES ($1, $2)', [owner, n]);
          await sleep(5);
        }
        const { rows } = await q.query<{ owner: string }>('SELECT DISTINCT owner FROM items');
        const others = rows.map((row) => row.owner).filter((o) => o !== owner);
        finished.add(owner);
        return {
          own: rows.length > others.length,
          uncommitted: others.filter((o) => !finished.has(o)),
        };
      });
    const results = await Promise.all(['a', 'b', 'c'].map(worker));
    expect(results).toEqual([1, 2, 3].map(() => ({ own: true, uncommitted: [] })));
    expect(await owners()).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c']);
  });

  it('never lets a plain query land inside someone else’s transaction', async () => {
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
    const doomed = db
      .tx(async (q) => {
        await q.query(`INSERT INTO items VALUES ('doomed', 1)`);
        inserted();
        await sleep(50);
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);
    await insertedOnce;
    // Issued while the transaction is open: on PGlite these wait for it, on Postgres they run
    // on another connection. Interleaved into the transaction, the count would include
    // 'doomed' and the insert would be rolled back with it.
    const count = await db.query<{ n: number }>('SELECT count(*) AS n FROM items');
    await db.query(`INSERT INTO items VALUES ('bystander', 1)`);
    expect(await doomed).toBe('roll back');
    expect(count.rows).toEqual([{ n: 0 }]);
    expect(await owners()).toEqual(['bystander']);
  });

  it('refuses a transaction handle used after the transaction ended', async () => {
    const kept = await db.tx((q) => Promise.resolve(q));
    await expect(kept.query('SELECT 1')).rejects.toThrow();
  });
});
