/**
 * Numbered SQL migrations (`migrations/NNNN_name.sql`), graphile-worker style: everything in
 * ONE transaction under a transaction-scoped advisory lock, so concurrent migrators (several
 * workers starting at once) queue up and each file is applied exactly once. A database that
 * is newer than this code is refused; an edited, already-applied file only warns.
 *
 * A file may hold several statements (it runs through `Tx.exec`: pg's simple protocol,
 * PGlite's exec) but no BEGIN/COMMIT of its own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Db, Queryable, Tx } from './db.js';

/** Works from src/db/ and dist/db/ alike. */
export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

// Any constant unique to forgeflow; on PGlite (one session) the lock is a harmless no-op.
const LOCK_KEY = '7133265432901558001';
const FILE_NAME = /^(\d{4})_([A-Za-z0-9_-]+)\.sql$/;

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** `NNNN_name` of each file applied now, in order. */
  applied: string[];
  /** The newest migration id in the database afterwards (0 for none). */
  current: number;
  warnings: string[];
}

export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const base = dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`);
  const migrations: Migration[] = [];
  for (const file of (await readdir(base)).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match) continue;
    const sql = await readFile(new URL(file, base), 'utf8');
    const id = Number(match[1]);
    if (migrations.some((m) => m.id === id))
      throw new Error(`two migration files are numbered ${match[1]} in ${base.pathname}`);
    migrations.push({ id, name: match[2] ?? '', sql, checksum: sha256(sql) });
  }
  return migrations;
}

/** The newest migration applied to the database, and the newest this build ships. */
export async function migrationStatus(q: Queryable): Promise<{ current: number; newest: number }> {
  const newest = (await readMigrations()).at(-1)?.id ?? 0;
  const { rows } = await q.query<{ id: number | null }>(
    'SELECT max(id) AS id FROM forgeflow.migrations',
  );
  return { current: rows[0]?.id ?? 0, newest };
}

export async function migrate(db: Db, options: { dir?: URL } = {}): Promise<MigrateResult> {
  const migrations = await readMigrations(options.dir);
  return db.tx((q) => migrateIn(q, migrations));
}

async function migrateIn(q: Tx, migrations: Migration[]): Promise<MigrateResult> {
  await q.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
  await checkServerVersion(q);
  await q.exec(`
    CREATE SCHEMA IF NOT EXISTS forgeflow;
    CREATE TABLE IF NOT EXISTS forgeflow.migrations (
      id int PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
  const { rows } = await q.query<{ id: number; name: string; checksum: string }>(
    'SELECT id, name, checksum FROM forgeflow.migrations ORDER BY id',
  );
  const known = new Map(migrations.map((m) => [m.id, m]));
  const newestKnown = migrations.at(-1)?.id ?? 0;
  const warnings: string[] = [];
  for (const row of rows) {
    const migration = known.get(row.id);
    if (row.id > newestKnown)
      throw new Error(
        `the database is at migration ${rows.at(-1)?.id}, this forgeflow only knows up to ${newestKnown}; upgrade forgeflow`,
      );
    if (!migration)
      throw new Error(
        `the database has migration ${row.id} (${row.name}), which this forgeflow does not have`,
      );
    if (migration.checksum !== row.checksum)
      warnings.push(
        `migrations/${label(migration)}.sql changed after it was applied; the database keeps the old version`,
      );
  }
  const done = new Set(rows.map((row) => row.id));
  const pending = migrations.filter((m) => !done.has(m.id));
  for (const migration of pending) {
    await q.exec(migration.sql);
    await q.query('INSERT INTO forgeflow.migrations (id, name, checksum) VALUES ($1, $2, $3)', [
      migration.id,
      migration.name,
      migration.checksum,
    ]);
  }
  const current = Math.max(rows.at(-1)?.id ?? 0, pending.at(-1)?.id ?? 0);
  return { applied: pending.map(label), current, warnings };
}

/** DESIGN.md §5 promises PostgreSQL 12+ (PGlite reports 18). */
async function checkServerVersion(q: Tx): Promise<void> {
  const { rows } = await q.query<{ v: string }>(
    `SELECT current_setting('server_version_num') AS v`,
  );
  const version = Number(rows[0]?.v);
  if (version < 120000)
    throw new Error(`forgeflow needs PostgreSQL 12 or later; this server is ${rows[0]?.v}`);
}

function label(m: Migration): string {
  return `${String(m.id).padStart(4, '0')}_${m.name}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
