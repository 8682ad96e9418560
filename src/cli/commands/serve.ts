/**
 * `forgeflow serve`: the webhook receiver, the API and a worker in one process, on the embedded
 * database in the data directory, or on PostgreSQL with DATABASE_URL. Without a webhook secret
 * it makes one on first start and prints it once. SIGTERM or SIGINT: stop taking requests,
 * drain the worker, close the database.
 */
import { parseArgs } from 'node:util';
import { describeDatabase } from '../../db/open.js';
import { EXIT, type Io } from '../io.js';
import { databaseOptions, httpServer, openService } from '../service.js';
import { readSettings } from '../settings.js';
import { webhookSecret } from '../webhook-secret.js';

export const serveUsage =
  'forgeflow serve [--port N] [--host ADDR] [--data-dir DIR] [--database-url URL] [--concurrency N] [--grace SECONDS]';

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
    },
  });
  const settings = readSettings(process.env, values);
  const graceMs = Math.max(0, Number(values.grace) || 0) * 1000;
  let githubSecret = settings.githubWebhookSecret;
  let gitlabToken = settings.gitlabWebhookToken;
  if (githubSecret === null || (gitlabToken === null && settings.gitlabSigningToken === null)) {
    const stored = webhookSecret(settings.dataDir);
    githubSecret ??= stored.secret;
    if (settings.gitlabSigningToken === null) gitlabToken ??= stored.secret;
    if (stored.created)
      io.out(
        `generated a webhook secret (stored in ${stored.path}; shown this once):\n\n  ${stored.secret}\n\n` +
          'use it as the GitHub webhook secret and the GitLab secret token, or set GITHUB_WEBHOOK_SECRET / GITLAB_WEBHOOK_TOKEN\n\n',
      );
  }

  const service = await openService(settings);
  const server = await httpServer(service, settings, githubSecret, gitlabToken);
  const stop = new Promise<string>((resolve) => {
    signals.once('SIGTERM', () => resolve('SIGTERM'));
    signals.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    await service.worker.start();
    const address = await server.listen({ port: settings.port, host: settings.host });
    io.out(
      [
        `forgeflow is serving on ${address} (${describeDatabase(databaseOptions(settings))})`,
        `  webhooks: ${settings.publicUrl}/webhooks/github  ${settings.publicUrl}/webhooks/gitlab`,
        `  health:   ${settings.publicUrl}/healthz`,
        '',
      ].join('\n'),
    );
    const signal = await stop;
    io.out(`${signal}: stopping\n`);
    await server.close();
    await service.worker.stop(graceMs);
    return EXIT.ok;
  } finally {
    await server.close();
    await service.db.close();
  }
}
