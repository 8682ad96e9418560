/**
 * The migration runner on both backends: concurrent migrators apply each file once, re-running
 * is a no-op, a database newer than the code is refused, and a failing file applies nothing.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../src/db/migrate.js';
import { openPg } from '../../src/db/pg.js';
import { testDb, type TestDb } from '../support/db.js';

const scratch = mkdtempSync(join(tmpdir(), 'forgeflow-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The repository's migrations plus `extra` files, in a directory of their own. */
function migrationsDir(name: string, extra: Record<string, string> = {}): URL {
  const dir = join(scratch, name);
  cpSync(fileURLToPath(MIGRATIONS_DIR), dir, { recursive: true });
  for (const [file, sql] of Object.entries(extra)) writeFileSync(join(dir, file), sql);
  return pathToFileURL(`${dir}/`);
}

async function appliedIds(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'SELECT id FROM forgeflow.migrations ORDER BY id',
  );
  return rows.map((row) => row.id);
}

describe('migrate on a fresh database', () => {
  let db: TestDb;
  const extra: Db[] = [];
  beforeAll(async () => {
    db = await testDb({ migrate: false });
  });
  afterAll(async () => {
    for (const other of extra) await other.close();
    await db.close();
  });

  it('lets two concurrent migrators apply each migration exactly once', async () => {
    const files = await readMigrations();
    // Postgres: two connections of their own; PGlite: its single session, twice at once.
    const [a, b] =
      db.kind === 'pg' && db.url
        ? [openPg(db.url, { max: 1 }), openPg(db.url, { max: 1 })]
        : [db, db];
    if (a !== db) extra.push(a, b);
    const results = await Promise.all([migrate(a), migrate(b)]);

    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(files.map((f) => `${String(f.id).padStart(4, '0')}_${f.name}`));
    expect(results.map((r) => r.current)).toEqual([files.at(-1)?.id, files.at(-1)?.id]);
    expect(await appliedIds(db)).toEqual(files.map((f) => f.id));
  });

  it('is a no-op the second time', async () => {
    const result = await migrate(db);
    const newest = (await readMigrations()).at(-1)?.id;
    expect(result).toEqual({ applied: [], current: newest, warnings: [] });
  });
});

describe('migrate on a migrated database', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());

  it('applies only the pending files, and warns when an applied one changed', async () => {
    const dir = migrationsDir('pending', {
      '9990_extra.sql': 'CREATE TABLE extra_a (n int); CREATE TABLE extra_b (n int);',
    });
    expect(await migrate(db, { dir })).toEqual({
      applied: ['9990_extra'],
      current: 9990,
      warnings: [],
    });
    await db.query('INSERT INTO extra_a VALUES (1)');

    const edited = migrationsDir('edited', { '9990_extra.sql': 'CREATE TABLE extra_a (m int);' });
    expect(await migrate(db, { dir: edited })).toEqual({
      applied: [],
      current: 9990,
      warnings: [
        'migrations/9990_extra.sql changed after it was applied; the database keeps the old version',
      ],
    });
  });

  it('refuses a database newer than the code', async () => {
    const known = (await readMigrations()).at(-1)?.id;
    await expect(migrate(db)).rejects.toThrow(
      `the database is at migration 9990, this forgeflow only knows up to ${known}; upgrade forgeflow`,
    );
  });

  it('refuses a database with a migration the code does not have', async () => {
    const dir = migrationsDir('gap', { '9999_later.sql': 'SELECT 1;' });
    await expect(migrate(db, { dir })).rejects.toThrow(
      'the database has migration 9990 (extra), which this forgeflow does not have',
    );
  });

  it('applies nothing when one file fails', async () => {
    const dir = migrationsDir('broken', {
      '9990_extra.sql': 'CREATE TABLE extra_a (n int); CREATE TABLE extra_b (n int);',
      '9991_good.sql': 'CREATE TABLE good (n int);',
      '9992_bad.sql': 'CREATE TABLE bad (n int); SELECT no_such_function();',
    });
    await expect(migrate(db, { dir })).rejects.toThrow(/no_such_function/);
    expect((await appliedIds(db)).at(-1)).toBe(9990);
    await expect(db.query('SELECT * FROM good')).rejects.toMatchObject({ code: '42P01' });
  });
});
