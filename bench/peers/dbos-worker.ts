/**
 * DBOS Transact's worker process in the peers bench: DBOS launched on the fresh database, the
 * queue the main process registered dispatching to two workflows: `one`, a workflow with one
 * no-op step, and `chain`, one workflow running N no-op steps in sequence (DBOS's nearest shape
 * to a chain of jobs: not the same thing, and the docs page says so).
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { configOf, reportEntered, serveWorker } from './ipc.js';
import type { DbosWorkerConfig } from './settings.js';

const config = configOf<DbosWorkerConfig>();

let errors = 0;
let firstError: string | null = null;
const note = (entry: unknown) => {
  errors++;
  firstError ??= entry instanceof Error ? entry.message : String(entry);
};

DBOS.setConfig({
  name: config.appName,
  systemDatabaseUrl: config.url,
  systemDatabasePoolSize: config.poolSize,
  applicationVersion: config.appVersion,
  // Counted, not printed: the bench's output is its table.
  logger: { info() {}, debug() {}, warn: note, error: note },
});

const noopStep = DBOS.registerStep(
  (key: string) => {
    if (config.report) reportEntered(key);
    return Promise.resolve();
  },
  { name: 'noop' },
);

DBOS.registerWorkflow(
  async (key: string) => {
    await noopStep(key);
  },
  { name: 'one' },
);

DBOS.registerWorkflow(
  async (steps: number) => {
    for (let step = 1; step <= steps; step++) await noopStep(String(step));
  },
  { name: 'chain' },
);

serveWorker({
  start: () => DBOS.launch(),
  async stop() {
    await DBOS.shutdown();
    return { errors, firstError, cost: null };
  },
});
