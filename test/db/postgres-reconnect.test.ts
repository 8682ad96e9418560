/**
 * Postgres-only (the pglite project excludes test/db/postgres-*): what a server restart does to
 * the pg backend's connections, simulated by terminating them (a restart sends the same FATAL
 * 57P01), without disturbing anyone else using the server. Nothing may crash the process;
 * the pool and the LISTEN connection must come back on their own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
const logged: string[] = [];
beforeAll(async () => {
  db = await testDb({ onError: (error, context) => logged.push(`${context}: ${error.message}`) });
});
afterAll(() => db.close());

/** Terminates every connection to this file's database, as a restart would. */
async function terminateAll(): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('pg backend after its connections are killed', () => {
  it('reconnects the pool and the listener', async () => {
    const received: string[] = [];
    const unlisten = await db.listen('ff_reconnect', (payload) => received.push(payload));
    await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.01)'))); // idle clients

    expect(await terminateAll()).toBeGreaterThanOrEqual(2);
    const lost = () => logged.some((l) => l.startsWith('LISTEN connection lost'));
    await until(() => Promise.resolve(lost()), 'the listener to notice');

    // The first query may draw a connection whose death is not yet noticed; later ones work.
    await until(
      () =>
        db.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      'the pool',
    );
    let n = 0;
    await until(async () => {
      await db.query('SELECT pg_notify($1, $2)', ['ff_reconnect', `ping ${++n}`]);
      await sleep(20);
      return received.length > 0;
    }, 'the listener to LISTEN again');
    await unlisten();
  });

  it('rolls back and discards a connection that dies inside a transaction', async () => {
    await db.query('CREATE TABLE survivors (n int)');
    await expect(
      db.tx(async (q) => {
        await q.query('INSERT INTO survivors VALUES (1)');
        await terminateAll();
        await q.query('INSERT INTO survivors VALUES (2)');
      }),
    ).rejects.toThrow();
    await until(
      () =>
        db.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      'the pool',
    );
    await db.tx((q) => q.query('INSERT INTO survivors VALUES (3)'));
    expect((await db.query('SELECT n FROM survivors')).rows).toEqual([{ n: 3 }]);
  });
});
