/**
 * http.request writes what it did to its node's log: the method and URL, the answer's status, or why there was none; never a header.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpRequestHandler } from '../../src/handlers/http-request.js';
import { rejection, testContext } from './context.js';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it('logs the request and its answer, never a header', async () => {
  const { context, lines } = testContext();
  await httpRequestHandler.run(
    {
      method: 'post',
      url: `${base}/builds?x=1`,
      headers: { authorization: 'Bearer tok-HEADER-1' },
      json: {},
    },
    context,
  );
  expect(lines).toEqual([
    { stream: 'system', text: `POST ${base}/builds?x=1` },
    { stream: 'system', text: 'answered 200 OK' },
  ]);
  expect(JSON.stringify(lines)).not.toContain('tok-HEADER');
});

it('logs a refusal and a request that got no answer', async () => {
  const { context, lines } = testContext();
  await rejection(httpRequestHandler.run({ url: `${base}/missing` }, context));
  await rejection(httpRequestHandler.run({ url: 'http://127.0.0.1:1/' }, context));
  expect(lines.map((l) => l.text)).toEqual([
    `GET ${base}/missing`,
    'answered 404 Not Found',
    'GET http://127.0.0.1:1/',
    expect.stringMatching(/^no answer: GET http:\/\/127\.0\.0\.1:1\/ failed/) as unknown,
  ]);
});
