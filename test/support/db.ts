/**
 * A database of its own for each test file, on the backend of the vitest project running it
 * (FORGEFLOW_TEST_DB, set in vitest.config.ts): postgres → a fresh `ff_test_<random>`
 * database, migrated, dropped on close; pglite → an in-memory PGlite loaded from the migrated
 * snapshot of pglite-global-setup.ts. Use it in beforeAll and close it in afterAll:
 *
 *   let db: TestDb;
 *   beforeAll(async () => {
 *     db = await testDb();
 *   });
 *   afterAll(() => db.close());
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db, ErrorLogger } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPg } from '../../src/db/pg.js';
import { openPglite } from '../../src/db/pglite.js';

export type TestBackend = 'postgres' | 'pglite';

export interface TestDb extends Db {
  /** postgres: this file's database, for child processes (`DATABASE_URL`). pglite: undefined. */
  readonly url: string | undefined;
}

export function testBackend(): TestBackend {
  const backend = process.env.FORGEFLOW_TEST_DB;
  if (backend !== 'postgres' && backend !== 'pglite')
    throw new Error(
      'FORGEFLOW_TEST_DB is not set: run this file through the pglite or postgres project',
    );
  return backend;
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

export interface TestDbOptions {
  /** false: a database with nothing of forgeflow's in it yet. */
  migrate?: boolean;
  onError?: ErrorLogger;
}

export async function testDb(options: TestDbOptions = {}): Promise<TestDb> {
  const { onError } = options;
  const migrated = options.migrate ?? true;
  if (testBackend() === 'pglite') {
    const db = await openPglite({ loadDataDir: snapshot(migrated), onError });
    return Object.assign(db, { url: undefined });
  }
  const name = `ff_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl(), name);
  const db = openPg(url, { applicationName: 'forgeflow-tests', max: 5, onError });
  try {
    if (migrated) await migrate(db);
  } catch (error) {
    await db.close();
    await dropDatabase(name);
    throw error;
  }
  const closeDb = db.close.bind(db); // replaced below
  const close = async () => {
    await closeDb();
    if (db.pool.totalCount !== 0)
      throw new Error(`${db.pool.totalCount} connections still open after close()`);
    await dropDatabase(name);
  };
  let closing: Promise<void> | undefined;
  return Object.assign(db, { url, close: () => (closing ??= close()) });
}

/**
 * pglite: a new data directory holding the migrated snapshot, for a test that runs a second
 * process (or opens the directory itself). The caller removes it (rmSync, recursive).
 */
export async function freshPgliteDir(options: { migrate?: boolean } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-pglite-'));
  const db = await openPglite({ dataDir: dir, loadDataDir: snapshot(options.migrate ?? true) });
  await db.close();
  return dir;
}

function snapshot(migrated = true): Blob {
  return new Blob([readFileSync(inject(migrated ? 'pgliteSnapshot' : 'pgliteEmptySnapshot'))]);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}

async function dropDatabase(name: string): Promise<void> {
  await admin(async (client) => {
    // A child process or a leaked connection would make DROP DATABASE fail.
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: adminUrl(),
    application_name: 'forgeflow-tests',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
