/**
 * PGlite-only (the postgres project excludes test/db/pglite-*): the data directory lock that
 * keeps a second process from opening — and corrupting — the same embedded database, and
 * the guard that turns a would-be deadlock into an error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/dir-lock.js';
import { openPglite } from '../../src/db/pglite.js';
import { freshPgliteDir, testDb, type TestDb } from '../support/db.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pgliteModule = new URL('../../src/db/pglite.ts', import.meta.url).href;

// Opens FF_DIR; prints "opened"; with FF_HOLD keeps it open until killed, else closes.
const CHILD = `
const { openPglite } = await import(${JSON.stringify(pgliteModule)});
try {
  const db = await openPglite({ dataDir: process.env.FF_DIR });
  process.stdout.write('opened\\n');
  if (process.env.FF_HOLD) await new Promise(() => setInterval(() => {}, 1000));
  await db.close();
} catch (error) {
  process.stderr.write(error.message + '\\n');
  process.exitCode = 1;
}`;

interface Child {
  process: ChildProcess;
  opened: Promise<void>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

const children: ChildProcess[] = [];

function openInChild(dir: string, hold = false): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: root,
    env: { ...process.env, FF_DIR: dir, ...(hold ? { FF_HOLD: '1' } : {}) },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => (opened = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('opened\n')) opened();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { process: child, opened: openedPromise, exited };
}

function refusal(pid: number, dir: string): string {
  return `another forgeflow process (pid ${pid}) has the embedded database at ${dir} open; stop it first, or give this command another --data-dir`;
}

const dirs: string[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await freshPgliteDir();
  dirs.push(dir);
  return dir;
}

describe('the data directory lock', () => {
  it('refuses a second process while the first has it open, and lets it in after close', async () => {
    const dir = await dataDir();
    const db = await openPglite({ dataDir: dir });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);

    const refused = await openInChild(dir).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(refusal(process.pid, dir));

    await db.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const admitted = await openInChild(dir).exited;
    expect(admitted).toMatchObject({ code: 0, stdout: 'opened\n' });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over from a process that was killed with the directory open', async () => {
    const dir = await dataDir();
    const holder = openInChild(dir, true);
    await holder.opened;
    const pid = holder.process.pid ?? 0;
    await expect(openPglite({ dataDir: dir })).rejects.toThrow(refusal(pid, dir));

    holder.process.kill('SIGKILL');
    await holder.exited;
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${pid}\n`); // left behind
    const db = await openPglite({ dataDir: dir });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect((await db.query('SELECT count(*) AS n FROM forgeflow.migrations')).rows).toEqual([
      { n: expect.any(Number) as number },
    ]);
    await db.close();
  });

  it('takes over a stale lock whose pid is dead', async () => {
    const dir = await dataDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
    const db = await openPglite({ dataDir: dir });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await db.close();
  });

  it('refuses to open the same directory twice in one process', async () => {
    const dir = await dataDir();
    const db = await openPglite({ dataDir: dir });
    await expect(openPglite({ dataDir: dir })).rejects.toThrow(
      `this process already has the embedded database at ${dir} open`,
    );
    await db.close();
  });
});

describe('the single-session guard', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());

  it('fails fast when db.query is called inside db.tx, where PGlite would wait forever', async () => {
    await expect(db.tx(() => db.query('SELECT 1'))).rejects.toThrow(
      'db.query() inside db.tx() deadlocks on PGlite',
    );
    await expect(db.tx(() => db.tx(() => Promise.resolve(1)))).rejects.toThrow(/db\.tx\(\) inside/);
    // Work the transaction started but did not wait for may use the Db after it ends.
    let later!: Promise<unknown>;
    await db.tx(() => {
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => db.query('SELECT 1'));
      return Promise.resolve();
    });
    await expect(later).resolves.toMatchObject({ rowCount: 1 });
  });
});
