/** Reading runs: the list, one run, its history, its graph. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toMermaid } from '../../compiler/mermaid.js';
import { RUN_ID } from '../../contracts/run-id.js';
import { runExists, runGraph, runHistory } from '../../runtime/queries.js';
import { listRunSummaries, runDetail } from '../../runtime/run-views.js';
import type { RunStatus } from '../../runtime/states.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { sendProblem } from '../../contracts/problems.js';
import {
  GraphQuery,
  HistoryQuery,
  HistorySchema,
  problems,
  RunDetailSchema,
  RunListQuery,
  RunListSchema,
  RunParams,
} from '../schemas.js';
import type { ApiDeps } from '../deps.js';
import { sendRunMissing } from '../run-missing.js';
import { detailView, historyView, summaryView } from '../views.js';

export function runRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/runs',
      {
        schema: {
          tags: ['runs'],
          summary: 'Runs, newest first; filtered, by the start of their id too',
          querystring: RunListQuery,
          response: { 200: RunListSchema, ...problems(400, 401) },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        if (query.cursor !== undefined && (before === undefined || !RUN_ID.test(before.id)))
          return sendProblem(reply, 'INVALID_CURSOR', 'cursor is not one this server gave out');
        const since = query.since === undefined ? undefined : new Date(query.since);
        // ajv's date-time takes a leap second (…T23:59:60Z), which Date cannot hold, and the
        // year 0000, which PostgreSQL does not have (found by the fuzzer).
        if (since !== undefined && !(since.getUTCFullYear() >= 1))
          return sendProblem(
            reply,
            'INVALID_PARAMETER',
            'since is not a time this server can read',
          );
        const limit = query.limit ?? 50;
        const { runs, more } = await listRunSummaries(deps.db, {
          limit,
          ...(query.repo !== undefined ? { repo: query.repo } : {}),
          ...(query.pipeline !== undefined ? { pipeline: query.pipeline } : {}),
          ...(query.status !== undefined ? { status: query.status as RunStatus } : {}),
          ...(query.trigger !== undefined ? { trigger: query.trigger } : {}),
          ...(query.sha !== undefined ? { sha: query.sha.toLowerCase() } : {}),
          ...(query.id_prefix !== undefined ? { idPrefix: query.id_prefix } : {}),
          ...(query.pr !== undefined ? { pr: query.pr } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(query.children ? { children: true } : {}),
          ...(before ? { before } : {}),
        });
        const last = runs.at(-1);
        const now = deps.clock.now();
        // Dates become ISO strings when the response schema serializes them.
        return reply.send({
          runs: runs.map((r) => summaryView(r, now)),
          next_cursor: more && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
        });
      },
    );

    app.get(
      '/api/v1/runs/:id',
      {
        schema: {
          tags: ['runs'],
          summary: 'One run: its nodes, attempts, outputs, errors, children and parent',
          params: RunParams,
          response: { 200: RunDetailSchema, ...problems(400, 401, 404, 410) },
        },
      },
      async (request, reply) => {
        const run = await runDetail(deps.db, request.params.id);
        if (!run) return sendRunMissing(deps, reply, request.params.id);
        return reply.send(detailView(run, deps.clock.now()));
      },
    );

    app.get(
      '/api/v1/runs/:id/history',
      {
        schema: {
          tags: ['runs'],
          summary: "A run's history events, in order, paged by sequence number",
          params: RunParams,
          querystring: HistoryQuery,
          response: { 200: HistorySchema, ...problems(400, 401, 404, 410) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const limit = request.query.limit ?? 200;
        const events = await runHistory(deps.db, id, {
          after: request.query.after ?? 0,
          limit: limit + 1,
        });
        if (events.length === 0 && !(await runExists(deps.db, id)))
          return sendRunMissing(deps, reply, id);
        const page = events.slice(0, limit);
        return reply.send({
          events: page.map(historyView),
          next_after: events.length > limit ? (page.at(-1)?.seq ?? null) : null,
        });
      },
    );

    app.get(
      '/api/v1/runs/:id/graph',
      {
        schema: {
          tags: ['runs'],
          summary: 'The compiled graph the run executes (JSON, or Mermaid with ?format=mermaid)',
          params: RunParams,
          querystring: GraphQuery,
        },
      },
      async (request, reply) => {
        const graph = await runGraph(deps.db, request.params.id);
        if (!graph) return sendRunMissing(deps, reply, request.params.id);
        if (request.query.format === 'mermaid')
          return reply.type('text/plain; charset=utf-8').send(toMermaid(graph));
        return reply.type('application/json').send(JSON.stringify(graph));
      },
    );
    return Promise.resolve();
  };
}
