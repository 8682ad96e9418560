/**
 * `forgeflow migrate` against each backend: --database-url on postgres, --data-dir on pglite
 * (which also shows the directory lock is released when the command ends).
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readMigrations } from '../../src/db/migrate.js';
import { freshPgliteDir, testBackend, testDb, type TestDb } from '../support/db.js';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    color: false,
    readFile: () => '',
  });
  return { code, out, err };
}

describe('forgeflow migrate', () => {
  let db: TestDb | undefined;
  let args: string[];
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (testBackend() === 'postgres') {
      db = await testDb({ migrate: false });
      args = ['--database-url', db.url ?? ''];
    } else {
      // forgeflow's data directory holds the database in db/.
      dataDir = mkdtempSync(join(tmpdir(), 'forgeflow-data-'));
      renameSync(await freshPgliteDir({ migrate: false }), join(dataDir, 'db'));
      args = ['--data-dir', dataDir];
    }
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies what is pending, then says the database is up to date', async () => {
    const newest = (await readMigrations()).at(-1)?.id;
    const first = await run('migrate', ...args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('✓ applied 0001_init\n');
    expect(first.out).toContain(`is now at migration ${newest}`);
    const second = await run('migrate', ...args);
    expect(second).toMatchObject({ code: 0, err: '' });
    expect(second.out).toMatch(new RegExp(`is up to date \\(migration ${newest}\\)`));
  });

  it('exits 1 with the reason when the database cannot be opened', async () => {
    const { code, err } = await run(
      'migrate',
      '--database-url',
      'postgres://postgres@127.0.0.1:1/nowhere',
    );
    expect(code).toBe(1);
    expect(err).toMatch(
      /^forgeflow migrate: PostgreSQL at 127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
    );
  });

  it('exits 2 for an unknown option', async () => {
    expect((await run('migrate', '--frobnicate')).code).toBe(2);
  });
});
