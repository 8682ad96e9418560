/**
 * `forgeflow worker`: workers only, for scaling out (DESIGN.md §7). Many of these on many
 * machines share one Postgres. SIGTERM or SIGINT stops claiming, lets in-flight attempts finish
 * within the grace period, then releases the rest to other workers and exits.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { migrate } from '../../db/migrate.js';
import { describeDatabase, openDatabase } from '../../db/open.js';
import { builtInHandlers } from '../../handlers/registry.js';
import { Runtime } from '../../runtime/runtime.js';
import { EXIT, UsageError, type Io } from '../io.js';

export const workerUsage =
  'forgeflow worker [--database-url URL] [--data-dir DIR] [--concurrency N] [--grace SECONDS]';

/** `FORGEFLOW_EXEC_ALLOW=echo,make,/opt/ci/run.sh`: the programs exec may run; unset = exec off. */
export function execAllowFromEnv(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export async function workerCommand(
  args: string[],
  io: Io,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      concurrency: { type: 'string', default: '10' },
      grace: { type: 'string', default: '30' },
    },
  });
  const concurrency = Number(values.concurrency);
  const graceSeconds = Number(values.grace);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('--concurrency must be a whole number ≥ 1');
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0)
    throw new UsageError('--grace must be a number of seconds ≥ 0');
  const options = {
    databaseUrl: values['database-url'] ?? process.env.DATABASE_URL,
    dataDir: values['data-dir'],
  };
  const db = await openDatabase(options);
  try {
    await migrate(db);
    const runtime = new Runtime({
      db,
      settings: { publicUrl: process.env.FORGEFLOW_PUBLIC_URL ?? 'http://localhost:8080' },
    });
    const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
    const worker = runtime.createWorker({
      handlers: builtInHandlers(),
      handlerSettings: {
        execAllow: execAllowFromEnv(process.env.FORGEFLOW_EXEC_ALLOW),
        secrets: {},
      },
      logger,
      concurrency,
    });
    const stop = new Promise<string>((resolve) => {
      signals.once('SIGTERM', () => resolve('SIGTERM'));
      signals.once('SIGINT', () => resolve('SIGINT'));
    });
    await worker.start();
    io.out(
      `worker ${worker.id} running on ${describeDatabase(options)} (concurrency ${concurrency})\n`,
    );
    const signal = await stop;
    io.out(
      `${signal}: no new work; waiting up to ${graceSeconds}s for ${worker.busy} running attempt(s)\n`,
    );
    await worker.stop(graceSeconds * 1000);
    io.out('worker stopped\n');
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
