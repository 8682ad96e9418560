/**
 * `forgeflow serve`: the web page, the API, the webhook receiver and a worker in one process,
 * on the embedded database in the data directory, or on PostgreSQL with DATABASE_URL. Without a
 * webhook secret or an API token it makes them on first start and prints them once. SIGTERM or
 * SIGINT: stop taking requests, drain the worker, close the database.
 */
import { parseArgs } from 'node:util';
import { describeDatabase } from '../../db/open.js';
import { forgeAdapters } from '../../forges/adapters.js';
import { EXIT, type Io } from '../io.js';
import {
  checkExecSandbox,
  databaseOptions,
  httpServer,
  loadOperatorHandlers,
  type Secrets,
} from '../service.js';
import { ensurePortFree, portInUse } from '../port-check.js';
import { readSettings, type ServiceSettings } from '../settings.js';
import { openServiceUntilStopped } from '../stop-signals.js';
import { API_TOKEN_FILE, makeDataDir, storedSecret, webhookSecret } from '../webhook-secret.js';

export const serveUsage =
  'forgeflow serve [--port N] [--host ADDR] [--data-dir DIR] [--database-url URL] [--concurrency N] [--grace SECONDS] [--handlers FILE] [--exec-sandbox namespaces|none] [--log-format text|json] [--lease DURATION] [--retention SPEC]';

export async function serveCommand(
  args: string[],
  io: Io,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      concurrency: { type: 'string' },
      grace: { type: 'string', default: '30' },
      handlers: { type: 'string' },
      'exec-sandbox': { type: 'string' },
      'log-format': { type: 'string' },
      lease: { type: 'string' },
      retention: { type: 'string' },
    },
  });
  const settings = readSettings(process.env, values);
  await checkExecSandbox(settings);
  // Before any secret is made and shown: a taken port is then one line, not a lost secret.
  await ensurePortFree(settings.host, settings.port);
  makeDataDir(settings.dataDir);
  const handlers = values.handlers === undefined ? [] : await loadOperatorHandlers(values.handlers);
  const graceMs = Math.max(0, Number(values.grace) || 0) * 1000;
  const secrets = secretsOf(settings, io);

  const opened = await openServiceUntilStopped(settings, { handlers }, io, signals);
  if (!opened) return EXIT.ok;
  const { service, stop } = opened;
  const server = await httpServer(service, settings, secrets);
  try {
    await service.worker.start();
    service.firer.start();
    service.pruner.start();
    const address = await server
      .listen({ port: settings.port, host: settings.host })
      .catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? portInUse(settings.host, settings.port) : error;
      });
    const url = settings.publicUrl;
    io.out(
      [
        `forgeflow is serving on ${address} (${describeDatabase(databaseOptions(settings))})`,
        `  page:     ${url}/`,
        `  API docs: ${url}/docs`,
        `  webhooks: ${url}/webhooks/github  ${url}/webhooks/gitlab`,
        `  health:   ${url}/healthz  ${url}/readyz  ${url}/metrics`,
        '',
      ].join('\n'),
    );
    const signal = await stop;
    io.out(`${signal}: stopping\n`);
    await server.close();
    await service.firer.stop();
    await service.pruner.stop();
    await service.worker.stop(graceMs);
    return EXIT.ok;
  } finally {
    await server.close();
    await service.firer.stop();
    await service.pruner.stop();
    await service.worker.stop(0);
    await service.db.close();
  }
}

/** The configured secrets, or the ones kept in the data directory (made and shown once). */
function secretsOf(settings: ServiceSettings, io: Io): Secrets {
  let stored: ReturnType<typeof webhookSecret> | undefined;
  const generated = () => (stored ??= webhookSecret(settings.dataDir)).secret;
  let webhooks = settings.webhookSecrets;
  const takers = [];
  for (const adapter of forgeAdapters()) {
    const filled = adapter.webhook.generated.fill(webhooks, generated);
    if (filled !== webhooks) takers.push(adapter.webhook.generated);
    webhooks = filled;
  }
  if (stored?.created)
    io.out(
      `generated a webhook secret (stored in ${stored.path}; shown this once):\n\n  ${stored.secret}\n\n` +
        `use it as ${takers.map((t) => t.use).join(' and ')}, or set ${takers.map((t) => t.env).join(' / ')}\n\n`,
    );
  let apiToken = settings.apiToken;
  if (apiToken === null) {
    const stored = storedSecret(settings.dataDir, API_TOKEN_FILE);
    apiToken = stored.secret;
    if (stored.created)
      io.out(
        `generated an API token (stored in ${stored.path}; shown this once):\n\n  ${stored.secret}\n\n` +
          'API calls that change something (and the page’s cancel, retry and signal buttons) ask for it; or set FORGEFLOW_API_TOKEN\n\n',
      );
  }
  return { webhooks, apiToken };
}
