/**
 * Issue 12 §5, `${{ secrets.NAME }}` on the runtime: a secret used in http.request headers
 * reaches a local server, while the graph, node inputs, outputs, errors, heartbeats, history,
 * API answers and log lines hold only the expression or `***`; a handler that echoes the secret
 * (as a value, a key, base64, in a log line, a heartbeat or an error) has it masked; a polling
 * child gets and masks it too; per-repository values win over global ones; event data that
 * looks like `${{ secrets.X }}` stays text; an untrusted-config run gets no secret; a missing
 * one fails clearly. Runs on PGlite and on Postgres.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { staticSecrets } from '../../src/common/secrets.js';
import { registryOf } from '../../src/contracts/handler-spec.js';
import type { Event } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { httpRequestHandler } from '../../src/handlers/http-request.js';
import { specsOf } from '../../src/handlers/registry.js';
import type { Handler } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { ConfigSource } from '../../src/contracts/run-control.js';
import { compileFor, pipeline, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const TOKEN = 'tok-S3CR3T-value-1';
const OTHER = 'other-repo-S3CR3T-2';
const POLL = 'poll-S3CR3T-value-3';
const SECRETS = [TOKEN, OTHER, POLL];

/** Logs what it is given everywhere it can: a log line, a heartbeat, its output or an error. */
const leak: Handler<{ value: string; fail?: boolean }> = {
  spec: {
    name: 'test.leak',
    description: 'Echoes its value everywhere (tests only).',
    input: {
      type: 'object',
      properties: { value: { type: 'string' }, fail: { type: 'boolean' } },
      required: ['value'],
    },
  },
  async run(input, context) {
    context.logger.info({ value: input.value, nested: [input.value] }, `I see ${input.value}`);
    await context.heartbeat({ seen: input.value });
    if (input.fail)
      throw HandlerError.custom('Leaky', `failed with ${input.value}`, {
        nonRetryable: true,
        details: { value: input.value },
      });
    return {
      value: input.value,
      [input.value]: 'as a key',
      base64: Buffer.from(`Basic ${input.value}`).toString('base64'),
    };
  },
};

const handlers = testHandlers();
handlers.set('http.request', httpRequestHandler);
handlers.set('test.leak', leak);

const lines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
const clock = new FakeClock();
const t = useRuntime({
  clock,
  handlers,
  settings: {
    secrets: staticSecrets(
      { API_TOKEN: TOKEN, POLL_TOKEN: POLL },
      { 'octo/other': { API_TOKEN: OTHER } },
    ),
  },
  worker: { logger },
});

/** A local server that records each request and answers its JSON body back. */
const requests: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let base = '';
let api: FastifyInstance;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      const echo = body === '' ? {} : (JSON.parse(body) as object);
      res.end(JSON.stringify({ ...echo, state: 'done', seen: req.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = await buildServer({
    db: t.db,
    runtime: t.runtime,
    clock,
    logger: pino({ level: 'silent' }),
    handlers: registryOf(specsOf(handlers)),
    forges: null,
    webhooks: { githubSecret: null, gitlabToken: null, gitlabSigningToken: null, bodyLimit: 1024 },
  });
});

afterAll(async () => {
  await api.close();
  await new Promise((resolve) => server.close(resolve));
});

async function run(text: string, event: Event, configSource?: ConfigSource) {
  const graph = compileFor(text, handlers, event);
  const { runId } = await t.runtime.start(graph, event, configSource ? { configSource } : {});
  const status = await t.runtime.waitForRun(runId, 15_000);
  return { runId, status, nodes: await t.nodesOf(runId) };
}

/** Every row of every forgeflow table, as text. */
async function everythingStored(): Promise<string> {
  const { rows } = await t.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'forgeflow'`,
  );
  let text = '';
  for (const { table_name: table } of rows) {
    const dump = await t.db.query<{ rows: string | null }>(
      `SELECT json_agg(t)::text AS rows FROM forgeflow.${table} t`,
    );
    text += dump.rows[0]?.rows ?? '';
  }
  return text;
}

/** The API's answers about a run (detail, history, graph), as text. */
async function apiAnswers(runId: string): Promise<string> {
  const urls = [
    `/api/v1/runs/${runId}`,
    `/api/v1/runs/${runId}/history`,
    `/api/v1/runs/${runId}/graph`,
  ];
  const answers = await Promise.all(urls.map((url) => api.inject({ url })));
  for (const answer of answers) expect(answer.statusCode).toBe(200);
  return answers.map((a) => a.body).join('\n');
}

function expectNoSecret(text: string, what: string): void {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${what} holds a secret`).toBe(false);
    expect(text.includes(Buffer.from(`Basic ${secret}`).toString('base64')), what).toBe(false);
  }
}

const event = (repo = 'octo/app') => manualEvent({ repo, sha: 'a'.repeat(40) });

