/** Steering runs: start one, cancel, retry, signal. Every call needs the API token. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { compileConfig, diagnosticsToJson, isPackitConfig } from '../../compiler/index.js';
import type { Event, Forge } from '../../events/event.js';
import { manualEvent, normalizeEvent } from '../../forges/normalize.js';
import { repoFileProblem, repoNameProblem } from '../../forges/repo-paths.js';
import { HandlerError } from '../../contracts/errors.js';
import type { ApiDeps } from '../deps.js';
import { sendRunMissing } from '../run-missing.js';
import { sendProblem } from '../../contracts/problems.js';
import {
  CancelBody,
  OutcomeSchema,
  problems,
  RunParams,
  SignalBody,
  SignalParams,
  StartedSchema,
  StartRunBody,
} from '../schemas.js';

export function controlRoutes(deps: ApiDeps) {
  return (parent: FastifyInstance): Promise<void> => {
    const app = parent.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/runs',
      {
        schema: {
          tags: ['control'],
          summary:
            'Start a run from a pipeline text, or from the pipeline.yaml of a repository at a ref (or a Packit config)',
          body: StartRunBody,
          response: { 200: StartedSchema, 201: StartedSchema, ...problems(400, 401, 422, 502) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const forge = (body.forge ?? 'github') as Forge;
        const file = body.file ?? 'pipeline.yaml';
        const refused = placeProblem(body, forge);
        if (refused !== null) return sendProblem(reply, 'INVALID_BODY', refused);
        const event = eventOf(body, forge);
        if (typeof event === 'string') return sendProblem(reply, 'INVALID_BODY', event);
        const text = await pipelineText(deps, reply, body, forge, file);
        if (typeof text !== 'string') return text;
        const compiled = compileConfig(text, event, {
          file,
          packit: isPackitConfig(file, body.packit),
          handlers: deps.handlers,
          releases: deps.packitReleases,
        });
        if (compiled.status === 'invalid')
          return sendProblem(reply, 'PIPELINE_INVALID', `${file} has errors`, {
            diagnostics: diagnosticsToJson(compiled.diagnostics),
          });
        if (compiled.status === 'invalid-inputs')
          return sendProblem(
            reply,
            'INVALID_INPUTS',
            `the inputs do not fit pipeline ${compiled.pipeline}: ${compiled.errors.length} problem${compiled.errors.length === 1 ? '' : 's'}`,
            { errors: compiled.errors },
          );
        if (compiled.status === 'not-triggered')
          return sendProblem(
            reply,
            'NOT_TRIGGERED',
            `pipeline ${compiled.pipeline} starts nothing on this event`,
            {
              misses: compiled.misses,
            },
          );
        const started = await deps.runtime.start(compiled.graph, event, {
          ...(body.idempotency_key ? { idempotencyKey: `api:${body.idempotency_key}` } : {}),
        });
        return reply
          .code(started.created ? 201 : 200)
          .send({ run_id: started.runId, created: started.created });
      },
    );

    app.post(
      '/api/v1/runs/:id/cancel',
      {
        schema: {
          tags: ['control'],
          summary: 'Cancel a run (and its child runs); a finished run is left as it is',
          params: RunParams,
          body: CancelBody,
          response: { 200: OutcomeSchema, ...problems(400, 401, 404, 410) },
        },
      },
      async (request, reply) => {
        const reason = request.body?.reason ?? 'canceled through the API';
        const result = await deps.runtime.cancel(request.params.id, reason);
        if (!result) return sendRunMissing(deps, reply, request.params.id);
        return reply.send(result);
      },
    );

    app.post(
      '/api/v1/runs/:id/retry',
      {
        schema: {
          tags: ['control'],
          summary: 'Re-run what failed in a finished run, keeping what succeeded',
          params: RunParams,
          response: { 200: OutcomeSchema, ...problems(400, 401, 404, 409, 410) },
        },
      },
      async (request, reply) => {
        const result = await deps.runtime.retry(request.params.id);
        if (!result) return sendRunMissing(deps, reply, request.params.id);
        if (result.outcome === 'not-finished')
          return sendProblem(
            reply,
            'RUN_NOT_FINISHED',
            `the run is ${result.status}: cancel it or wait`,
          );
        if (result.outcome === 'not-retryable')
          return sendProblem(reply, 'RUN_NOT_RETRYABLE', result.reason);
        return reply.send(result);
      },
    );

    app.post(
      '/api/v1/runs/:id/signals/:name',
      {
        schema: {
          tags: ['control'],
          summary: 'Send a signal: it wakes the node waiting for it, or waits for one',
          params: SignalParams,
          body: SignalBody,
          response: { 200: OutcomeSchema, ...problems(400, 401, 404, 409, 410) },
        },
      },
      async (request, reply) => {
        const { id, name } = request.params;
        const result = await deps.runtime.signal(id, name, request.body?.payload ?? null);
        if (!result) return sendRunMissing(deps, reply, id);
        if (result.outcome === 'run-finished')
          return sendProblem(
            reply,
            'RUN_NOT_ACTIVE',
            `the run has ended (${result.status}): it takes no signals`,
          );
        return reply.send(result);
      },
    );
    return Promise.resolve();
  };
}

/**
 * Why `repo` or `file` cannot name a place in a repository, or null. Both become parts of a
 * forge API URL sent with the server's token: `file: "../../../../user"` would read `GET /user`.
 */
