/**
 * The database the server children run on: a PostgreSQL URL given on the command line, or
 * PGlite loaded from a migrated snapshot made once per run (a tarball in a temporary folder),
 * so a child replaced after a hang starts from a clean database in a second, not a migration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import type { ServerInit } from './setup.js';

export async function serverDatabase(
  databaseUrl: string | null,
): Promise<{ init: ServerInit; close(): void }> {
  if (databaseUrl !== null)
    return { init: { db: { kind: 'postgres', url: databaseUrl } }, close: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-fuzz-'));
  const snapshot = join(dir, 'pglite-migrated.tar');
  const db = await openPglite();
  try {
    await migrate(db);
    const dump = await db.pglite.dumpDataDir('none');
    writeFileSync(snapshot, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
  return {
    init: { db: { kind: 'pglite', snapshot } },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
