/**
 * src/api — the HTTP face of forgeflow (fastify): the webhook routes, the delivery records,
 * health. Every error leaves as a problem document with a stable code (errors.ts), never a
 * stack trace.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { getDelivery } from '../webhooks/deliveries.js';
import type { IntakeDeps } from '../webhooks/intake.js';
import { webhookRoutes, type WebhookSettings } from '../webhooks/routes.js';
import { sendProblem } from './errors.js';

export interface ServerOptions extends IntakeDeps {
  webhooks: WebhookSettings;
  logger: FastifyBaseLogger;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendProblem(reply, 'BODY_TOO_LARGE', error.message);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendProblem(reply, 'UNSUPPORTED_MEDIA_TYPE', error.message);
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendProblem(reply, 'WEBHOOK_BODY_INVALID', error.message);
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 'INTERNAL', 'the server could not handle this request');
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'NOT_FOUND', `no route ${request.method} ${request.url}`),
  );

  await app.register(webhookRoutes(options.webhooks, options));

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get<{ Params: { id: string } }>('/api/v1/deliveries/:id', async (request, reply) => {
    const delivery = await getDelivery(options.db, request.params.id);
    if (!delivery) return sendProblem(reply, 'NOT_FOUND', `no delivery ${request.params.id}`);
    return delivery;
  });
  return app;
}
