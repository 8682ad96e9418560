/**
 * `forgeflow prune` against each backend (--database-url on postgres, --data-dir on pglite):
 * --dry-run counts and deletes nothing; a run prunes what is past the retention and keeps the
 * rest, says what went and then that nothing is left; --older-than and --retention change the
 * ages; a bad setting is a usage error (exit 2). The runs are made on a FakeClock set back
 * from now (the command reads the system clock), so nothing waits.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { runCli as run } from '../support/cli.js';
import { freshPgliteDir, testBackend, testDb, type TestDb } from '../support/db.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

const DAY = 86_400_000;

/** Finishes a run at `daysAgo` days before now and, that long ago, records a delivery. */
async function oldRun(db: Db, daysAgo: number, fail = false): Promise<string> {
  const clock = new FakeClock(Date.now() - daysAgo * DAY);
  const handlers = testHandlers();
  const runtime = testRuntime(db, { clock });
  await runtime.createWorker(workerOptions(handlers, { pollMs: 86_400_000 })).start();
  const event = manualEvent({ repo: 'octo/app' });
  const step = fail
    ? '  a: { uses: test.script, with: { steps: [{ fail: { type: Nope, non_retryable: true } }] } }\n'
    : '  a: { uses: test.script }\n';
  let id = '';
  const finished = runtime.events.next('run:finished', (e) => e.runId === id);
  id = (await runtime.start(compileFor(pipeline(step), handlers, event), event)).runId;
  await finished;
  await runtime.stopWorkers(0);
  await db.query(
    `INSERT INTO forgeflow.deliveries (id, forge, event, received_at, outcome, updated_at)
     VALUES ($1, 'github', 'push', $2, 'ignored', $2)`,
    [`github:${id}`, new Date(clock.now())],
  );
  return id;
}

describe('forgeflow prune', () => {
  let db: TestDb | undefined;
  let dataDir: string | undefined;
  let args: string[];
  let ids: { old: string; recent: string; oldFailed: string; middle: string };

  /** The test's database, open while `fn` runs (pglite: the command needs the directory). */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (db) return fn(db);
    const opened = await openPglite({ dataDir: join(dataDir!, 'db') });
    try {
      return await fn(opened);
    } finally {
      await opened.close();
    }
  }

  async function present(): Promise<string[]> {
    return withDb(async (q) => {
      const { rows } = await q.query<{ id: string }>('SELECT id FROM forgeflow.runs');
      return rows.map((r) => r.id);
    });
  }

  beforeAll(async () => {
    if (testBackend() === 'postgres') {
      db = await testDb();
      args = ['--database-url', db.url ?? ''];
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'forgeflow-data-'));
      renameSync(await freshPgliteDir(), join(dataDir, 'db'));
      args = ['--data-dir', dataDir];
    }
    ids = await withDb(async (q) => ({
      old: await oldRun(q, 100),
      oldFailed: await oldRun(q, 100, true),
      middle: await oldRun(q, 40),
      recent: await oldRun(q, 1),
    }));
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts with --dry-run and deletes nothing', async () => {
    const { code, out, err } = await run('prune', ...args, '--dry-run');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^would prune from .* \(retention: succeeded=90d,failed=90d,/);
    expect(out).toMatch(/\n {2}runs +2\n/);
    expect(out).toMatch(/\n {2}deliveries +3\n/);
    expect((await present()).sort()).toEqual(Object.values(ids).sort());
  });

  it('prunes what is past the retention, keeps the rest, and then finds nothing', async () => {
    const { code, out } = await run('prune', ...args, '--retention', 'failed=forever');
    expect(code).toBe(0);
    expect(out).toMatch(/^pruned from .* \(retention: succeeded=90d,failed=forever,/);
    expect(out).toMatch(/\n {2}runs +1\n/);
    expect(out).toMatch(/\n {2}deliveries +3\n/);
    expect((await present()).sort()).toEqual([ids.oldFailed, ids.middle, ids.recent].sort());
    const again = await run('prune', ...args, '--retention', 'failed=forever');
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out).toMatch(/^nothing to prune in /);
  });

  it('takes --older-than for the runs, goes on batch after batch, and answers JSON', async () => {
    const older = ['--older-than', '30d', '--batch', '1', '--format', 'json'];
    const { code, out } = await run('prune', ...args, ...older);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      dry_run: false,
      pruned: { runs: 2, child_runs: 0, deliveries: 0 },
    });
    expect(await present()).toEqual([ids.recent]);
  });

  it('refuses a bad setting with exit 2 and says why', async () => {
    const bad = await run('prune', ...args, '--retention', 'deliveries=1h');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^forgeflow prune: --retention \/ FORGEFLOW_RETENTION: deliveries=1h: must be within 3d–3650d, or forever\nusage: forgeflow prune /,
    );
    const unknown = await run('prune', ...args, '--retention', 'logs=30d');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/"logs" is not a retention setting/);
    expect((await run('prune', ...args, '--older-than', 'soon')).code).toBe(2);
    expect(await present()).toEqual([ids.recent]);
  });

  it('exits 1 with the reason when the database cannot be opened', async () => {
    const { code, err } = await run(
      'prune',
      '--database-url',
      'postgres://postgres@127.0.0.1:1/nowhere',
    );
    expect(code).toBe(1);
    expect(err).toMatch(/^forgeflow prune: PostgreSQL at 127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
  });
});
