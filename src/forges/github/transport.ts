/**
 * One GitHub REST request through Octokit, under its own deadline, with failures mapped to
 * HandlerErrors (http-errors.ts). Paths come in already encoded, queries included, so that an
 * error names exactly what was asked.
 */
import type { CallOptions } from '../client.js';
import { deadline } from '../deadline.js';
import { errorMessage } from '../json-fields.js';
import type { HeaderReader, RequestLabel } from '../http-errors.js';
import { badResponse, httpError, requestFailed } from '../http-errors.js';
import { readText } from '../read-body.js';
import type { GitHubSessions, Session } from './sessions.js';

export const GITHUB_API_VERSION = '2022-11-28';

export interface GitHubRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Encoded path, without the base URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  accept?: string;
  /** A 404 means "none": answer null instead of throwing. */
  notFoundIsNull?: boolean;
  /** Other failures that mean "none" (a 422 "No commit found" for a ref that is not there). */
  none?: (status: number, forgeMessage: string | undefined) => boolean;
}

export interface GitHubTransportOptions {
  timeoutMs: number;
  now: () => number;
  /** Values to scrub from anything a forge says back (the configured token). */
  secrets: readonly string[];
}

interface OctokitFailure {
  status: number;
  response: { headers: Record<string, unknown>; data: unknown };
  request?: { method?: unknown; url?: unknown };
}

export class GitHubTransport {
  constructor(
    private readonly sessions: GitHubSessions,
    private readonly options: GitHubTransportOptions,
  ) {}

  /** The parsed JSON answer; null on a 404 when `notFoundIsNull`. */
  async json(session: Session, request: GitHubRequest, call?: CallOptions): Promise<unknown> {
    const result = await this.send(session, request, call, null);
    return result === null ? null : result.data;
  }

  /** The answer's body as text, at most `limit` bytes; null on a 404 when `notFoundIsNull`. */
  async text(
    session: Session,
    request: GitHubRequest,
    limit: number,
    call?: CallOptions,
  ): Promise<{ text: string; truncated: boolean } | null> {
    const result = await this.send(session, request, call, limit);
    return result === null ? null : (result.data as { text: string; truncated: boolean });
  }

  private async send(
    session: Session,
    request: GitHubRequest,
    call: CallOptions | undefined,
    textLimit: number | null,
  ): Promise<{ data: unknown } | null> {
    const path = withQuery(request.path, request.query);
    const label: RequestLabel = { forge: 'github', method: request.method, path };
    const limit = deadline(this.options.timeoutMs, call?.signal);
    try {
      return await this.sessions.bind(limit.signal, async () => {
        const response = await session.octokit.request(`${request.method} ${path}`, {
          headers: {
            accept: request.accept ?? 'application/vnd.github+json',
            'x-github-api-version': GITHUB_API_VERSION,
          },
          ...(request.body === undefined ? {} : { data: request.body }),
          ...(textLimit === null ? {} : { request: { parseSuccessResponseBody: false } }),
        });
        const data: unknown = response.data;
        if (textLimit === null) return { data };
        if (data !== null && !(data instanceof ReadableStream)) {
          throw badResponse(label, 'expected a body stream');
        }
        return { data: await readText(data as ReadableStream<Uint8Array> | null, textLimit) };
      });
    } catch (error) {
      if (!isOctokitFailure(error)) throw requestFailed(label, limit, error);
      const failed = failedRequest(error, label);
      const forgeMessage = errorMessage(error.response.data);
      const none =
        (error.status === 404 && request.notFoundIsNull === true) ||
        request.none?.(error.status, forgeMessage) === true;
      if (none && failed === label) return null;
      throw httpError(
        {
          ...failed,
          status: error.status,
          headers: headerReader(error.response.headers),
          forgeMessage,
        },
        this.options.now,
        this.options.secrets,
      );
    }
  }
}

function withQuery(path: string, query: GitHubRequest['query']): string {
  const entries = Object.entries(query ?? {}).flatMap(([name, value]): [string, string][] =>
    value === undefined ? [] : [[name, String(value)]],
  );
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}

function isOctokitFailure(error: unknown): error is OctokitFailure {
  if (typeof error !== 'object' || error === null) return false;
  const { status, response } = error as { status?: unknown; response?: unknown };
  return (
    typeof status === 'number' &&
    typeof response === 'object' &&
    response !== null &&
    typeof (response as { headers?: unknown }).headers === 'object'
  );
}

/** The request that failed: ours, or the installation-token request made on its behalf. */
function failedRequest(error: OctokitFailure, ours: RequestLabel): RequestLabel {
  const { method, url } = error.request ?? {};
  if (typeof url !== 'string' || typeof method !== 'string') return ours;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return ours;
  }
  const oursPathname = ours.path.split('?')[0] ?? ours.path;
  if (pathname.endsWith(oursPathname) && method.toUpperCase() === ours.method) return ours;
  return { forge: 'github', method: method.toUpperCase(), path: pathname };
}

function headerReader(headers: Record<string, unknown>): HeaderReader {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
    },
  };
}
