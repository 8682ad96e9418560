/**
 * The http.request handler against a real local server (no fetch mocks): bodies both ways,
 * which statuses retry, retry-after and rate limits, network failures, abort, the response cap
 * and that credentials never come back in errors or logs.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HttpInput } from '../../src/handlers/http-request.js';
import { createHttpRequestHandler, httpRequestHandler } from '../../src/handlers/http-request.js';
import { toErrorInfo } from '../../src/contracts/errors.js';
import { rejection, testContext } from './context.js';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let route: Route = (_req, res) => res.end();
let server: Server;
let base: string;

function listen(s: Server): Promise<number> {
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => route(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  base = `http://127.0.0.1:${await listen(server)}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function send(status: number, headers: Record<string, string>, body = ''): Route {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

function request(input: Partial<HttpInput> & { path?: string }) {
  const { path = '/', ...rest } = input;
  return httpRequestHandler.run({ url: `${base}${path}`, ...rest }, testContext().context);
}

describe('http.request: answers', () => {
  it('parses a JSON body and lower-cases header names', async () => {
    route = send(
      200,
      { 'Content-Type': 'application/json; charset=utf-8', 'X-Build-Id': 'B-7' },
      '{"id":7,"state":"running"}',
    );
    const output = await request({});
    expect(output.status).toBe(200);
    expect(output.body).toEqual({ id: 7, state: 'running' });
    expect(output.headers['x-build-id']).toBe('B-7');
    expect(output.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('parses +json types and keeps text, and JSON that does not parse, as text', async () => {
    route = send(200, { 'content-type': 'application/vnd.github+json' }, '[1,2]');
    expect((await request({})).body).toEqual([1, 2]);
    route = send(200, { 'content-type': 'text/plain' }, '{"not":"parsed"}');
    expect((await request({})).body).toBe('{"not":"parsed"}');
    route = send(200, { 'content-type': 'application/json' }, '<html>oops</html>');
    expect((await request({})).body).toBe('<html>oops</html>');
  });

  it('sends json with a JSON content-type, and a given content-type wins', async () => {
    route = (req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          type: req.headers['content-type'],
          got: JSON.parse(body) as unknown,
        }),
      );
    };
    const json = { ref: 'abc', targets: ['fedora-41', null, 3] };
    const output = await request({ method: 'POST', json });
    expect(output).toMatchObject({
      status: 201,
      body: { method: 'POST', type: 'application/json', got: json },
    });
    const patched = await request({
      method: 'PATCH',
      json: { a: 1 },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patched.body).toMatchObject({
      method: 'PATCH',
      type: 'application/merge-patch+json',
      got: { a: 1 },
    });
  });

  it('sends a text body and headers', async () => {
    route = (req, res, body) => res.end(`${req.headers['x-trace'] as string}:${body}`);
    expect(
      (await request({ method: 'PUT', body: 'hello', headers: { 'X-Trace': 't1' } })).body,
    ).toBe('t1:hello');
  });

  it('refuses URLs other than http and https, and a body on GET', async () => {
    for (const url of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'not a url',
      'http://u:pw@127.0.0.1/',
    ]) {
      const error = await rejection(httpRequestHandler.run({ url }, testContext().context));
      expect([error.type, error.nonRetryable]).toEqual(['HttpBadUrl', true]);
      expect(error.message).not.toContain('pw@');
    }
    expect((await rejection(request({ body: 'x' }))).type).toBe('HttpBadRequest');
  });
});

describe('http.request: statuses', () => {
  it('fails a 404 for good with HttpClientError and the start of the body', async () => {
    route = send(404, { 'content-type': 'text/plain' }, 'no such build');
    const error = await rejection(request({ method: 'POST', path: '/builds/9', json: {} }));
    expect(toErrorInfo(error)).toMatchObject({
      type: 'HttpClientError',
      message: `POST ${base}/builds/9 answered 404 Not Found`,
      non_retryable: true,
      details: { status: 404, body: 'no such build' },
    });
  });

  it('keeps only the first 4 KiB of an error body', async () => {
    route = send(422, {}, 'x'.repeat(100_000));
    const error = await rejection(request({}));
    expect((error.details as { body: string }).body).toHaveLength(4096);
  });

  it('retries 408, 429 and 5xx', async () => {
    for (const [status, type] of [
      [408, 'HttpServerError'],
      [429, 'HttpRateLimited'],
      [500, 'HttpServerError'],
      [503, 'HttpServerError'],
    ] as const) {
      route = send(status, {});
      const error = await rejection(request({}));
      expect([status, error.type, error.nonRetryable, error.retryAfterMs]).toEqual([
        status,
        type,
        false,
        undefined,
      ]);
    }
  });

  it('honours Retry-After in seconds and as a date', async () => {
    route = send(429, { 'retry-after': '7' });
    expect((await rejection(request({}))).retryAfterMs).toBe(7000);
    route = send(503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() });
    const after = (await rejection(request({}))).retryAfterMs ?? 0;
    expect(after).toBeGreaterThan(118_000);
    expect(after).toBeLessThanOrEqual(120_000);
  });

  it('treats GitHub’s 403 with X-RateLimit-Remaining: 0 as rate limiting until the reset', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 60;
    route = send(
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      '{"message":"API rate limit exceeded"}',
    );
    const error = await rejection(request({}));
    expect([error.type, error.nonRetryable]).toEqual(['HttpRateLimited', false]);
    expect(error.retryAfterMs).toBeGreaterThan(58_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(61_000);
    route = send(403, { 'x-ratelimit-remaining': '12' });
    expect((await rejection(request({}))).type).toBe('HttpClientError');
  });
});

describe('http.request: failures', () => {
  it('retries a refused connection as HttpNetworkError naming the URL and the code', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/x`;
    const error = await rejection(httpRequestHandler.run({ url }, testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['HttpNetworkError', false]);
    expect(error.message).toBe(`GET ${url} failed: ECONNREFUSED`);
  });

  it('stops with Aborted when the signal fires while waiting for the answer', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    route = () => arrived(); // never answers
    const { context, controller } = testContext();
    const running = httpRequestHandler.run({ url: `${base}/slow` }, context);
    await arrival;
    controller.abort('run canceled');
    const error = await rejection(running);
    expect([error.type, error.message]).toEqual([
      'Aborted',
      `GET ${base}/slow aborted: run canceled`,
    ]);
  });

  it('stops with Aborted when the signal fires while reading the body', async () => {
    let written!: () => void;
    const flushed = new Promise<void>((resolve) => (written = resolve));
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial', () => written());
    };
    const { context, controller } = testContext();
    const running = httpRequestHandler.run({ url: base }, context);
    await flushed;
    controller.abort(new Error('timeout: 5m per attempt'));
    expect((await rejection(running)).message).toContain('timeout: 5m per attempt');
  });

  it('refuses a response larger than the cap, streamed or declared', async () => {
    const small = createHttpRequestHandler({ maxResponseBytes: 1024 });
    route = (_req, res) => {
      for (let i = 0; i < 64; i++) res.write('y'.repeat(1024));
      res.end();
    };
    const error = await rejection(small.run({ url: base }, testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['HttpResponseTooLarge', true]);
    route = send(200, { 'content-length': '2048' }, 'z'.repeat(2048));
    expect((await rejection(small.run({ url: base }, testContext().context))).type).toBe(
      'HttpResponseTooLarge',
    );
    route = send(200, {}, 'z'.repeat(1024));
    expect((await small.run({ url: base }, testContext().context)).body).toHaveLength(1024);
  });

  it('never returns or logs credentials, even when the server echoes them', async () => {
    route = (req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          you_sent: req.headers.authorization,
          bare: req.headers.authorization?.split(' ')[1],
          token: req.headers['private-token'],
        }),
      );
    };
    const { context, logs } = testContext();
    const headers = {
      Authorization: 'Bearer ghp_s3cr3t',
      'PRIVATE-TOKEN': 'glpat-s3cr3t',
      Accept: 'application/json',
    };
    const url = `${base}/api?private_token=query-s3cr3t&page=2`;
    const error = await rejection(httpRequestHandler.run({ url, headers }, context));
    const shown = JSON.stringify([toErrorInfo(error), logs]);
    expect(error.type).toBe('HttpClientError');
    expect(shown).not.toMatch(/s3cr3t/);
    expect(error.details).toMatchObject({
      request: {
        headers: {
          Authorization: '[REDACTED]',
          'PRIVATE-TOKEN': '[REDACTED]',
          Accept: 'application/json',
        },
      },
    });
    expect(error.message).toContain('page=2');
  });
});