function placeProblem(body: { repo?: string; file?: string }, forge: Forge): string | null {
  if (body.repo !== undefined) {
    const problem = repoNameProblem(body.repo, forge);
    if (problem !== null) return `repo ${JSON.stringify(body.repo)}: ${problem}`;
  }
  if (body.file !== undefined) {
    const problem = repoFileProblem(body.file);
    if (problem !== null) return `file ${JSON.stringify(body.file)}: ${problem}`;
  }
  return null;
}

/** The event a started run gets: a webhook payload given, or a manual event. */
function eventOf(
  body: {
    event?: Record<string, unknown>;
    event_type?: string;
    repo?: string;
    ref?: string;
    sha?: string;
    inputs?: Record<string, unknown>;
  },
  forge: Forge,
): Event | string {
  if (body.event !== undefined) {
    if (body.inputs !== undefined) return 'inputs are for a manual start, not for an event';
    const normalized = normalizeEvent(forge, body.event_type ?? null, body.event);
    return normalized.ok ? normalized.event : `event: ${normalized.ignored}`;
  }
  const event = manualEvent({
    repo: body.repo ?? 'local/manual',
    forge,
    ...(body.sha !== undefined ? { sha: body.sha.toLowerCase() } : {}),
    ...(body.ref !== undefined ? { ref: body.ref } : {}),
  });
  // As given: the compiler checks them against the pipeline and puts the typed values in the graph.
  return body.inputs === undefined ? event : { ...event, inputs: body.inputs };
}

/** The pipeline text given, or read from the forge; a reply already sent otherwise. */
async function pipelineText(
  deps: ApiDeps,
  reply: FastifyReply,
  body: { pipeline?: string; repo?: string; ref?: string },
  forge: Forge,
  file: string,
): Promise<string | FastifyReply> {
  if (body.pipeline !== undefined) return body.pipeline;
  if (body.repo === undefined || body.ref === undefined)
    return sendProblem(
      reply,
      'INVALID_BODY',
      'give "pipeline" (the text), or "repo" and "ref" to read it from',
    );
  if (deps.forges === null)
    return sendProblem(reply, 'FORGE_ERROR', 'this server has no forge clients configured');
  try {
    const text = await deps.forges[forge].readFile(
      { forge, full_name: body.repo, id: null },
      file,
      body.ref,
    );
    if (text === null)
      return sendProblem(reply, 'PIPELINE_NOT_FOUND', `${body.repo} has no ${file} at ${body.ref}`);
    return text;
  } catch (error) {
    const message = error instanceof HandlerError ? error.message : String(error);
    return sendProblem(reply, 'FORGE_ERROR', message);
  }
}
