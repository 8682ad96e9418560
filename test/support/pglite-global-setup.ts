/**
 * Once per run of the `pglite` project: PGlite data directories as tarballs — just initdb'd,
 * and migrated — so each test file starts from one in ~1 s instead of 5–10 s of initdb. They
 * are cached under node_modules/.cache, keyed by the PGlite version and the migrations.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openPglite, type PgliteDb } from '../../src/db/pglite.js';

const NODE_MODULES = new URL('../../node_modules/', import.meta.url);
const CACHE = new URL('.cache/forgeflow-tests/', NODE_MODULES);

export default async function setup(project: TestProject): Promise<void> {
  const pkg = new URL('@electric-sql/pglite/package.json', NODE_MODULES);
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  const key = createHash('sha256').update(version);
  for (const m of await readMigrations()) key.update(`${m.id}:${m.checksum}\n`);
  const prefix = `pglite-${key.digest('hex').slice(0, 16)}`;
  const file = (kind: string) => fileURLToPath(new URL(`${prefix}-${kind}.tar`, CACHE));
  const empty = file('empty');
  const migrated = file('migrated');

  if (!existsSync(empty) || !existsSync(migrated)) {
    mkdirSync(CACHE, { recursive: true });
    const db = await openPglite();
    try {
      await save(db, empty);
      await migrate(db);
      await save(db, migrated);
    } finally {
      await db.close();
    }
    // 80 MB per key: drop snapshots of other migrations, unless a concurrent run may use them.
    for (const name of readdirSync(CACHE)) {
      const old = new URL(name, CACHE);
      if (!name.startsWith(prefix) && Date.now() - statSync(old).mtimeMs > 3_600_000)
        rmSync(old, { force: true });
    }
  }
  project.provide('pgliteSnapshot', migrated);
  project.provide('pgliteEmptySnapshot', empty);
}

async function save(db: PgliteDb, path: string): Promise<void> {
  const dump = await db.pglite.dumpDataDir('none');
  // Written aside and renamed: a concurrent run never reads half a tarball.
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a tarball of a migrated PGlite data directory. */
    pgliteSnapshot: string;
    /** The same before any migration. */
    pgliteEmptySnapshot: string;
  }
}
