/**
 * The set-up most runtime test files share: this file's database, a runtime on it (a FakeClock
 * when given) with one worker started, the history check over every run in afterAll, and
 * helpers to start a pipeline and read its nodes. Call at the top level of a test file:
 *
 *   const t = useRuntime({ clock, handlers, settings: { pollsPerRun: 20 } });
 *   it('…', async () => { const runId = await t.startRun(`  a: { uses: test.script }\n`); });
 */
import { afterAll, beforeAll } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Handler } from '../../src/handlers/types.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import type { NodeRow } from '../../src/runtime/queries.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { RuntimeSettings } from '../../src/runtime/types.js';
import type { WorkerOptions } from '../../src/runtime/worker.js';
import { testDb, type TestDb } from './db.js';
import { expectAllHistoriesMatch } from './fold-history.js';
import { compileFor, pipeline, testRuntime, workerOptions } from './runtime.js';

export interface RuntimeFile {
  readonly db: TestDb;
  readonly runtime: Runtime;
  /** Compiles `pipeline(jobs, top)` for a manual event and starts it; resolves with its id. */
  startRun(jobs: string, top?: string): Promise<string>;
  /** The run's nodes by id. */
  nodesOf(runId: string): Promise<Record<string, NodeRow>>;
}

export function useRuntime(options: {
  handlers: Map<string, Handler>;
  clock?: FakeClock;
  settings?: Partial<RuntimeSettings>;
  worker?: Partial<WorkerOptions>;
}): RuntimeFile {
  let db: TestDb | undefined;
  let runtime: Runtime | undefined;
  beforeAll(async () => {
    db = await testDb();
    runtime = testRuntime(db, { clock: options.clock, settings: options.settings });
    // With a FakeClock, the fallback poll must not be what moves a test along.
    const pollMs = options.clock ? 86_400_000 : 200;
    await runtime
      .createWorker(workerOptions(options.handlers, { pollMs, ...options.worker }))
      .start();
  });
  afterAll(async () => {
    try {
      if (runtime) await expectAllHistoriesMatch(runtime);
    } finally {
      await runtime?.stopWorkers(options.clock ? 0 : 1_000);
      await db?.close();
    }
  });
  const file: RuntimeFile = {
    get db() {
      if (!db) throw new Error('useRuntime: the database opens in beforeAll');
      return db;
    },
    get runtime() {
      if (!runtime) throw new Error('useRuntime: the runtime starts in beforeAll');
      return runtime;
    },
    async startRun(jobs, top = '') {
      const event = manualEvent({ repo: 'octo/app' });
      const graph = compileFor(pipeline(jobs, top), options.handlers, event);
      return (await file.runtime.start(graph, event)).runId;
    },
    async nodesOf(runId) {
      const run = await file.runtime.getRun(runId);
      return Object.fromEntries((run?.nodes ?? []).map((n) => [n.node_id, n]));
    },
  };
  return file;
}
