/**
 * JSON over HTTP for the services Packit jobs talk to (Copr, Testing Farm): one request under
 * its own deadline, with every outcome mapped to a HandlerError the retry policy understands.
 * Network failures, timeouts, 408 and 5xx retry (`<Service>Unavailable`, honouring
 * Retry-After); 429 retries no sooner than asked (`<Service>RateLimited`); 401/403
 * (`<Service>AuthError`, naming the setting to check), 404 (`<Service>NotFound`) and other 4xx
 * (`<Service>RequestError`, with the service's own explanation) fail for good. Messages name
 * the request and never carry a credential: the service's text is scrubbed of the token.
 */
import { deadline, DEFAULT_TIMEOUT_MS, type Deadline } from '../forges/deadline.js';
import { DEFAULT_RATE_LIMIT_WAIT_MS, retryAfter, scrub } from '../forges/http-errors.js';
import { readText } from '../forges/read-body.js';
import { causeCode } from '../contracts/cause-code.js';
import { HandlerError } from '../contracts/errors.js';
import type { ErrorType } from '../contracts/error-types.js';

/** Answers of these APIs are small; a larger one is not the service talking. */
const JSON_MAX_BYTES = 5 * 1024 * 1024;
const ERROR_BODY_BYTES = 64 * 1024;
const SERVICE_TEXT_CHARS = 500;

export interface JsonServiceOptions {
  /** Shown in messages: "Copr", "Testing Farm". */
  name: string;
  /** Prefix of the error types: `Copr` gives CoprUnavailable, CoprAuthError, … (ERROR_TYPES has each). */
  errorPrefix: 'Copr' | 'TestingFarm' | 'Bodhi' | 'Pagure';
  /** The API root, e.g. https://copr.fedorainfracloud.org/api_3 (no trailing slash). */
  apiUrl: string;
  /** Authentication and other headers sent with every request. */
  headers: Record<string, string>;
  /** Values scrubbed from anything the service says back. */
  secrets: readonly string[];
  /** Appended to a 401/403 message: what the operator should check. */
  authHint: string;
  /** The service's explanation in an error body, if it has one. */
  explain: (body: unknown) => string | undefined;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Encoded path under the API root, starting with `/`. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Sent as an HTML form (application/x-www-form-urlencoded) instead of `body`: Pagure's API. */
  form?: Record<string, string>;
  /** A 404 means "none": answer null instead of throwing. */
  notFoundIsNull?: boolean;
}

export class JsonService {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: JsonServiceOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The parsed answer; null for a 404 when the request allows it. */
  async send(request: JsonRequest, signal?: AbortSignal): Promise<unknown> {
    const target = withQuery(request.path, request.query);
    const shown = `${this.options.name} ${request.method} ${target.split('?')[0] ?? target}`;
    const limits = deadline(this.timeoutMs, signal);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    let answer: { text: string; truncated: boolean };
    try {
      response = await this.fetchImpl(`${this.options.apiUrl}${target}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        ...(request.form === undefined
          ? {}
          : { body: new URLSearchParams(request.form).toString() }),
        signal: limits.signal,
      });
      answer = await readText(response.body, response.ok ? JSON_MAX_BYTES : ERROR_BODY_BYTES);
    } catch (error) {
      throw this.noAnswer(shown, limits, error);
    }
    const details = { service: this.options.name, method: request.method, path: target };
    if (response.ok) {
      const parsed = parseJson(answer.text);
      if (answer.truncated || parsed === undefined) {
        throw new HandlerError(
          `${this.options.errorPrefix}BadResponse`,
          `${shown} answered ${response.status} with ${answer.truncated ? `more than ${JSON_MAX_BYTES} bytes` : 'a body that is not JSON'}`,
          { details: { ...details, status: response.status } },
        );
      }
      return parsed;
    }
    if (response.status === 404 && request.notFoundIsNull) return null;
    throw this.failure(shown, response, answer.text, details);
  }

  private failure(
    shown: string,
    response: Response,
    text: string,
    details: Record<string, unknown>,
  ): HandlerError {
    const { status } = response;
    const explained = this.options.explain(parseJson(text) ?? text);
    const said =
      explained === undefined || explained.trim() === ''
        ? ''
        : `: ${scrub(explained, this.options.secrets).slice(0, SERVICE_TEXT_CHARS)}`;
    const message = `${shown} answered ${status}${said}`;
    const prefix = this.options.errorPrefix;
    const info = { details: { ...details, status } };
    if (status === 429) {
      const retryAfterMs = retryAfter(response.headers, this.now, false);
      return new HandlerError(`${prefix}RateLimited`, message, {
        ...info,
        retryAfterMs: retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
      });
    }
    if (status === 408 || status >= 500) {
      const retryAfterMs = retryAfter(response.headers, this.now, false);
      return new HandlerError(`${prefix}Unavailable`, message, { ...info, retryAfterMs });
    }
    if (status === 401 || status === 403) {
      return new HandlerError(`${prefix}AuthError`, `${message}; ${this.options.authHint}`, {
        ...info,
        nonRetryable: true,
      });
    }
    const type: ErrorType = status === 404 ? `${prefix}NotFound` : `${prefix}RequestError`;
    return new HandlerError(type, message, { ...info, nonRetryable: true });
  }

  /** No answer at all: the caller gave up, the deadline passed, or the network failed. */
  private noAnswer(shown: string, limits: Deadline, error: unknown): HandlerError {
    if (error instanceof HandlerError) return error;
    const prefix = this.options.errorPrefix;
    if (limits.callerAborted()) {
      const reason = limits.signal.reason as unknown;
      const why =
        typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
      return new HandlerError('Aborted', `${shown} aborted${why === undefined ? '' : `: ${why}`}`);
    }
    if (limits.expired()) {
      return new HandlerError(
        `${prefix}Unavailable`,
        `${shown} timed out after ${limits.timeoutMs} ms`,
        { details: { service: this.options.name, timeout_ms: limits.timeoutMs } },
      );
    }
    const code = causeCode(error);
    const text = code ?? describeFailure(error);
    return new HandlerError(`${prefix}Unavailable`, `${shown} failed: ${text}`, {
      details: { service: this.options.name, code: code ?? null },
      cause: error,
    });
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

function withQuery(path: string, query: JsonRequest['query']): string {
  const entries = Object.entries(query ?? {}).map(([k, v]): [string, string] => [k, String(v)]);
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A URL from configuration without its trailing slashes. */
export function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
