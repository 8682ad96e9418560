/**
 * Wiring the parts into a service: the database, the runtime, every handler a worker runs
 * (the catalog's, made from the operator's services; the operator's `--handlers`; the plan of
 * webhook deliveries), and the HTTP server. `forgeflow serve` uses all of it,
 * `forgeflow worker` the workers only.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from '../api/server.js';
import { registryOf, type HandlerRegistry } from '../contracts/handler-spec.js';
import type { SecretStore } from '../common/secrets.js';
import type { ReleasesTable } from '../compiler/index.js';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { describeDatabase, openDatabase } from '../db/open.js';
import type { WebhookSecrets } from '../forges/adapters.js';
import { forgeClients, type ForgeClients } from '../forges/clients.js';
import { forgeGitAccess } from '../forges/git-access.js';
import { defaultMirrorRoot } from '../handlers/checkout/source.js';
import { catalogHandlers } from '../handlers/catalog.js';
import {
  DEFAULT_PACKIT_SETTINGS,
  handlerServices,
  type HandlerServices,
  type PackitSettings,
} from '../handlers/handler-services.js';
import { isPlaceholder, withOperatorHandlers } from '../handlers/not-configured.js';
import { handlerRegistry, specsOf } from '../handlers/registry.js';
import { probeSandbox, sandboxUnavailable } from '../handlers/sandbox/probe.js';
import { defaultWorkspaceRoot, type SandboxSettings } from '../handlers/sandbox/settings.js';
import type { Handler } from '../handlers/types.js';
import { HandlerError } from '../contracts/errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { Runtime } from '../runtime/runtime.js';
import { runtimePruneSteps, type PruneStep } from '../runtime/prune-steps.js';
import { Pruner } from '../runtime/pruner.js';
import { webhookPruneSteps } from '../webhooks/prune.js';
import { DEFAULT_RETENTION, type Retention } from '../contracts/retention.js';
import type { Worker } from '../runtime/worker.js';
import { watchPlanRuns } from '../webhooks/plan-end.js';
import { summaryBook } from '../webhooks/run-summaries.js';
import { watchRunSummaries } from '../webhooks/run-summary-end.js';
import { runSummaryHandler } from '../handlers/run-summary.js';
import { planHandler } from '../handlers/plan/plan-handler.js';
import { deliveryRecorder } from '../webhooks/deliveries.js';
import { commentAckBook } from '../webhooks/comment-acks.js';
import { scheduleBook } from '../webhooks/schedules/book.js';
import { ScheduleFirer } from '../webhooks/schedules/firer.js';
import { UsageError } from './io.js';
import { serviceLogger } from './logger.js';
import type { ServiceSettings } from './settings.js';
import { abortableSleep, openWhenReachable } from './wait-for-database.js';

export interface Service {
  db: Db;
  runtime: Runtime;
  worker: Worker;
  logger: Logger;
  handlers: Map<string, Handler>;
  /**
   * What pipelines are checked against: the catalog (handlers/catalog.ts) and the operator's
   * handlers. Not the internal plan handler, which no pipeline may name.
   */
  compilerHandlers: HandlerRegistry;
  forges: ForgeClients;
  /** Fires `on.schedule` (every serve and worker process runs one; a due time fires once). */
  firer: ScheduleFirer;
  /** Deletes what retention no longer keeps (every serve and worker runs one; one takes each turn). */
  pruner: Pruner;
}

export function databaseOptions(settings: ServiceSettings) {
  return { databaseUrl: settings.databaseUrl, dataDir: join(settings.dataDir, 'db') };
}

export interface ServiceOptions {
  /** The operator's handlers (`--handlers FILE`). */
  handlers?: readonly Handler[];
  /**
   * Wait for a PostgreSQL that is down or restarting (a log line per try) until it answers or
   * this aborts; without it, an unreachable database fails at once.
   */
  waitUntil?: AbortSignal;
}

