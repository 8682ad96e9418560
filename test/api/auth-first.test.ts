/**
 * With reads closed (`FORGEFLOW_API_READ=token`), a request without the token is answered 401
 * before anything else looks at it: no 400 naming a field, no 404 telling routes apart, no
 * 415, no 413, so a caller without the token learns nothing of the API's shape. And the
 * request log keeps no credential: query-string tokens and credential headers are redacted.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

const api = useApi({
  handlers: testHandlers(new Blocker(), new PollCounter()),
  readsNeedToken: true,
  logger: pino({ level: 'info' }, logStream),
});

const UUID = '00000000-0000-4000-8000-000000000000';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

type Request = {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  payload?: string;
  type?: string;
};

/** Requests that, with the token, are refused for what they hold (status given). */
const malformed: [string, Request, number][] = [
  ['a limit that is no number', { method: 'GET', url: '/api/v1/runs?limit=ten' }, 400],
  ['an unknown filter', { method: 'GET', url: '/api/v1/runs?colour=red' }, 400],
  ['pr=Infinity', { method: 'GET', url: '/api/v1/runs?pr=Infinity' }, 400],
  ['a run id that is no UUID', { method: 'GET', url: '/api/v1/runs/not-a-uuid' }, 400],
  [
    'a negative history cursor',
    { method: 'GET', url: `/api/v1/runs/${UUID}/history?after=-1` },
    400,
  ],
  ['a NUL delivery id', { method: 'GET', url: '/api/v1/deliveries/%00' }, 400],
  ['an unknown route', { method: 'GET', url: '/api/v1/nothing' }, 404],
  ['an unknown method', { method: 'DELETE', url: '/api/v1/runs' }, 404],
  ['an unknown run', { method: 'GET', url: `/api/v1/runs/${UUID}` }, 404],
  [
    'a validate body of another type',
    { method: 'POST', url: '/api/v1/validate', payload: 'version: 1', type: 'text/yaml' },
    415,
  ],
  [
    'a validate body that is no JSON',
    { method: 'POST', url: '/api/v1/validate', payload: '{"p' },
    400,
  ],
  [
    'a validate body with an unknown field',
    { method: 'POST', url: '/api/v1/validate', payload: '{"colour":"red"}' },
    400,
  ],
  [
    'a start body nested 10,000 deep',
    { method: 'POST', url: '/api/v1/runs', payload: '['.repeat(10_000) + ']'.repeat(10_000) },
    400,
  ],
  [
    'a start body over the size limit',
    {
      method: 'POST',
      url: '/api/v1/runs',
      payload: `{"pipeline":"${'x'.repeat(3 * 1024 * 1024)}"}`,
    },
    413,
  ],
  [
    'a cancel of no UUID',
    { method: 'POST', url: '/api/v1/runs/urn:uuid:x/cancel', payload: '{}' },
    400,
  ],
  // Refused by fastify's router before any route or hook: still a problem, after the token.
  ['a path that is no UTF-8', { method: 'GET', url: '/api/v1/runs/%FF' }, 400],
  [
    'a signal name that is a lone surrogate',
    { method: 'POST', url: `/api/v1/runs/${UUID}/signals/%ED%A0%80`, payload: '{}' },
    400,
  ],
  [
    'a run id over the router’s length',
    { method: 'GET', url: `/api/v1/runs/${'x'.repeat(200)}` },
    400,
  ],
];

function send(request: Request, headers: Record<string, string> = {}) {
  return api.app.inject({
    method: request.method,
    url: request.url,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
    headers: {
      ...(request.payload === undefined
        ? {}
        : { 'content-type': request.type ?? 'application/json' }),
      ...headers,
    },
  });
}

describe('auth before validation', () => {
  it.each(malformed)('%s: 401 without a token', async (_what, request) => {
    const response = await send(request);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it.each(malformed)('%s: 401 with a wrong token', async (_what, request) => {
    const response = await send(request, auth(`${TOKEN}-not`));
    expect(response.json()).toMatchObject({ status: 401, code: 'AUTH_INVALID' });
  });

  it.each(malformed)('%s: %i with the token', async (_what, request, status) => {
    const response = await send(request, auth(TOKEN));
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('leaves what is not the API open: health, the OpenAPI document, webhooks', async () => {
    expect((await api.get('/healthz')).statusCode).toBe(200);
    expect((await api.get('/docs/json')).statusCode).toBe(200);
    const webhook = await api.app.inject({
      method: 'POST',
      url: '/webhooks/github',
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(webhook.json()).toMatchObject({ code: 'WEBHOOK_NOT_CONFIGURED' });
  });
});

describe('the request log', () => {
  it('redacts tokens in query strings and never writes credential headers', async () => {
    logLines.length = 0;
    const secrets = ['SEKRET-one', 'SEKRET-two', 'SEKRET-three', 'SEKRET-four', 'SEKRET-five'];
    const query = `token=${secrets[0]}&access_token=${secrets[1]}&private_token=${secrets[2]}&limit=5&${secrets[3]}&repo=octo/app`;
    await api.app.inject({ url: `/api/v1/runs?${query}`, headers: auth(TOKEN) });
    await api.app.inject({ url: `/api/v1/nothing?api_key=${secrets[4]}` });
    await api.app.inject({
      method: 'POST',
      url: `/webhooks/gitlab?token=${secrets[0]}`,
      payload: '{}',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-token': secrets[1],
        'x-hub-signature-256': `sha256=${secrets[2]}`,
        authorization: `Bearer ${secrets[3]}`,
      },
    });
    const log = logLines.join('');
    expect(log).toContain('request completed');
    for (const secret of [...secrets, TOKEN]) expect(log).not.toContain(secret);
    const urls = logLines
      .map((line) => (JSON.parse(line) as { req?: { url: string } }).req?.url)
      .filter((url) => url !== undefined);
    expect(urls).toEqual([
      '/api/v1/runs?[REDACTED]&[REDACTED]&[REDACTED]&limit=5&[REDACTED]&repo=octo/app',
      '/api/v1/nothing?[REDACTED]',
      '/webhooks/gitlab?[REDACTED]',
    ]);
  });
});
