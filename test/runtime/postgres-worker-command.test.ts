/**
 * `forgeflow worker` as a real process against this file's Postgres database (Postgres only:
 * scale-out workers need a shared server): it picks up a run started elsewhere, and SIGTERM
 * lets the running attempt finish within the grace period before the process exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { builtInHandlers } from '../../src/handlers/registry.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime } from '../support/runtime.js';

const BIN = fileURLToPath(new URL('../../bin/forgeflow.js', import.meta.url));
let db: TestDb;
let runtime: Runtime;
let child: ChildProcess | undefined;

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await expectAllHistoriesMatch(runtime);
  await db.close();
});

/** Resolves with the first stdout line matching `pattern`. */
function lineMatching(process: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        process.stdout?.off('data', onData);
        resolve(line);
      }
    };
    process.stdout?.on('data', onData);
    process.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) before printing ${pattern}: ${buffer}`)),
    );
  });
}

describe('forgeflow worker', () => {
  it('runs work from the shared database and drains on SIGTERM', async () => {
    child = spawn(process.execPath, [BIN, 'worker', '--database-url', db.url!, '--grace', '30'], {
      env: { ...process.env, FORGEFLOW_EXEC_ALLOW: 'sleep,echo', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await lineMatching(child, /^worker .* running on PostgreSQL/);

    const handlers = builtInHandlers();
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(
      pipeline(`  slow:
    uses: exec
    with: { command: [sleep, "1"] }
  done:
    needs: slow
    uses: exec
    with: { command: [echo, finished] }
`),
      handlers,
      event,
    );
    const { runId } = await runtime.start(graph, event);
    // Another process runs it: watch the database (bounded) until the child has started `slow`.
    for (let i = 0; ; i++) {
      const { rows } = await db.query<{ status: string }>(
        `SELECT status FROM forgeflow.nodes WHERE run_id = $1 AND node_id = 'slow'`,
        [runId],
      );
      if (rows[0]?.status === 'running') break;
      if (i > 500) throw new Error('the worker process never started the node');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);

    // `slow` finished inside the grace period; `done` was not started by the stopping worker.
    const run = (await runtime.getRun(runId))!;
    const slow = run.nodes.find((n) => n.node_id === 'slow')!;
    expect(slow.status).toBe('succeeded');
    expect(slow.attempts).toHaveLength(1);
    expect(run.nodes.find((n) => n.node_id === 'done')?.status).toBe('scheduled');

    // Another worker picks the rest up.
    child = spawn(process.execPath, [BIN, 'worker', '--database-url', db.url!], {
      env: { ...process.env, FORGEFLOW_EXEC_ALLOW: 'sleep,echo', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
});