export async function openService(
  settings: ServiceSettings,
  logger?: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  const log = logger ?? serviceLogger(settings);
  const open = async () => {
    const db = await openDatabase(databaseOptions(settings));
    try {
      await migrate(db);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  };
  const db =
    options.waitUntil && settings.databaseUrl !== undefined
      ? await openWhenReachable(open, {
          where: describeDatabase(databaseOptions(settings)),
          log: (line) => log.warn(line),
          sleep: abortableSleep,
          signal: options.waitUntil,
        })
      : await open();
  try {
    return {
      db,
      logger: log,
      ...assembleService(db, settings, {
        clock: systemClock,
        logger: log,
        ...(options.handlers ? { handlers: options.handlers } : {}),
      }),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The runtime, its handlers and a worker on an open, migrated database. */
export function assembleService(
  db: Db,
  settings: Pick<
    ServiceSettings,
    'publicUrl' | 'forges' | 'configFiles' | 'trustedUsers' | 'execAllow' | 'concurrency'
  > & {
    checkoutMirrors?: string;
    packit?: PackitSettings;
    packitReleases?: ReleasesTable | null;
    execSandbox?: SandboxSettings;
    secrets?: SecretStore;
    maxNodeLogBytes?: number;
    /** How long a worker's claim on a task lasts unless renewed (the runtime's default: 30 s). */
    leaseMs?: number;
    /** How long this worker may miss its liveness beats before others judge it dead. */
    workerDeadAfterMs?: number;
    /** How long finished runs and old rows are kept (default: DEFAULT_RETENTION). */
    retention?: Retention;
  },
  deps: {
    clock: Clock;
    logger: Logger;
    random?: () => number;
    /** The operator's handlers (`--handlers FILE`). */
    handlers?: readonly Handler[];
  },
): Omit<Service, 'db' | 'logger'> {
  const runtime = new Runtime({
    db,
    clock: deps.clock,
    settings: {
      publicUrl: settings.publicUrl,
      ...(settings.secrets ? { secrets: settings.secrets } : {}),
      ...(settings.maxNodeLogBytes ? { maxNodeLogBytes: settings.maxNodeLogBytes } : {}),
      ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}),
      ...(settings.workerDeadAfterMs ? { workerDeadAfterMs: settings.workerDeadAfterMs } : {}),
    },
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
  const services = handlerServices({
    forges,
    packit: { ...(settings.packit ?? DEFAULT_PACKIT_SETTINGS), now: () => deps.clock.now() },
    checkout: {
      kind: 'forge',
      mirrors:
        settings.checkoutMirrors ??
        defaultMirrorRoot(settings.execSandbox?.workspaceRoot ?? defaultWorkspaceRoot()),
      access: forgeGitAccess(settings.forges),
    },
  });
  const base = workerHandlers(services, deps.handlers ?? []);
  const compilerHandlers = registryOf(specsOf(base));
  const plan = planHandler({
    forges,
    handlers: compilerHandlers,
    configFiles: settings.configFiles,
    trustedUsers: settings.trustedUsers,
    publicUrl: settings.publicUrl,
    record: deliveryRecorder(db, deps.clock),
    packitReleases: settings.packitReleases ?? null,
    schedules: scheduleBook(db, deps.clock),
    acks: commentAckBook(db, deps.clock),
  });
  // A plan run that ends without deciding (a poison pill, a cancel) ends its delivery too.
  watchPlanRuns(runtime, { publicUrl: settings.publicUrl });
  // A pull request's run that ends queues its summary: one comment per PR and pipeline.
  watchRunSummaries(runtime, { publicUrl: settings.publicUrl });
  const summaries = runSummaryHandler({ forges, book: summaryBook(db, deps.clock) });
  const handlers = handlerRegistry([...base.values(), plan, summaries]);
  const worker = runtime.createWorker({
    handlers,
    handlerSettings: {
      execAllow: settings.execAllow,
      ...(settings.execSandbox ? { execSandbox: settings.execSandbox } : {}),
      secrets: {},
    },
    logger: log,
    concurrency: settings.concurrency,
  });
  const firer = new ScheduleFirer({ db, runtime, clock: deps.clock, log });
  const pruner = new Pruner({
    db,
    clock: deps.clock,
    steps: pruneSteps(db, settings.retention ?? DEFAULT_RETENTION),
    ...(deps.random ? { random: deps.random } : {}),
    id: worker.id,
    log,
    onTurn: (counts) => {
      if (Object.values(counts).some((n) => n > 0)) log.info({ pruned: counts }, 'pruned');
    },
  });
  return { runtime, worker, handlers, compilerHandlers, forges, firer, pruner };
}

/** Every table retention prunes: the runtime's, then the webhooks'. */
export function pruneSteps(db: Db, retention: Retention): PruneStep[] {
  return [...runtimePruneSteps(db, retention), ...webhookPruneSteps(db, retention)];
}

/** A server that runs exec steps refuses to start when it cannot sandbox them (unless told not to). */
export async function checkExecSandbox(settings: ServiceSettings): Promise<void> {
  if (settings.execAllow === null) return;
  const problem = await probeSandbox(settings.execSandbox);
  if (problem !== undefined) throw new UsageError(sandboxUnavailable(problem));
}

/**
 * The handlers a worker runs (but the plan handler): the catalog's, made from `services`
 * (without forge clients, as in `forgeflow run`, the forge handlers fail NotConfigured), and
 * the operator's, which may replace the NotConfigured placeholders and nothing else. So every
 * command checks pipelines against the same names and schemas.
 */
export function workerHandlers(
  services: HandlerServices,
  operator: readonly Handler[] = [],
): Map<string, Handler> {
  const ours = catalogHandlers(services);
  for (const handler of operator) {
    const taken = ours.find((h) => h.spec.name === handler.spec.name);
    if (taken && !isPlaceholder(taken))
      throw new UsageError(
        `--handlers: "${handler.spec.name}" is a handler forgeflow has; only the Packit job types forgeflow does not integrate (${ours
          .filter(isPlaceholder)
          .map((h) => h.spec.name)
          .join(', ')}) can be replaced`,
      );
  }
  return handlerRegistry(withOperatorHandlers(ours, operator));
}

/**
 * `--handlers FILE`: an ES module whose default export is an array of handlers
 * (`{ spec: { name, description, input }, run(input, context) }`), or a function returning
 * one (it is given `{ HandlerError }`, to throw errors that say whether to retry).
 */
export async function loadOperatorHandlers(file: string, cwd = process.cwd()): Promise<Handler[]> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(resolve(cwd, file)).href)) as { default?: unknown };
  } catch (error) {
    throw new UsageError(`--handlers ${file}: cannot load it: ${(error as Error).message}`);
  }
  let handlers = module.default;
  if (typeof handlers === 'function')
    handlers = await (handlers as (tools: unknown) => unknown)({ HandlerError });
  if (!Array.isArray(handlers))
    throw new UsageError(
      `--handlers ${file}: its default export must be an array of handlers, or a function returning one`,
    );
  const names = new Set<string>();
  return handlers.map((handler: unknown, index) => {
    const { spec, run } = (handler ?? {}) as Partial<Handler>;
    const name = spec?.name;
    if (
      typeof name !== 'string' ||
      name === '' ||
      typeof spec?.input !== 'object' ||
      spec.input === null ||
      typeof run !== 'function'
    )
      throw new UsageError(
        `--handlers ${file}: handler ${index} needs spec.name, spec.input (a JSON Schema) and run(input, context)`,
      );
    if (names.has(name)) throw new UsageError(`--handlers ${file}: "${name}" is there twice`);
    names.add(name);
    return {
      spec: { ...spec, name, description: spec.description ?? '' },
      run: (input, context) => run.call(handler, input, context),
    };
  });
}

export interface Secrets {
  webhooks: WebhookSecrets;
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
    handlers: service.compilerHandlers,
    packitReleases: settings.packitReleases,
    forges: service.forges,
    auth: { token: secrets.apiToken, readsNeedToken: settings.readsNeedToken },
    webhooks: { ...secrets.webhooks, bodyLimit: settings.bodyLimit },
  });
}
