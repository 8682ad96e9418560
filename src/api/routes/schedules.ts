/**
 * `on.schedule` as the server has learned it: GET /api/v1/schedules (`?repo=`), and pausing and
 * resuming one (mutations: the bearer token, as every POST under /api/). A resumed schedule is
 * due next after now; what fell due while paused is not caught up.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { sendProblem } from '../../contracts/problems.js';
import { listSchedules, setPaused, type ScheduleRow } from '../../webhooks/schedules/store.js';
import type { ApiDeps } from '../deps.js';
import { problems } from '../schemas.js';
import { iso } from '../views.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const ScheduleId = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  description: 'A schedule id.',
});

export const ScheduleSchema = Type.Object({
  id: ScheduleId,
  forge: Type.String(),
  repo: Type.String(),
  path: Type.String({ description: 'The pipeline file on the default branch that declares it.' }),
  cron: Type.String(),
  timezone: Type.String(),
  paused: Type.Boolean(),
  next_due: Time,
  last_fired_at: NullableTime,
  last_due_at: Type.Union([Time, Type.Null()], {
    description: 'The due time the last firing stood for.',
  }),
  last_missed: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Due times the last firing stood in for after downtime (fired once for all).',
  }),
  last_run_id: Type.Union([Type.String(), Type.Null()], {
    description: "The last firing's plan run.",
  }),
  learned_sha: Type.Union([Type.String(), Type.Null()]),
  updated_at: Time,
});

const ScheduleList = Type.Object({ schedules: Type.Array(ScheduleSchema) });
const ListQuery = Type.Object(
  { repo: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: ScheduleId });

function view(row: ScheduleRow) {
  return {
    id: row.id,
    forge: row.forge,
    repo: row.repo,
    path: row.path,
    cron: row.cron,
    timezone: row.timezone,
    paused: row.paused,
    next_due: iso(row.next_due),
    last_fired_at: row.last_fired_at ? iso(row.last_fired_at) : null,
    last_due_at: row.last_due_at ? iso(row.last_due_at) : null,
    last_missed: row.last_missed,
    last_run_id: row.last_run_id,
    learned_sha: row.learned_sha,
    updated_at: iso(row.updated_at),
  };
}

export function scheduleRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/api/v1/schedules',
      {
        schema: {
          tags: ['schedules'],
          summary: "Schedules learned from repositories' default branches",
          querystring: ListQuery,
          response: { 200: ScheduleList, ...problems(400, 401) },
        },
      },
      async (request, reply) => {
        const rows = await listSchedules(deps.db, { repo: request.query.repo });
        return reply.send({ schedules: rows.map(view) });
      },
    );
    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const)
      app.post(
        `/api/v1/schedules/:id/${action}`,
        {
          schema: {
            tags: ['schedules'],
            summary: paused
              ? 'Pause a schedule: it fires no more until resumed'
              : 'Resume a schedule: due next after now (no catch-up for the pause)',
            params: IdParams,
            response: { 200: ScheduleSchema, ...problems(400, 401, 404) },
          },
        },
        async (request, reply) => {
          const { id } = request.params;
          const now = new Date(deps.clock.now());
          const row = await deps.db.tx((q) => setPaused(q, id, paused, now));
          if (!row) return sendProblem(reply, 'SCHEDULE_NOT_FOUND', `no schedule ${id}`);
          return reply.send(view(row));
        },
      );
    return Promise.resolve();
  };
}
