/**
 * `POST /api/v1/validate`: every diagnostic of a pipeline text, or of a Packit config (`packit`,
 * or a `file` named like one), as `forgeflow validate` gives them.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { isPackitConfig, validateConfig } from '../../compiler/index.js';
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
          summary: 'Diagnostics for a pipeline text or a Packit config',
          body: ValidateBody,
          response: { 200: ValidateSchema, ...problems(400, 401) },
        },
      },
      async (request) => {
        const { pipeline, file = 'pipeline.yaml', packit } = request.body;
        const result = validateConfig(pipeline, {
          file,
          packit: isPackitConfig(file, packit),
          handlers: deps.handlers,
          releases: deps.packitReleases,
        });
        // The declared inputs of a valid pipeline.yaml (a form to start it is made of them).
        const inputs = result.ok && !isPackitConfig(file, packit) ? { inputs: result.inputs } : {};
        return Promise.resolve({ valid: result.ok, diagnostics: result.diagnostics, ...inputs });
      },
    );
    return Promise.resolve();
  };
}
