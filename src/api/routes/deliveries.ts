/** Webhook deliveries: what each started, or why nothing. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { getDelivery, listDeliveries, type Delivery } from '../../webhooks/deliveries.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';
import { sendProblem } from '../../contracts/problems.js';
import {
  DeliveryListSchema,
  DeliveryParams,
  DeliverySchema,
  PageQuery,
  problems,
} from '../schemas.js';
import { iso } from '../views.js';

function view(delivery: Delivery) {
  return {
    ...delivery,
    received_at: iso(delivery.received_at),
    updated_at: iso(delivery.updated_at),
  };
}

export function deliveryRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/deliveries',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'Webhook deliveries, newest first',
          querystring: PageQuery,
          response: { 200: DeliveryListSchema, ...problems(400, 401) },
        },
      },
      async (request, reply) => {
        const { limit = 50, cursor } = request.query;
        const before = cursor === undefined ? undefined : decodeCursor(cursor);
        if (cursor !== undefined && before === undefined)
          return sendProblem(reply, 'INVALID_CURSOR', 'cursor is not one this server gave out');
        const rows = await listDeliveries(deps.db, limit + 1, before);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return reply.send({
          deliveries: page.map(view),
          next_cursor:
            rows.length > limit && last
              ? encodeCursor({ at: last.received_at, id: last.id })
              : null,
        });
      },
    );

    app.get(
      '/api/v1/deliveries/:id',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'One delivery: which runs it started, or why none',
          params: DeliveryParams,
          response: { 200: DeliverySchema, ...problems(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const delivery = await getDelivery(deps.db, request.params.id);
        if (!delivery)
          return sendProblem(reply, 'DELIVERY_NOT_FOUND', `no delivery ${request.params.id}`);
        return reply.send(view(delivery));
      },
    );
    return Promise.resolve();
  };
}
