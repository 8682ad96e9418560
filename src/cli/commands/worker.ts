/**
 * `forgeflow worker`: workers only, for scaling out (DESIGN.md §7). Many of these on many
 * machines share one Postgres. SIGTERM or SIGINT stops claiming, lets in-flight attempts finish
 * within the grace period, then releases the rest to other workers and exits.
 */
import { parseArgs } from 'node:util';
import { describeDatabase } from '../../db/open.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { checkExecSandbox, databaseOptions, loadOperatorHandlers } from '../service.js';
import { createRuntimeMetrics } from '../../runtime/metrics/runtime-metrics.js';
import { readMetricsAddress, serveMetrics, type MetricsServer } from '../metrics-server.js';
import { readSettings } from '../settings.js';
import { makeDataDir } from '../webhook-secret.js';
import { openServiceUntilStopped } from '../stop-signals.js';

export const workerUsage =
  'forgeflow worker [--database-url URL] [--data-dir DIR] [--concurrency N] [--grace SECONDS] [--handlers FILE] [--exec-sandbox namespaces|none] [--log-format text|json] [--lease DURATION] [--retention SPEC] [--metrics-addr [HOST:]PORT]';

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
      handlers: { type: 'string' },
      'exec-sandbox': { type: 'string' },
      'log-format': { type: 'string' },
      lease: { type: 'string' },
      retention: { type: 'string' },
      'metrics-addr': { type: 'string' },
    },
  });
  const concurrency = Number(values.concurrency);
  const graceSeconds = Number(values.grace);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('--concurrency must be a whole number ≥ 1');
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0)
    throw new UsageError('--grace must be a number of seconds ≥ 0');
  const metricsAt = values['metrics-addr'] ?? process.env.FORGEFLOW_METRICS_ADDR;
  const metricsAddress = metricsAt ? readMetricsAddress(metricsAt) : undefined;
  const settings = readSettings(process.env, { ...values, concurrency: String(concurrency) });
  await checkExecSandbox(settings);
  if (settings.databaseUrl === undefined) makeDataDir(settings.dataDir);
  const handlers = values.handlers === undefined ? [] : await loadOperatorHandlers(values.handlers);
  const opened = await openServiceUntilStopped(settings, { handlers }, io, signals);
  if (!opened) return EXIT.ok;
  const { service, stop } = opened;
  const metrics = metricsAddress ? createRuntimeMetrics(service.runtime) : undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    const worker = service.worker;
    if (metrics && metricsAddress) metricsServer = await serveMetrics(metrics, metricsAddress);
    await worker.start();
    service.firer.start();
    service.pruner.start();
    io.out(
      `worker ${worker.id} running on ${describeDatabase(databaseOptions(settings))} (concurrency ${concurrency})\n`,
    );
    if (metricsServer) io.out(`  metrics: ${metricsServer.url}\n`);
    const signal = await stop;
    io.out(
      `${signal}: no new work; waiting up to ${graceSeconds}s for ${worker.busy} running attempt(s)\n`,
    );
    await service.firer.stop();
    await service.pruner.stop();
    await worker.stop(graceSeconds * 1000);
    io.out('worker stopped\n');
    return EXIT.ok;
  } finally {
    await metricsServer?.close();
    metrics?.close();
    await service.firer.stop();
    await service.pruner.stop();
    await service.db.close();
  }
}
