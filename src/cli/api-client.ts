/**
 * A client of forgeflow's REST API (docs/api.md) for the CLI, on Node's fetch. An answer other
 * than 2xx becomes an ApiError carrying the server's problem document (or one made up for an
 * answer that is not one, say a proxy's 502 page); a server that cannot be reached becomes an
 * UnreachableError saying where it looked. The token only ever goes into the Authorization
 * header: no message here contains it.
 */
import { UsageError } from './io.js';

export const DEFAULT_SERVER = 'http://localhost:8080';
const TIMEOUT_MS = 30_000;

export interface Problem {
  status: number;
  code: string;
  detail: string;
  title?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
  }
}

export class UnreachableError extends Error {}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ClientOptions {
  server: string;
  token: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The server's base URL: http(s), without credentials, query, fragment or trailing slash. */
export function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server ${JSON.stringify(text)} is not a URL (like ${DEFAULT_SERVER})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--server must be an http:// or https:// URL; got ${url.protocol}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** A token a header can carry; checked here so fetch never quotes it in an error. */
export function checkToken(token: string | null): string | null {
  if (token === null) return null;
  const trimmed = token.trim();
  if (trimmed === '') return null;
  if (!/^[\x21-\x7e]+$/.test(trimmed))
    throw new UsageError(
      'the API token has characters an HTTP header cannot carry (spaces, control or non-ASCII characters)',
    );
  return trimmed;
}

export class ApiClient {
  /** Where the server is, for requests and messages. */
  readonly where: string;
  private readonly token: string | null;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.where = serverUrl(options.server);
    this.token = checkToken(options.token);
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.fetch = options.fetch ?? fetch;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query, undefined);
  }

  /** `body` undefined: no body at all (a route that takes none refuses an empty JSON one). */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, body);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Query,
    body: unknown,
  ): Promise<T> {
    const url = new URL(`${this.where}${path}`);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        // Not followed: a POST would come back a GET, and the token would go where it was sent.
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(this.unreachable(error));
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      throw new ApiError({
        status: response.status,
        code: `HTTP_${response.status}`,
        detail: `${this.where} redirects ${method} ${path}${location ? ` to ${location}` : ''}: give the server's own URL with --server`,
      });
    }
    const json = parseJson(text);
    const type = response.headers.get('content-type') ?? '';
    if (response.ok) {
      if (json === undefined || !/json/.test(type))
        throw new ApiError({
          status: response.status,
          code: 'NOT_FORGEFLOW',
          detail: `${this.where} answered ${method} ${path} with ${type || 'no content type'}, not JSON: is it a forgeflow server?`,
        });
      return json as T;
    }
    if (isProblem(json)) throw new ApiError(json);
    throw new ApiError({
      status: response.status,
      code: `HTTP_${response.status}`,
      detail: `${this.where} answered ${method} ${path} with ${response.status} ${response.statusText}${snippet(text)}`,
    });
  }

  private unreachable(error: unknown): string {
    const where = `cannot reach the forgeflow server at ${this.where}`;
    if (error instanceof Error && error.name === 'TimeoutError')
      return `${where}: no answer within ${Math.round(this.timeoutMs / 1000)}s`;
    const cause =
      error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    const code = cause?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused; is it running?'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? `no such host "${new URL(this.where).hostname}"`
          : (code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    return `${where} (${reason}); give its URL with --server or FORGEFLOW_SERVER`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

function snippet(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat === '' ? '' : `: ${flat.length > 120 ? `${flat.slice(0, 119)}…` : flat}`;
}
