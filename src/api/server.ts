/**
 * src/api — the HTTP face of forgeflow (fastify): the REST API under /api/v1, the webhook
 * routes, operations endpoints, the OpenAPI document at /docs (served from the package, no
 * CDN) and the web page at /. Every route declares its request and answer schemas; every
 * error leaves as a problem document with a stable code (errors.ts), never a stack trace.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { ReleasesTable } from '../compiler/index.js';
import type { IntakeDeps } from '../webhooks/intake.js';
import { webhookRoutes, type WebhookSettings } from '../webhooks/routes.js';
import { authFirst, requireToken, type AuthSettings, type Guard } from './auth.js';
import type { ApiDeps } from './deps.js';
import { sendProblem } from '../contracts/problems.js';
import { frameworkErrors } from './framework-errors.js';
import { finiteNumbers } from './finite-numbers.js';
import { BodyTooDeep, readJsonBodies } from './json-body.js';
import { redactingLogger } from './log-redaction.js';
import { noteFailure, OneLineRequestLog } from './request-log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { pageRoutes } from './page.js';
import { controlRoutes } from './routes/control.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { scheduleRoutes } from './routes/schedules.js';
import { logRoutes } from './routes/logs.js';
import { opsRoutes } from './routes/ops.js';
import { runRoutes } from './routes/runs.js';
import { validateRoutes } from './routes/validate.js';

export interface ServerOptions extends IntakeDeps {
  webhooks: WebhookSettings;
  logger: FastifyBaseLogger;
  /** API auth; default: no token, so every mutating call is refused. */
  auth?: AuthSettings;
  handlers?: HandlerRegistry;
  /** For Packit configs given to the API; default: the built-in table. */
  packitReleases?: ReleasesTable | null;
  /** Body limit of API requests (webhooks have their own). */
  bodyLimit?: number;
}

export interface Server {
  app: FastifyInstance;
  metrics: Metrics;
}

const open: Guard = () => Promise.resolve();

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  return (await buildServerWithMetrics(options)).app;
}

export async function buildServerWithMetrics(options: ServerOptions): Promise<Server> {
  const auth = options.auth ?? { token: null, readsNeedToken: false };
  const writeGuard = requireToken(auth);
  const readGuard = auth.readsNeedToken ? writeGuard : open;
  const app = Fastify({
    frameworkErrors: frameworkErrors({ read: readGuard, write: writeGuard }),
    loggerInstance: redactingLogger(options.logger),
    logController: new OneLineRequestLog(),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // Query strings: `?children=true`, numbers as numbers (finite: finite-numbers.ts),
    // validated by the route schemas.
    ajv: {
      customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false },
      plugins: [finiteNumbers],
    },
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      return sendProblem(
        reply,
        where === 'body' ? 'INVALID_BODY' : 'INVALID_PARAMETER',
        `${where}: ${error.message.replace(/^(body|querystring|params)\/?/, '')}`,
      );
    }
    if (error instanceof BodyTooDeep) return sendProblem(reply, 'BODY_TOO_DEEP', error.message);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendProblem(reply, 'BODY_TOO_LARGE', error.message);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendProblem(reply, 'UNSUPPORTED_MEDIA_TYPE', error.message);
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendProblem(reply, 'INVALID_BODY', error.message);
    noteFailure(request, error);
    return sendProblem(reply, 'INTERNAL', 'the server could not handle this request');
  });
  readJsonBodies(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'forgeflow',
        version: '1',
        description: 'Runs, their graphs and histories; control; webhook deliveries.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const deps: ApiDeps = {
    db: options.db,
    runtime: options.runtime,
    clock: options.clock,
    handlers: options.handlers ?? new Map(),
    packitReleases: options.packitReleases ?? null,
    forges: options.forges ?? null,
    readGuard,
    writeGuard,
  };
  // Before any route is registered, so every one inherits it; unknown /api/ paths too.
  app.addHook('onRequest', authFirst({ read: deps.readGuard, write: deps.writeGuard }));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
  const metrics = createMetrics(options.runtime);
  app.addHook('onClose', () => {
    metrics.close();
    return Promise.resolve();
  });

  await app.register(webhookRoutes(options.webhooks, options, metrics));
  await app.register(runRoutes(deps));
  await app.register(logRoutes(deps));
  await app.register(controlRoutes(deps));
  await app.register(deliveryRoutes(deps));
  await app.register(scheduleRoutes(deps));
  await app.register(validateRoutes(deps));
  await app.register(opsRoutes(deps, metrics));
  await app.register(pageRoutes());
  return { app, metrics };
}
