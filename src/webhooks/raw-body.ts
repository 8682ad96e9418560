/**
 * Webhook bodies are kept as raw bytes: signatures are computed over exactly what was sent,
 * and a payload parsed and serialized again would no longer match. Scoped to the webhook
 * routes; GitHub may send JSON or a form with a `payload` field.
 */
import type { FastifyInstance } from 'fastify';

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export function keepRawBodies(app: FastifyInstance, bodyLimit: number): void {
  for (const type of [JSON_TYPE, FORM_TYPE])
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
}

/** The payload of a raw body: JSON, or the `payload` field of a form. Throws when it is neither. */
export function parsePayload(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  const json = contentType?.toLowerCase().startsWith(FORM_TYPE)
    ? new URLSearchParams(text).get('payload')
    : text;
  if (json === null) throw new Error('the form has no "payload" field');
  return JSON.parse(json) as unknown;
}
