/** `POST /api/v1/validate`: every diagnostic of a pipeline text, as `forgeflow validate` gives them. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { validatePipeline } from '../../compiler/index.js';
import type { ApiDeps } from '../deps.js';
import { problems, ValidateBody, ValidateSchema } from '../schemas.js';

export function validateRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/api/v1/validate',
      {
        config: { access: 'read' },
        schema: {
          tags: ['validate'],
          summary: 'Diagnostics for a pipeline text',
          body: ValidateBody,
          response: { 200: ValidateSchema, ...problems(400, 401) },
        },
      },
      async (request) => {
        const { pipeline, file = 'pipeline.yaml' } = request.body;
        const result = validatePipeline(pipeline, { file, handlers: deps.handlers });
        return Promise.resolve({ valid: result.ok, diagnostics: result.diagnostics });
      },
    );
    return Promise.resolve();
  };
}
