/**
 * What the fake forges share: a real `node:http` server on 127.0.0.1:0 that records every
 * request, and faults a test scripts ahead of time (answer with a status, answer late, drop
 * the connection) for requests matching a method and a path. Subclasses route the rest.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path as sent (still URL-encoded), without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, form fields, or text; undefined when empty. */
  body: unknown;
  /** What the fake answered; 0 when it dropped the connection. */
  status: number;
}

export interface FakeRequest {
  method: string;
  /** Path segments, each URL-decoded (so `a%2Fb` is one segment `a/b`). */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
}

/** `method` '*' matches any; a string `path` matches when the path-and-query contains it. */
export type PathMatch = string | RegExp;

export interface FailOptions {
  headers?: Record<string, string>;
  /** Defaults to the forge's own error body for that status. */
  body?: unknown;
}

type Fault =
  | { kind: 'fail'; status: number; options: FailOptions }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

interface ScriptedFault {
  method: string;
  path: PathMatch;
  remaining: number;
  fault: Fault;
}

export abstract class FakeHttpServer {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private baseUrl: string | null = null;
  private faults: ScriptedFault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Starts listening on 127.0.0.1 (a free port); resolves to the base URL. */
  async start(): Promise<string> {
    if (this.baseUrl !== null) return this.baseUrl;
    const server = createServer((req, res) => {
      // A client that gives up mid-request (a timeout under test) is not the fake's failure.
      this.receive(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** `http://127.0.0.1:PORT`; throws before `start()`. */
  get url(): string {
    if (this.baseUrl === null) throw new Error('fake server not started');
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.baseUrl = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` matching requests are answered `status` (with the forge's error body unless given). */
  failNext(
    method: string,
    path: PathMatch,
    status: number,
    times = 1,
    options: FailOptions = {},
  ): this {
    return this.script(method, path, times, { kind: 'fail', status, options });
  }

  /** The next `times` matching requests are answered `ms` late (then as usual). */
  delayNext(method: string, path: PathMatch, ms: number, times = 1): this {
    return this.script(method, path, times, { kind: 'delay', ms });
  }

  /** The next `times` matching requests get their connection closed without an answer. */
  dropNext(method: string, path: PathMatch, times = 1): this {
    return this.script(method, path, times, { kind: 'drop' });
  }

  /** Forgets scripted faults that have not fired. */
  clearFaults(): this {
    this.faults = [];
    return this;
  }

  requestsTo(method: string, path: PathMatch): RecordedRequest[] {
    return this.requests.filter((r) => matches(method, path, r.method, pathAndQuery(r)));
  }

  protected abstract route(request: FakeRequest): Reply | Promise<Reply>;

  /** The forge's error body for a status (used by `failNext` without a body). */
  protected abstract errorBody(status: number): unknown;

  /** Headers the forge sends with every answer. */
  protected commonHeaders(): Record<string, string> {
    return {};
  }

  private script(method: string, path: PathMatch, times: number, fault: Fault): this {
    this.faults.push({ method: method.toUpperCase(), path, remaining: times, fault });
    return this;
  }

  private takeFault(method: string, target: string, kind: Fault['kind']): Fault | null {
    const found = this.faults.find(
      (f) => f.remaining > 0 && f.fault.kind === kind && matches(f.method, f.path, method, target),
    );
    if (found === undefined) return null;
    found.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return found.fault;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseBody(raw, req.headers['content-type']),
      status: 0,
    };
    this.requests.push(record);
    const target = `${url.pathname}${url.search}`;

    const delay = this.takeFault(method, target, 'delay');
    if (delay?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, delay.ms);
        this.timers.add(timer);
      });
      if (res.destroyed || this.server === null) return;
    }
    if (this.takeFault(method, target, 'drop') !== null) {
      req.socket.destroy();
      return;
    }
    const failure = this.takeFault(method, target, 'fail');
    let reply: Reply;
    if (failure?.kind === 'fail') {
      reply = {
        status: failure.status,
        headers: failure.options.headers ?? {},
        body: failure.options.body ?? this.errorBody(failure.status),
      };
    } else {
      try {
        reply = await this.route({
          method,
          segments: url.pathname
            .split('/')
            .filter((s) => s !== '')
            .map(decodeSegment),
          query: url.searchParams,
          headers: req.headers,
          body: record.body,
        });
      } catch (error) {
        reply = { status: 500, body: { message: `fake server bug: ${String(error)}` } };
      }
    }
    record.status = reply.status;
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...this.commonHeaders(), ...reply.headers };
    let payload: string | Buffer = '';
    if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
      payload = reply.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

function matches(wantMethod: string, path: PathMatch, method: string, target: string): boolean {
  if (wantMethod !== '*' && wantMethod.toUpperCase() !== method) return false;
  return typeof path === 'string' ? target.includes(path) : path.test(target);
}

function pathAndQuery(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString();
  return query === '' ? request.path : `${request.path}?${query}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Seconds-precision ISO time, as GitHub and GitLab print it. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function objectBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
