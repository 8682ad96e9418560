/**
 * The `http.request` handler: one request through Node's fetch. It owns the mapping from HTTP
 * outcomes to retry decisions (4xx fail for good, 408/429/5xx/network errors retry, rate limits
 * carry a retry-after), a cap on what a response may make us hold in memory, and keeping
 * credentials out of everything it returns or logs (DESIGN.md §4a).
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { stringMap } from './spec-fields.js';
import type { Handler, HandlerContext } from './types.js';
import { HandlerError } from '../contracts/errors.js';
import { causeCode } from '../contracts/cause-code.js';

export const httpRequestSpec: HandlerSpec = {
  name: 'http.request',
  description:
    'Make an HTTP request; 4xx other than 408 and 429 fail without retrying (HttpClientError).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      method: {
        enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        description: 'Default GET.',
      },
      url: { type: 'string', description: 'The URL.' },
      headers: stringMap('Request headers.'),
      json: { description: 'A body sent as JSON.' },
      body: { type: 'string', description: 'A body sent as text.' },
    },
    not: { required: ['json', 'body'] },
  },
};

export interface HttpInput {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
}

export interface HttpOutput {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed when the response is JSON, else text. */
  body: unknown;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const ERROR_BODY_BYTES = 4096;
const REDACTED = '[REDACTED]';
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'private-token', 'x-gitlab-token']);
const SECRET_NAME = /auth|cookie|token|secret|password|api-?key|signature/i;

export interface HttpRequestHandlerOptions {
  maxResponseBytes?: number;
}

export function createHttpRequestHandler(
  options: HttpRequestHandlerOptions = {},
): Handler<HttpInput, HttpOutput> {
  const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return { spec: httpRequestSpec, run: (input, context) => runRequest(input, context, max) };
}

export const httpRequestHandler: Handler<HttpInput, HttpOutput> = createHttpRequestHandler();

async function runRequest(
  input: HttpInput,
  context: HandlerContext,
  maxResponseBytes: number,
): Promise<HttpOutput> {
  const method = (input.method ?? 'GET').toUpperCase();
  const url = parseUrl(input.url);
  const shown = `${method} ${displayUrl(url)}`;
  // A whole header value and its credential part ("Bearer <token>" → "<token>").
  const secrets = Object.entries(input.headers ?? {})
    .filter(([name]) => isSecretHeader(name))
    .flatMap(([, value]) => [value, ...value.split(/\s+/).filter((part) => part.length >= 8)]);
  const request = { method, url: displayUrl(url), headers: redactHeaders(input.headers ?? {}) };

  let headers: Headers;
  try {
    headers = new Headers(input.headers);
  } catch (error) {
    throw bad(`${shown}: invalid request headers: ${(error as Error).message}`, request);
  }
  let body: string | undefined = input.body;
  if (input.json !== undefined) {
    body = JSON.stringify(input.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw bad(`${shown}: a ${method} request cannot have a body`, request);
  }

  context.logger.debug({ request }, 'http.request: sending');
  // The node's log says what was asked and answered: never a header (credentials live there).
  context.log.line('system', `${shown}`);
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, signal: context.signal });
  } catch (error) {
    const failed = failure(error, shown, context.signal);
    context.log.line('system', `no answer: ${failed.message}`);
    throw failed;
  }

  const status = response.status;
  context.log.line('system', `answered ${status} ${response.statusText}`.trimEnd());
  if (status < 400) {
    const read = await readBody(response, maxResponseBytes, context.signal, shown);
    if (read.truncated) {
      throw new HandlerError(
        'HttpResponseTooLarge',
        `${shown} answered with more than ${maxResponseBytes} bytes`,
        { nonRetryable: true, details: { status, request } },
      );
    }
    return {
      status,
      headers: responseHeaders(response.headers),
      body: parseBody(response, read.text),
    };
  }

  // Read past the cut by the longest secret so that one straddling it is still scrubbed whole.
  const extra = Math.max(0, ...secrets.map((secret) => Buffer.byteLength(secret)));
  const read = await readBody(response, ERROR_BODY_BYTES + extra, context.signal, shown);
  const message = `${shown} answered ${status} ${response.statusText}`.trimEnd();
  const details = { status, body: scrub(read.text, secrets).slice(0, ERROR_BODY_BYTES), request };
  const rateLimited =
    (status === 403 || status === 429) && response.headers.get('x-ratelimit-remaining') === '0';
  if (status === 429 || rateLimited) {
    const retryAfterMs = retryAfter(response.headers) ?? rateLimitReset(response.headers);
    throw new HandlerError('HttpRateLimited', message, { retryAfterMs, details });
  }
  if (status === 408 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers);
    throw new HandlerError('HttpServerError', message, { retryAfterMs, details });
  }
  throw new HandlerError('HttpClientError', message, { nonRetryable: true, details });
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HandlerError('HttpBadUrl', `not a URL: "${raw}"`, { nonRetryable: true });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HandlerError(
      'HttpBadUrl',
      `only http: and https: URLs are allowed, got ${url.protocol} in ${displayUrl(url)}`,
      { nonRetryable: true },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new HandlerError(
      'HttpBadUrl',
      `${displayUrl(url)}: credentials in the URL are not supported; send an authorization header`,
      { nonRetryable: true },
    );
  }
  return url;
}

/** The URL without user info and with the values of token-like query parameters redacted. */
function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  for (const name of new Set(copy.searchParams.keys())) {
    if (SECRET_NAME.test(name) || name === 'key') copy.searchParams.set(name, REDACTED);
  }
  return copy.href;
}

function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value]),
  );
}

/** A server may echo what it was sent; its answer must not carry our credentials onwards. */
function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce(
    (result, secret) => (secret.length >= 4 ? result.replaceAll(secret, REDACTED) : result),
    text,
  );
}

function bad(message: string, request: unknown): HandlerError {
  return new HandlerError('HttpBadRequest', message, { nonRetryable: true, details: { request } });
}

function failure(error: unknown, shown: string, signal: AbortSignal): HandlerError {
  if (error instanceof HandlerError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const why =
      typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
    return new HandlerError('Aborted', `${shown} aborted${why === undefined ? '' : `: ${why}`}`, {
      cause: reason,
    });
  }
  const code = causeCode(error);
  return new HandlerError('HttpNetworkError', `${shown} failed: ${code ?? String(error)}`, {
    details: { code: code ?? null },
    cause: error,
  });
}

/** Reads at most `limit` bytes; `truncated` says the body had more (and the rest was dropped). */
async function readBody(
  response: Response,
  limit: number,
  signal: AbortSignal,
  shown: string,
): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = declared > limit;
  try {
    while (!truncated) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - size;
      chunks.push(value.length > room ? value.subarray(0, room) : value);
      size += Math.min(value.length, room);
      truncated = value.length > room;
    }
  } catch (error) {
    throw failure(error, shown, signal);
  }
  if (truncated) await reader.cancel().catch(() => undefined);
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}

function parseBody(response: Response, text: string): unknown {
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function responseHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result['set-cookie'] = cookies.join(', ');
  return result;
}

/** Retry-After as seconds or an HTTP date. */
function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** GitHub's X-RateLimit-Reset: epoch seconds when the quota refills. */
function rateLimitReset(headers: Headers): number | undefined {
  const value = headers.get('x-ratelimit-reset');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Math.max(0, Number(value) * 1000 - Date.now());
}
