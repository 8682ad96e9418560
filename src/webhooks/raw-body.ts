/**
 * Webhook bodies are kept as raw bytes: signatures are computed over exactly what was sent,
 * and a payload parsed and serialized again would no longer match. Scoped to the webhook
 * routes; GitHub may send JSON or a form with a `payload` field. Once verified, a body is
 * read strictly: one of those types (else 415), UTF-8 (forges send nothing else), nested at
 * most MAX_JSON_DEPTH deep (measured before parsing), then JSON.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../events/json-depth.js';

export const FORM_TYPE = 'application/x-www-form-urlencoded';

export function keepRawBodies(app: FastifyInstance, bodyLimit: number): void {
  // Every content type, not only JSON and forms: the signature is checked before the type is,
  // and fastify's own text/plain parser would hand over decoded text, not the signed bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
    done(null, body),
  );
}

export type ParsedBody =
  | { ok: true; payload: unknown }
  | {
      ok: false;
      code: 'WEBHOOK_BODY_INVALID' | 'BODY_TOO_DEEP' | 'UNSUPPORTED_MEDIA_TYPE';
      detail: string;
    };

/** JSON (any `+json` type too), a form, or no type at all (read as JSON). */
function readableType(contentType: string | undefined): 'json' | 'form' | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === '' || type === 'application/json' || type.endsWith('+json')) return 'json';
  return type === FORM_TYPE ? 'form' : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The payload of a raw body: JSON, or the `payload` field of a form. */
export function parsePayload(raw: Buffer, contentType: string | undefined): ParsedBody {
  const type = readableType(contentType);
  if (!type)
    return {
      ok: false,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: `a webhook body is JSON or a form with a "payload" field, not ${contentType}`,
    };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, code: 'WEBHOOK_BODY_INVALID', detail: 'the body is not valid UTF-8' };
  }
  const json = type === 'form' ? new URLSearchParams(text).get('payload') : text;
  if (json === null)
    return { ok: false, code: 'WEBHOOK_BODY_INVALID', detail: 'the form has no "payload" field' };
  if (nestsDeeperThan(json, MAX_JSON_DEPTH))
    return {
      ok: false,
      code: 'BODY_TOO_DEEP',
      detail: `the payload nests deeper than ${MAX_JSON_DEPTH} levels`,
    };
  try {
    return { ok: true, payload: JSON.parse(json) as unknown };
  } catch (error) {
    return {
      ok: false,
      code: 'WEBHOOK_BODY_INVALID',
      detail: `the body is not JSON: ${(error as Error).message}`,
    };
  }
}
