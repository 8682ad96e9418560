/**
 * Wiring the parts into a service: the database, the runtime, every handler a worker runs
 * (the built-ins, the forge handlers, the plan of webhook deliveries), and the HTTP server.
 * `forgeflow serve` uses all of it, `forgeflow worker` the workers only.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildServer } from '../api/server.js';
import { registryOf } from '../compiler/handler-spec.js';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { forgeClients, type ForgeClients } from '../forges/clients.js';
import { forgeHandlers } from '../handlers/forge-handlers.js';
import { builtInHandlers, handlerRegistry, specsOf } from '../handlers/registry.js';
import type { Handler } from '../handlers/types.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { Runtime } from '../runtime/runtime.js';
import type { Worker } from '../runtime/worker.js';
import { planHandler } from '../webhooks/plan-handler.js';
import type { ServiceSettings } from './settings.js';

export interface Service {
  db: Db;
  runtime: Runtime;
  worker: Worker;
  logger: Logger;
  handlers: Map<string, Handler>;
  forges: ForgeClients;
}

export function databaseOptions(settings: ServiceSettings) {
  return { databaseUrl: settings.databaseUrl, dataDir: join(settings.dataDir, 'db') };
}

export async function openService(settings: ServiceSettings, logger?: Logger): Promise<Service> {
  const log = logger ?? pino({ level: settings.logLevel });
  const db = await openDatabase(databaseOptions(settings));
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, logger: log, ...assembleService(db, settings, { clock: systemClock, logger: log }) };
}

/** The runtime, its handlers and a worker on an open, migrated database. */
export function assembleService(
  db: Db,
  settings: Pick<
    ServiceSettings,
    'publicUrl' | 'forges' | 'configFiles' | 'trustedUsers' | 'execAllow' | 'concurrency'
  >,
  deps: { clock: Clock; logger: Logger; random?: () => number },
): Omit<Service, 'db' | 'logger'> {
  const runtime = new Runtime({
    db,
    clock: deps.clock,
    settings: { publicUrl: settings.publicUrl },
    ...(deps.random ? { random: deps.random } : {}),
  });
  const log = deps.logger;
  const forges = forgeClients(settings.forges, {
    now: () => deps.clock.now(),
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    },
  });
  const base = handlerRegistry([...builtInHandlers().values(), ...forgeHandlers(forges)]);
  const plan = planHandler({
    db,
    runtime,
    forges,
    handlers: registryOf(specsOf(base)),
    configFiles: settings.configFiles,
    trustedUsers: settings.trustedUsers,
    publicUrl: settings.publicUrl,
    clock: deps.clock,
  });
  const handlers = handlerRegistry([...base.values(), plan]);
  const worker = runtime.createWorker({
    handlers,
    handlerSettings: { execAllow: settings.execAllow, secrets: {} },
    logger: log,
    concurrency: settings.concurrency,
  });
  return { runtime, worker, handlers, forges };
}

export interface Secrets {
  githubSecret: string | null;
  gitlabToken: string | null;
  apiToken: string | null;
}

export async function httpServer(
  service: Service,
  settings: ServiceSettings,
  secrets: Secrets,
): Promise<FastifyInstance> {
  return buildServer({
    db: service.db,
    runtime: service.runtime,
    clock: service.runtime.engine.clock,
    logger: service.logger,
    handlers: registryOf(specsOf(service.handlers)),
    forges: service.forges,
    auth: { token: secrets.apiToken, readsNeedToken: settings.readsNeedToken },
    webhooks: {
      githubSecret: secrets.githubSecret,
      gitlabToken: secrets.gitlabToken,
      gitlabSigningToken: settings.gitlabSigningToken,
      bodyLimit: settings.bodyLimit,
    },
  });
}
