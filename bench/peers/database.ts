/**
 * A fresh database for each round of the peers bench (`ff_bench_<random>` on the server at
 * BENCH_DATABASE_URL, as bench/support.ts names its own), dropped afterwards even when the
 * round failed; and what the server is, for the docs page.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { admin as adminOn, ADMIN_URL, dropDatabase } from '../support.js';

const admin = <T>(fn: (client: pg.Client) => Promise<T>) => adminOn(fn, 'forgeflow-bench-peers');

/** The server's version and the settings that matter to the figures; throws when unreachable. */
export function describeServer(): Promise<string> {
  return admin(async (c) => {
    const { rows } = await c.query<{ v: string }>(
      `SELECT current_setting('server_version') || ', autovacuum ' || current_setting('autovacuum')
         || ', synchronous_commit ' || current_setting('synchronous_commit')
         || ', fsync ' || current_setting('fsync')
         || ', shared_buffers ' || current_setting('shared_buffers')
         || ', max_connections ' || current_setting('max_connections') AS v`,
    );
    return rows[0]!.v;
  });
}

export interface FreshDatabase {
  name: string;
  url: string;
}

/** Creates a database, runs `fn` on it, drops it (ending whatever is still connected). */
export async function withFreshDatabase<T>(fn: (db: FreshDatabase) => Promise<T>): Promise<T> {
  const name = `ff_bench_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn({ name, url: url.href });
  } finally {
    await dropDatabase(name);
  }
}

/**
 * Statistics for what was just enqueued. The server may run with autovacuum off (it says so in
 * the docs page); each system's claim query would then plan for an empty table. This is what
 * autovacuum would have done on a production server, for every system alike.
 */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'forgeflow-bench-peers',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}
