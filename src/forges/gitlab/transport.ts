/**
 * One GitLab REST request (`GITLAB_URL` + `/api/v4`) through Node's fetch with a
 * `PRIVATE-TOKEN`, under its own deadline, with failures mapped to HandlerErrors
 * (http-errors.ts). A request may declare which failures mean "none" (a 404, a 400 "Cannot
 * transition status"): those answer null instead of throwing.
 */
import type { CallOptions } from '../client.js';
import { deadline } from '../deadline.js';
import type { RequestLabel } from '../http-errors.js';
import { badResponse, httpError, notConfigured, requestFailed } from '../http-errors.js';
import { errorMessage } from '../json-fields.js';
import { readText } from '../read-body.js';

/** API answers (an MR, a branch) are small; a larger one is not GitLab talking. */
const JSON_MAX_BYTES = 5 * 1024 * 1024;
const ERROR_BODY_BYTES = 64 * 1024;

export interface GitLabRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Encoded path under /api/v4. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  /** Failures that mean "none": answered with null. */
  none?: (status: number, forgeMessage: string | undefined) => boolean;
}

export interface GitLabTransportOptions {
  /** GITLAB_URL, e.g. https://gitlab.com (an URL already ending in /api/v4 is taken as is). */
  url: string;
  token: string | undefined;
  timeoutMs: number;
  now: () => number;
  fetch?: typeof fetch;
}

export class GitLabTransport {
  readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GitLabTransportOptions) {
    const base = options.url.replace(/\/+$/, '');
    this.apiUrl = base.endsWith('/api/v4') ? base : `${base}/api/v4`;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  async json(request: GitLabRequest, call?: CallOptions): Promise<unknown> {
    const answer = await this.send(request, JSON_MAX_BYTES, call);
    if (answer === null) return null;
    const label = this.label(request);
    if (answer.truncated) throw badResponse(label, `answer larger than ${JSON_MAX_BYTES} bytes`);
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw badResponse(label, 'answer is not JSON');
    }
  }

  text(
    request: GitLabRequest,
    limit: number,
    call?: CallOptions,
  ): Promise<{ text: string; truncated: boolean } | null> {
    return this.send(request, limit, call);
  }

  /** One page of a list: the body as text (at most `limit` bytes) and the pagination headers. */
  page(
    request: GitLabRequest,
    limit: number,
    call?: CallOptions,
  ): Promise<{ text: string; truncated: boolean; headers: Headers } | null> {
    return this.send(request, limit, call);
  }

  private async send(
    request: GitLabRequest,
    limit: number,
    call: CallOptions | undefined,
  ): Promise<{ text: string; truncated: boolean; headers: Headers } | null> {
    const token = this.options.token;
    if (token === undefined || token === '') {
      throw notConfigured('GitLab is not configured: set GITLAB_TOKEN');
    }
    const label = this.label(request);
    const limits = deadline(this.options.timeoutMs, call?.signal);
    const headers: Record<string, string> = { 'private-token': token, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let answer: { text: string; truncated: boolean };
    try {
      response = await this.fetchImpl(`${this.apiUrl}${label.path}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: limits.signal,
        redirect: 'follow',
      });
      answer = await readText(response.body, response.ok ? limit : ERROR_BODY_BYTES);
    } catch (error) {
      throw requestFailed(label, limits, error);
    }
    if (response.ok) return { ...answer, headers: response.headers };
    const forgeMessage = errorMessage(parseMaybe(answer.text));
    if (request.none?.(response.status, forgeMessage)) return null;
    throw httpError(
      { ...label, status: response.status, headers: response.headers, forgeMessage },
      this.options.now,
      [token],
    );
  }

  private label(request: GitLabRequest): RequestLabel {
    const entries = Object.entries(request.query ?? {}).flatMap(
      ([name, value]): [string, string][] => (value === undefined ? [] : [[name, String(value)]]),
    );
    const query = entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
    return { forge: 'gitlab', method: request.method, path: `${request.path}${query}` };
  }
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
