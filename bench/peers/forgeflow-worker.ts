/**
 * forgeflow's worker process in the peers bench: one Worker on a Db that counts every round
 * trip (bench/support.ts's CountingDb), running the no-op handler; the count goes back to the
 * main process on stop, so the statements per run and per step are forgeflow's own.
 */
import type { Handler } from '../../src/handlers/types.js';
import { openPg } from '../../src/db/pg.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { benchLogger, CountingDb } from '../support.js';
import { NOOP } from './forgeflow-pipelines.js';
import { configOf, reportEntered, serveWorker } from './ipc.js';
import type { ForgeflowWorkerConfig } from './settings.js';

const config = configOf<ForgeflowWorkerConfig>();

const noop: Handler = {
  spec: NOOP,
  run(_input, context) {
    // Latency rounds start single-node runs (the key is the run); chain rounds one run of jN.
    if (config.report) reportEntered(context.nodeId === 'noop' ? context.runId : context.nodeId);
    return Promise.resolve(null);
  },
};

const db = new CountingDb(
  openPg(config.url, { max: config.poolMax, applicationName: 'forgeflow-bench-worker' }),
  undefined,
);
const runtime = new Runtime({ db });
const logger = benchLogger();
const worker = runtime.createWorker({
  concurrency: config.concurrency,
  pollMs: config.pollMs,
  handlers: new Map([[NOOP.name, noop]]),
  handlerSettings: { execAllow: null, secrets: {} },
  logger,
});

serveWorker({
  async start() {
    db.reset();
    await worker.start();
  },
  async stop() {
    await runtime.stopWorkers();
    const cost = db.snapshot();
    await db.close();
    return {
      errors: logger.errors,
      firstError:
        logger.first === undefined
          ? null
          : JSON.stringify(logger.first, (_, v: unknown) => (v instanceof Error ? v.message : v)),
      cost,
    };
  },
});
