/**
 * The database a fuzz test's server child runs on, on the backend of the vitest project:
 * postgres → this file's own database (its URL), pglite → the migrated snapshot of
 * pglite-global-setup.ts, which each child loads into memory.
 */
import { inject } from 'vitest';
import type { ServerInit } from '../../fuzz/server/setup.js';
import { testBackend, testDb, type TestDb } from './db.js';

export async function fuzzServerDatabase(): Promise<{ init: ServerInit; db: TestDb | null }> {
  if (testBackend() === 'pglite')
    return { init: { db: { kind: 'pglite', snapshot: inject('pgliteSnapshot') } }, db: null };
  const db = await testDb();
  return { init: { db: { kind: 'postgres', url: db.url! } }, db };
}
