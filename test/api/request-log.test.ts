/**
 * The request log at the default level (info): one line per request that changed something or
 * was refused, none for a routine read (the page, its polling of the API, health checks), and a
 * server error at error with what caused it. On a terminal the same line is readable text.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { serviceLogger } from '../../src/cli/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { testDb, type TestDb } from '../support/db.js';
import { testRuntime } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

interface Line {
  level: number;
  msg: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  err?: { message: string; stack: string };
}

/** A JSON log at info, as `serve` writes it when not on a terminal. */
function jsonLog(): { lines: Line[]; logger: pino.Logger } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Line);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const INFO = 30;
const ERROR = 50;
const log = jsonLog();
const api = useApi({ handlers: new Map(), worker: false, logger: log.logger });
const auth = { authorization: `Bearer ${TOKEN}` };

const PIPELINE = `version: 1
name: logged
on: [manual]
jobs:
  gate:
    wait_for: { signal: go }
`;

function server(
  db: TestDb,
  logger: pino.Logger,
  runtime = testRuntime(db),
): Promise<FastifyInstance> {
  return buildServer({
    db,
    runtime,
    clock: systemClock,
    logger,
    auth: { token: TOKEN, readsNeedToken: false },
    webhooks: { githubSecret: null, gitlabToken: null, gitlabSigningToken: null, bodyLimit: 1024 },
  });
}

describe('the request log at info', () => {
  it('says nothing of successful reads: the page, its assets, the API, health checks', async () => {
    log.lines.length = 0;
    const reads = ['/', '/page/app.js', '/api/v1/runs?limit=5', '/healthz', '/readyz', '/metrics'];
    for (const url of reads) {
      const response = await api.app.inject({ url });
      expect(response.statusCode, url).toBeLessThan(400);
    }
    const head = await api.app.inject({ method: 'HEAD', url: '/healthz' });
    expect(head.statusCode).toBe(200);
    expect(log.lines).toEqual([]);
  });

  it('writes one line for a write, with method, URL, status and duration', async () => {
    log.lines.length = 0;
    const started = await api.post('/api/v1/runs', { pipeline: PIPELINE, repo: 'octo/app' });
    expect(started.statusCode, started.body).toBe(201);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: INFO,
      msg: 'request completed',
      req: { method: 'POST', url: '/api/v1/runs' },
      res: { statusCode: 201 },
    });
    expect(log.lines[0]!.responseTime).toBeTypeOf('number');
  });

  it('writes one line at info for a refused request, read or write', async () => {
    log.lines.length = 0;
    await api.app.inject({ url: '/api/v1/runs/not-a-uuid', headers: auth });
    await api.post('/api/v1/runs', { pipeline: PIPELINE }, null);
    expect(log.lines.map((line) => [line.level, line.req?.method, line.res?.statusCode])).toEqual([
      [INFO, 'GET', 400],
      [INFO, 'POST', 401],
    ]);
  });
});

describe('the request log on a terminal', () => {
  const terminal = {
    isTTY: true,
    lines: [] as string[],
    write: (text: string) => terminal.lines.push(text),
  };
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    const logger = serviceLogger({ logLevel: 'debug', logFormat: null }, terminal, {
      NO_COLOR: '1',
    });
    app = await server(api.db, logger, api.runtime);
  });
  afterAll(() => app?.close());

  it('is one readable line per request; reads show at debug', async () => {
    await app!.inject({ url: '/healthz' });
    await app!.inject({
      method: 'POST',
      url: '/api/v1/runs',
      payload: { pipeline: PIPELINE, repo: 'octo/app' },
      headers: auth,
    });
    expect(terminal.lines).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} DEBUG GET \/healthz 200 \d+ms\n$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}POST \/api\/v1\/runs 201 \d+ms\n$/),
    ]);
  });
});

describe('the request log when the server fails', () => {
  const broken = jsonLog();
  let db: TestDb | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    db = await testDb();
    app = await server(db, broken.logger);
  });
  afterAll(() => app?.close());

  it('writes a 5xx at error, in one line with the error behind it', async () => {
    await db!.close();
    const listed = await app!.inject({ url: '/api/v1/runs' });
    const ready = await app!.inject({ url: '/readyz' });
    expect([listed.statusCode, ready.statusCode]).toEqual([500, 503]);
    expect(broken.lines.map((line) => [line.level, line.req?.url, line.res?.statusCode])).toEqual([
      [ERROR, '/api/v1/runs', 500],
      [ERROR, '/readyz', 503],
    ]);
    expect(broken.lines[0]!.err?.stack).toContain(broken.lines[0]!.err?.message);
    expect(listed.body).not.toContain(broken.lines[0]!.err?.message);
  });
});
