/**
 * How the API reads JSON bodies: measured for depth before parsing (MAX_JSON_DEPTH: the
 * routes, ajv, `JSON.stringify` and PostgreSQL all walk trees), parsed by fastify's own parser
 * (which refuses `__proto__` and `constructor.prototype` keys), then made storable (NULs and
 * unpaired surrogates become U+FFFD: src/events/storable-json.ts), so whatever a route keeps of
 * a body — a pipeline text, an event, a signal payload, a reason — PostgreSQL takes.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../events/json-depth.js';
import { storableJson } from '../events/storable-json.js';

/** Refused before parsing; the error handler answers it as BODY_TOO_DEEP. */
export class BodyTooDeep extends Error {
  override readonly name = 'BodyTooDeep';
  readonly statusCode = 400;
  constructor() {
    super(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

export function readJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new BodyTooDeep(), undefined);
      return;
    }
    void parse(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const storable = storableJson(value);
      // The depth was measured above, so the walk cannot refuse; answer as the scan would.
      if (storable.ok) done(null, storable.value);
      else done(new BodyTooDeep(), undefined);
    });
  });
}
