/** A node's live log: a page of its lines after a cursor, or (`?follow=true`) a stream of them. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { runExists } from '../../runtime/queries.js';
import { logTotals, nodeState, readLog } from '../../runtime/logs/read.js';
import { sendProblem } from '../../contracts/problems.js';
import type { ApiDeps } from '../deps.js';
import { followLog } from '../log-follow.js';
import { sendRunMissing } from '../run-missing.js';
import { LogPageSchema, LogQuery, NodeParams } from '../log-schemas.js';
import { problems } from '../schemas.js';

export function logRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/runs/:id/nodes/:node/logs',
      {
        schema: {
          tags: ['runs'],
          summary: "A node's log: numbered lines after `after`; `follow=true` streams them (SSE)",
          params: NodeParams,
          querystring: LogQuery,
          response: { 200: LogPageSchema, ...problems(400, 401, 404, 410) },
        },
      },
      async (request, reply) => {
        const { id, node } = request.params;
        const state = await nodeState(deps.db, id, node);
        if (!state) {
          if (!(await runExists(deps.db, id))) return sendRunMissing(deps, reply, id);
          return sendProblem(reply, 'NODE_NOT_FOUND', `run ${id} has no node ${node}`);
        }
        const { attempt } = request.query;
        const after = request.query.after ?? 0;
        // A reconnecting EventSource says where it was.
        const lastId = Number(request.headers['last-event-id']);
        if (request.query.follow)
          return followLog(deps, request, reply, {
            runId: id,
            nodeId: node,
            after: Number.isSafeInteger(lastId) && lastId > after ? lastId : after,
            ...(attempt !== undefined ? { attempt } : {}),
          });
        const page = await readLog(deps.db, id, node, {
          after,
          limit: request.query.limit ?? 1000,
          ...(attempt !== undefined ? { attempt } : {}),
        });
        const totals = await logTotals(deps.db, id, node);
        return reply.send({
          lines: page.lines,
          next_after: page.lines.at(-1)?.n ?? after,
          more: page.more,
          node_status: state.status,
          finished: state.finished && !page.more,
          dropped_lines: totals.droppedLines,
          dropped_bytes: totals.droppedBytes,
        });
      },
    );
    return Promise.resolve();
  };
}
