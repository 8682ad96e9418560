/**
 * What the request log may say. Fastify logs every request's URL (its `req` serializer:
 * method, url, host, address; no headers), and a token put in a query string
 * (`?token=…`, `?access_token=…`, GitLab's `?private_token=…`) would be written with it. So the
 * logger the server gets logs URLs with only the API's own query parameters shown and every
 * other one replaced by `[REDACTED]`, name and value (an unknown name may itself be a token).
 * Headers are not logged; should anything log them, the credential headers are censored too.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

export const REDACTED = '[REDACTED]';

/** Query parameters of the API whose values are no secret (filters, paging, formats). */
const SHOWN_PARAMETERS = new Set([
  'repo',
  'pipeline',
  'status',
  'trigger',
  'sha',
  'id_prefix',
  'pr',
  'since',
  'children',
  'limit',
  'cursor',
  'after',
  'format',
]);

/** Headers that carry credentials: the API token, GitHub's and GitLab's webhook proofs. */
const CREDENTIAL_HEADERS = [
  'authorization',
  'cookie',
  'x-gitlab-token',
  'x-hub-signature',
  'x-hub-signature-256',
  'webhook-signature',
];

/** `url` (path and query) with every query parameter but the API's own redacted. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((part) => {
      const name = part.split('=', 1)[0] ?? '';
      return SHOWN_PARAMETERS.has(name) ? part : REDACTED;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

/** The server's logger: URLs redacted in the request log, credential headers censored. */
export function redactingLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  const headerPaths = CREDENTIAL_HEADERS.flatMap((name) => [
    `req.headers["${name}"]`,
    `headers["${name}"]`,
  ]);
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      redact: { paths: headerPaths, censor: REDACTED },
    },
  );
}
