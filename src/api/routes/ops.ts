/** For operators: liveness, readiness (database up, migrations applied) and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { migrationStatus } from '../../db/migrate.js';
import type { ApiDeps } from '../deps.js';
import { sendProblem } from '../../contracts/problems.js';
import type { Metrics } from '../metrics.js';

export function opsRoutes(deps: ApiDeps, metrics: Metrics) {
  return (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is up' } }, () =>
      Promise.resolve({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      { schema: { tags: ['operations'], summary: 'The database answers and is migrated' } },
      async (_request, reply) => {
        try {
          const { current, newest } = await migrationStatus(deps.db);
          if (current < newest)
            return sendProblem(
              reply,
              'NOT_READY',
              `the database is at migration ${current} of ${newest}`,
            );
          return { status: 'ready', migration: current };
        } catch (error) {
          return sendProblem(
            reply,
            'NOT_READY',
            `the database does not answer: ${(error as Error).message}`,
          );
        }
      },
    );

    app.get(
      '/metrics',
      { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
    return Promise.resolve();
  };
}
