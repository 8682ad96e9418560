/**
 * `forgeflow worker --metrics-addr`: the worker command, in this process, serves its runtime's
 * metrics at the address given (port 0: any free one, printed), on this file's backend (a
 * data directory of its own on PGlite, this file's database on Postgres, where a run started
 * elsewhere is worked and its attempt shows up in the worker's own metrics).
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerCommand } from '../../src/cli/commands/worker.js';
import type { Io } from '../../src/cli/io.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { builtInHandlers } from '../../src/handlers/registry.js';
import { freshPgliteDir, testBackend, testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime } from '../support/runtime.js';

let db: TestDb | undefined;
const dir = mkdtempSync(join(tmpdir(), 'forgeflow-worker-metrics-'));
const saved = { LOG_LEVEL: process.env.LOG_LEVEL, allow: process.env.FORGEFLOW_EXEC_ALLOW };

beforeAll(async () => {
  if (testBackend() === 'postgres') db = await testDb();
  // The migrated snapshot where the worker looks (DATA_DIR/db): no migrating from scratch.
  else renameSync(await freshPgliteDir(), join(dir, 'db'));
  process.env.LOG_LEVEL = 'warn';
  process.env.FORGEFLOW_EXEC_ALLOW = 'true';
});

afterAll(async () => {
  for (const [name, value] of [
    ['LOG_LEVEL', saved.LOG_LEVEL],
    ['FORGEFLOW_EXEC_ALLOW', saved.allow],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An Io that resolves `printed` with the first match of `pattern` in what is written. */
function watchedIo(pattern: RegExp): { io: Io; printed: Promise<string>; text: () => string } {
  let text = '';
  let found!: (match: string) => void;
  const printed = new Promise<string>((resolve) => (found = resolve));
  const write = (chunk: string) => {
    text += chunk;
    const match = pattern.exec(text);
    if (match) found(match[1]!);
  };
  return {
    io: { out: write, err: write, color: false, readFile: () => '' },
    printed,
    text: () => text,
  };
}

describe('forgeflow worker --metrics-addr', () => {
  it('serves the worker process own metrics over HTTP while it runs', async () => {
    const where = db ? ['--database-url', db.url!] : ['--data-dir', dir];
    const { io, printed, text } = watchedIo(/metrics: (http:\S+)/);
    const signals = new EventEmitter();
    const running = workerCommand(
      [...where, '--concurrency', '3', '--exec-sandbox', 'none', '--metrics-addr', '127.0.0.1:0'],
      io,
      signals,
    );
    try {
      const url = await Promise.race([
        printed,
        running.then(() => Promise.reject(new Error(`the worker ended: ${text()}`))),
      ]);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const scrape = async () => (await fetch(url)).text();
      const body = await scrape();
      expect(body).toContain('forgeflow_worker_slots 3');
      expect(body).toContain('forgeflow_worker_slots_busy 0');
      expect(body).toContain('# TYPE forgeflow_queue_depth gauge');
      if (db) {
        // A run started by another process, worked by this one: its attempt is counted here.
        const runtime = testRuntime(db);
        const event = manualEvent({ repo: 'octo/app' });
        const graph = compileFor(
          pipeline(
            '  check:\n    uses: exec\n    with: { command: ["true"] }\n',
            'name: elsewhere\n',
          ),
          builtInHandlers(),
          event,
        );
        const { runId } = await runtime.start(graph, event);
        expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
        expect(await scrape()).toContain(
          'forgeflow_attempts_total{pipeline="elsewhere",handler="exec",outcome="succeeded",error_type="none"} 1',
        );
        await expectAllHistoriesMatch(runtime);
      }
    } finally {
      signals.emit('SIGTERM');
      expect(await running).toBe(0);
    }
  });
});
