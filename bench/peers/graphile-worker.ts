/**
 * graphile-worker's worker process in the peers bench: one runner with the batching its
 * performance page sets (local queue, batched completion; settings.ts), two tasks: `noop`, and
 * `chain`, whose job adds the next job of the chain from inside its task.
 */
import { Logger, run, type Runner, type Task } from 'graphile-worker';
import { configOf, reportEntered, serveWorker } from './ipc.js';
import type { GraphileWorkerConfig } from './settings.js';

const config = configOf<GraphileWorkerConfig>();

let errors = 0;
let firstError: string | null = null;
const logger = new Logger(() => (level, message) => {
  const severity = String(level);
  if (severity !== 'error' && severity !== 'warning') return;
  errors++;
  firstError ??= message;
});

const noop: Task = (payload) => {
  if (config.report) reportEntered((payload as { key: string }).key);
};

const chain: Task = async (payload, helpers) => {
  const { step, steps } = payload as { step: number; steps: number };
  if (config.report) reportEntered(String(step));
  if (step < steps) await helpers.addJob('chain', { step: step + 1, steps });
};

let runner: Runner | undefined;

serveWorker({
  async start() {
    runner = await run({
      taskList: { noop, chain },
      parsedCronItems: [],
      noHandleSignals: true,
      preset: {
        worker: {
          connectionString: config.url,
          concurrentJobs: config.concurrency,
          maxPoolSize: config.maxPoolSize,
          localQueue: { size: config.localQueueSize },
          completeJobBatchDelay: config.completeJobBatchDelay,
          failJobBatchDelay: config.failJobBatchDelay,
          logger,
        },
      },
    });
  },
  async stop() {
    await runner?.stop();
    return { errors, firstError, cost: null };
  },
});