describe('secrets in a run', () => {
  it('reach the server in a header, and nothing stored, answered or logged holds them', async () => {
    const text = pipeline(`  call:
    uses: http.request
    with:
      method: POST
      url: ${base}/call
      headers: { Authorization: "Bearer \${{ secrets.API_TOKEN }}", X-Sha: "\${{ event.sha }}" }
      json: { token: "\${{ secrets.api_token }}", sha: "\${{ event.sha }}" }
  echo:
    uses: test.leak
    env: { TOKEN: "\${{ secrets.API_TOKEN }}" }
    with: { value: "\${{ env.TOKEN }}" }
  fail:
    uses: test.leak
    with: { value: "value \${{ secrets.API_TOKEN }}", fail: true }
`);
    const { runId, status, nodes } = await run(text, event());
    expect(status).toBe('failed');
    const call = requests.find((r) => r.url === '/call');
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(call!.body)).toEqual({ token: TOKEN, sha: 'a'.repeat(40) });

    // The stored input keeps the expression; the output has the value masked.
    expect(nodes.call?.input).toMatchObject({
      headers: { Authorization: 'Bearer ${{ secrets.API_TOKEN }}', 'X-Sha': 'a'.repeat(40) },
      json: { token: '${{ secrets.api_token }}' },
    });
    expect(nodes.call?.output).toMatchObject({
      status: 200,
      body: { token: '***', seen: 'Bearer ***', sha: 'a'.repeat(40) },
    });
    expect(nodes.echo?.status).toBe('succeeded');
    expect(nodes.echo?.input).toEqual({ value: '${{ env.TOKEN }}' });
    expect(nodes.echo?.output).toEqual({
      value: '***',
      '***': 'as a key',
      base64: expect.any(String) as unknown,
    });
    expect(nodes.fail?.error).toMatchObject({
      type: 'Leaky',
      message: expect.stringContaining('failed with value ***') as unknown,
      details: { value: 'value ***' },
    });

    expectNoSecret(await everythingStored(), 'the database');
    expectNoSecret(await apiAnswers(runId), 'the API');
    expectNoSecret(lines.join(''), 'the logs');
    expect(lines.some((line) => line.includes('I see ***'))).toBe(true);
  });

  it('are resolved and masked in a polling child run too', async () => {
    const text = pipeline(`  build:
    uses: http.request
    with:
      method: POST
      url: ${base}/builds
      json: { id: 7 }
    poll:
      uses: http.request
      with:
        method: POST
        url: "${base}/builds/\${{ output.body.id }}"
        headers: { Authorization: "token \${{ secrets.POLL_TOKEN }}" }
        json: { echo: "\${{ secrets.POLL_TOKEN }}" }
      every: 30s
      until: "\${{ output.body.state == 'done' }}"
`);
    const graph = compileFor(text, handlers, event());
    const started = t.runtime.events.next('child:started');
    const { runId } = await t.runtime.start(graph, event());
    const { childRunId } = await started;
    const polled = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(30_000);
    await polled;
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(requests.find((r) => r.url === '/builds/7')?.headers.authorization).toBe(
      `token ${POLL}`,
    );
    const child = await t.nodesOf(childRunId);
    expect(child.poll?.input).toMatchObject({
      headers: { Authorization: 'token ${{ secrets.POLL_TOKEN }}' },
    });
    expect(child.poll?.output).toMatchObject({ body: { echo: '***', seen: 'token ***' } });
    expectNoSecret(await everythingStored(), 'the database');
    expectNoSecret(await apiAnswers(childRunId), 'the API');
    expectNoSecret(lines.join(''), 'the logs');
  });

  it("takes a repository's own value over the global one", async () => {
    const text = pipeline(`  call:
    uses: http.request
    with: { url: "${base}/other", headers: { Authorization: "\${{ secrets.API_TOKEN }}" } }
`);
    const { status } = await run(text, event('octo/other'));
    expect(status).toBe('succeeded');
    expect(requests.find((r) => r.url === '/other')?.headers.authorization).toBe(OTHER);
  });

  it('leaves event data that looks like a secret expression as text', async () => {
    const text = pipeline(`  echo:
    uses: test.leak
    with: { value: "\${{ event.ref }}" }
`);
    const { nodes } = await run(text, {
      ...event(),
      ref: '${{ secrets.API_TOKEN }}',
    });
    expect(nodes.echo?.output).toMatchObject({ value: '${{ secrets.API_TOKEN }}' });
  });

  it('are not given to a run whose config came from an untrusted author', async () => {
    const text = pipeline(`  call:
    uses: http.request
    with: { url: "${base}/untrusted", headers: { Authorization: "\${{ secrets.API_TOKEN }}" } }
  plain:
    uses: test.leak
    with: { value: no secret here }
`);
    const { status, nodes } = await run(text, event(), {
      trusted: false,
      ref: 'b'.repeat(40),
      path: 'pipeline.yaml',
      why: 'mallory is NONE, not OWNER, MEMBER or COLLABORATOR',
    });
    expect(status).toBe('failed');
    expect(requests.some((r) => r.url === '/untrusted')).toBe(false);
    expect(nodes.call?.error).toMatchObject({
      type: 'SecretsWithheld',
      non_retryable: true,
      message: expect.stringMatching(
        /^secrets are not given to this run: its config \(pipeline\.yaml at b+\) came from an author the repository does not trust \(mallory is NONE/,
      ) as unknown,
    });
    // A node that reads no secret runs as usual.
    expect(nodes.plain?.status).toBe('succeeded');
  });

  it('fails an attempt clearly when a secret is not set', async () => {
    const text = pipeline(`  call:
    uses: http.request
    with: { url: "${base}/missing", headers: { Authorization: "\${{ secrets.NOT_SET }}" } }
`);
    const { nodes } = await run(text, event());
    expect(nodes.call?.error).toMatchObject({
      type: 'SecretNotFound',
      non_retryable: true,
      message: expect.stringMatching(
        /^no secret NOT_SET for octo\/app: set secret NOT_SET for the server \(not retried/,
      ) as unknown,
    });
    expect(requests.some((r) => r.url === '/missing')).toBe(false);
  });
});
