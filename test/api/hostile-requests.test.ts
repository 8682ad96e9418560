/**
 * The API against requests an attacker writes (issue 12 §2 and §6): numbers past what the
 * database holds, NULs and lone surrogates in parameters and bodies, ids that pass a lax
 * format, JSON nested thousands deep, `file` and `repo` climbing out of the repository. Each
 * answer is a 4xx problem with a stable code and leaves nothing behind; text a forge really
 * sends (a NUL, half an emoji) is stored with U+FFFD in its place; nothing is ever a 5xx.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgeClients } from '../../src/forges/clients.js';
import { MAX_JSON_DEPTH } from '../../src/events/json-depth.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeGitLab } from '../support/fake-gitlab.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { githubExample } from '../support/webhook-payloads.js';
import { mutatedPayload } from '../events/helpers.js';
import { TOKEN, useApi } from './support.js';

const SHA = 'c0ffee'.padEnd(40, '0');
const github = new FakeGitHub().addToken('gh-token');
const gitlab = new FakeGitLab().addToken('gl-token');

beforeAll(async () => {
  await Promise.all([github.start(), gitlab.start()]);
  github.setFile('octo/app', SHA, 'pipeline.yaml', 'version: 1\n');
  gitlab.addProject('group/sub/app', { id: 77 });
});
afterAll(() => Promise.all([github.stop(), gitlab.stop()]));

const api = useApi({
  handlers: testHandlers(new Blocker(), new PollCounter()),
  forges: () =>
    forgeClients(
      {
        githubApiUrl: github.url,
        githubToken: 'gh-token',
        gitlabUrl: gitlab.url,
        gitlabToken: 'gl-token',
      },
      { log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } },
    ),
});

const PIPELINE = `version: 1
name: hostile
on: [manual, pull_request]
jobs:
  hello:
    uses: test.script
    with: { echo: "\${{ event.pr.title }}" }
`;
const UUID = '00000000-0000-4000-8000-000000000000';
const TABLES = ['runs', 'run_specs', 'graphs', 'nodes', 'tasks', 'history', 'deliveries'];

/** Row counts of every table a request could write to. */
async function rows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows: found } = await api.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.${table}`,
    );
    counts[table] = found[0]!.n;
  }
  return counts;
}

function postRaw(url: string, body: string, token: string | null = TOKEN) {
  return api.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
  });
}

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

function prEvent(change: (pr: Record<string, unknown>) => void): Record<string, unknown> {
  const payload = githubExample('pull_request', 'opened');
  change(payload.pull_request as Record<string, unknown>);
  return payload;
}

describe('query and path parameters', () => {
  it.each([
    ['a pr past int4', '/api/v1/runs?pr=2147483648'],
    ['pr=Infinity', '/api/v1/runs?pr=Infinity'],
    ['pr=-Infinity', '/api/v1/runs?pr=-Infinity'],
    ['a fractional pr', '/api/v1/runs?pr=1.5'],
    ['pr=1e400', '/api/v1/runs?pr=1e400'],
    ['limit=Infinity', '/api/v1/runs?limit=Infinity'],
    ['a NUL in repo', '/api/v1/runs?repo=octo%00app'],
    ['a NUL in pipeline', '/api/v1/runs?pipeline=%00'],
    ['a control character in repo', '/api/v1/runs?repo=%1b%5b2J'],
    ['a leap second in since', '/api/v1/runs?since=2026-12-31T23:59:60Z'],
    ['the year 0000 in since (found by the fuzzer)', '/api/v1/runs?since=0000-01-01T00:00:00Z'],
    ['history after past int4', `/api/v1/runs/${UUID}/history?after=2147483648`],
    ['history after=Infinity', `/api/v1/runs/${UUID}/history?after=Infinity`],
    ['history limit=Infinity', `/api/v1/runs/${UUID}/history?limit=Infinity`],
    ['a urn:uuid run id', `/api/v1/runs/urn:uuid:${UUID}`],
    ['a urn:uuid run id (history)', `/api/v1/runs/urn:uuid:${UUID}/history`],
    ['a urn:uuid run id (graph)', `/api/v1/runs/urn:uuid:${UUID}/graph`],
    ['a braced run id', `/api/v1/runs/{${UUID}}`],
    ['a NUL in a delivery id', '/api/v1/deliveries/github:d%00'],
    ['a delivery id of a NUL', '/api/v1/deliveries/%00'],
    ['a delivery id without a forge', '/api/v1/deliveries/nope'],
  ])('%s → 400 INVALID_PARAMETER', async (_what, url) => {
    const response = await api.get(url);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
  });

  it('still reads the largest values the database holds', async () => {
    expect((await api.get('/api/v1/runs?pr=2147483647')).statusCode).toBe(200);
    expect((await api.get(`/api/v1/runs/${UUID}/history?after=2147483647`)).json()).toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    expect((await api.get('/api/v1/deliveries/github:0a1b-2c3d')).json()).toMatchObject({
      code: 'DELIVERY_NOT_FOUND',
    });
  });

  it('refuses a urn:uuid run id on every control route, storing nothing', async () => {
    const before = await rows();
    for (const action of ['cancel', 'retry', 'signals/go']) {
      const response = await api.post(`/api/v1/runs/urn:uuid:${UUID}/${action}`, {});
      expect(response.json()).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
    }
    expect(await rows()).toEqual(before);
  });
});

describe('bodies', () => {
  it.each([
    ['an event nested 5,000 deep', 5_000],
    ['an event nested 100,000 deep', 100_000],
    ['an event just past the bound', MAX_JSON_DEPTH],
  ])('%s → 400 BODY_TOO_DEEP, nothing stored', async (_what, depth) => {
    const before = await rows();
    const body = `{"pipeline":${JSON.stringify(PIPELINE)},"event":{"x":${nested(depth)}}}`;
    const response = await postRaw('/api/v1/runs', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_DEEP' });
    expect(await rows()).toEqual(before);
  });

  it('answers a deep signal payload, cancel reason or validate body with BODY_TOO_DEEP', async () => {
    const deep = nested(20_000);
    for (const [url, body] of [
      [`/api/v1/runs/${UUID}/signals/go`, `{"payload":${deep}}`],
      [`/api/v1/runs/${UUID}/cancel`, `{"reason":${deep}}`],
      ['/api/v1/validate', `{"pipeline":${deep}}`],
      ['/api/v1/runs', deep],
    ] as const) {
      const response = await postRaw(url, body);
      expect(response.json(), url).toMatchObject({ status: 400, code: 'BODY_TOO_DEEP' });
    }
  });

  it('takes JSON nested as deep as the bound allows', async () => {
    const event = prEvent((pr) => (pr.title = 'deep but fine'));
    const body = JSON.stringify({ pipeline: PIPELINE, event_type: 'pull_request', event });
    const within = body.replace('"deep but fine"', `"deep but fine","x":${nested(60)}`);
    const response = await postRaw('/api/v1/runs', within);
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
  });

  it('stores a NUL and a lone surrogate in an event as U+FFFD, and the run starts', async () => {
    const event = prEvent((pr) => (pr.title = 'fix\u0000 the \ud83d build \udc4d'));
    const body = JSON.stringify({ pipeline: PIPELINE, event_type: 'pull_request', event });
    expect(body).toContain('\\u0000');
    expect(body).toContain('\\ud83d');
    const response = await postRaw('/api/v1/runs', body);
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const run = (await api.get(`/api/v1/runs/${id}`)).json<{
      event: { pr: { title: string } };
      node_list: { output: unknown }[];
    }>();
    expect(run.event.pr.title).toBe('fix\ufffd the \ufffd build \ufffd');
    expect(run.node_list[0]?.output).toBe('fix\ufffd the \ufffd build \ufffd');
  });

  it('keeps well-formed text as it is: emoji, CJK, U+FFFD itself', async () => {
    const title = 'ok 👍 中文 \ufffd é';
    const event = prEvent((pr) => (pr.title = title));
    const response = await api.post('/api/v1/runs', {
      pipeline: PIPELINE,
      event_type: 'pull_request',
      event,
    });
    const id = response.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const run = (await api.get(`/api/v1/runs/${id}`)).json<{ event: { pr: { title: string } } }>();
    expect(run.event.pr.title).toBe(title);
  });

  it('stores NULs and lone surrogates anywhere in a body (keys, reasons, signals) as U+FFFD', async () => {
    const waiting = `version: 1
name: waits
on: [manual]
jobs:
  gate: { wait_for: { signal: go } }
  later: { needs: gate, wait_for: { signal: never } }
`;
    const started = await postRaw(
      '/api/v1/runs',
      `{"pipeline":${JSON.stringify(waiting)},"repo":"octo/app","idempotency_key":"k\\u0000\\udfff"}`,
    );
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<{ run_id: string }>().run_id;
    const signaled = await postRaw(
      `/api/v1/runs/${id}/signals/go`,
      '{"payload":{"a\\u0000":"b\\ud800","list":["\\u0000"]}}',
    );
    expect(signaled.statusCode, signaled.body).toBe(200);
    const canceled = await postRaw(`/api/v1/runs/${id}/cancel`, '{"reason":"stop\\u0000now"}');
    expect(canceled.statusCode, canceled.body).toBe(200);
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('canceled');
    const validated = await postRaw(
      '/api/v1/validate',
      `{"pipeline":${JSON.stringify(PIPELINE.replace('hostile', 'nul\u0000name'))}}`,
    );
    expect(validated.statusCode, validated.body).toBe(200);
    const history = (await api.get(`/api/v1/runs/${id}/history`)).json<{
      events: { type: string; data: unknown }[];
    }>();
    expect(JSON.stringify(history)).not.toMatch(/\\u0000|\\ud800/);
    expect(JSON.stringify(history)).toContain('stop\ufffdnow');
  });

  it.each([
    ['a pull request number past int4', (pr: Record<string, unknown>) => (pr.number = 2 ** 31)],
    ['a fractional pull request number', (pr: Record<string, unknown>) => (pr.number = 1.5)],
    ['pull request number 0', (pr: Record<string, unknown>) => (pr.number = 0)],
  ])('refuses an event with %s (400 INVALID_BODY), storing nothing', async (_what, change) => {
    const before = await rows();
    const response = await api.post('/api/v1/runs', {
      pipeline: PIPELINE,
      event_type: 'pull_request',
      event: prEvent(change),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'INVALID_BODY',
      detail: expect.stringContaining('pull_request.number') as unknown,
    });
    expect(await rows()).toEqual(before);
  });
});

describe('file and repo of POST /api/v1/runs', () => {
  it.each([
    '../../../../user',
    '../pipeline.yaml',
    'ci/../../user',
    '/etc/passwd',
    '/pipeline.yaml',
    './pipeline.yaml',
    'ci//pipeline.yaml',
    'ci\\..\\..\\user',
    '%2e%2e/%2e%2e/user',
    'ci%2fpipeline.yaml',
    'pipeline.yaml\u0000.txt',
    'ci/',
    '.',
    '..',
  ])('refuses file %j with 400 before asking the forge', async (file) => {
    const before = { requests: github.requests.length, rows: await rows() };
    const response = await api.post('/api/v1/runs', { repo: 'octo/app', ref: SHA, file });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'INVALID_BODY',
      detail: expect.stringContaining('file') as unknown,
    });
    expect(github.requests.length).toBe(before.requests);
    expect(await rows()).toEqual(before.rows);
  });

  it.each([
    ['../../..', 'github'],
    ['octo/..', 'github'],
    ['../app', 'github'],
    ['octo/./app', 'gitlab'],
    ['group/sub/app', 'github'],
    ['octo', 'github'],
    ['octo/app/', 'gitlab'],
    ['/octo/app', 'gitlab'],
    ['octo/a%2fb', 'github'],
    ['octo\\app', 'github'],
    ['octo/app?x=1', 'github'],
  ])('refuses repo %j on %s with 400, not 502', async (repo, forge) => {
    const before = { github: github.requests.length, gitlab: gitlab.requests.length };
    const response = await api.post('/api/v1/runs', { repo, ref: SHA, forge });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'INVALID_BODY',
      detail: expect.stringContaining('repo') as unknown,
    });
    expect([github.requests.length, gitlab.requests.length]).toEqual([
      before.github,
      before.gitlab,
    ]);
  });

  it('reads plain paths: nested files, GitHub owner/name, GitLab group/sub/name', async () => {
    github.setFile('octo/app', SHA, 'ci/nested.yaml', PIPELINE);
    const nestedFile = await api.post('/api/v1/runs', {
      repo: 'octo/app',
      ref: SHA,
      file: 'ci/nested.yaml',
    });
    expect(nestedFile.statusCode, nestedFile.body).toBe(201);
    gitlab.setFile('group/sub/app', SHA, '.pipeline.yaml', PIPELINE);
    const onGitLab = await api.post('/api/v1/runs', {
      repo: 'group/sub/app',
      ref: SHA,
      forge: 'gitlab',
      file: '.pipeline.yaml',
    });
    expect(onGitLab.statusCode, onGitLab.body).toBe(201);
    const missing = await api.post('/api/v1/runs', { repo: 'octo/.github', ref: SHA });
    expect(missing.json()).toMatchObject({ code: 'PIPELINE_NOT_FOUND' });
  });
});

describe('property: no request is a 5xx', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('Infinity', '-1', '1e400', '2147483648', '%00', '%ED%A0%80', '%', '0x10'),
  );
  const param = fc.constantFrom(
    'repo',
    'pipeline',
    'status',
    'trigger',
    'sha',
    'pr',
    'since',
    'children',
    'limit',
    'cursor',
    'after',
    'format',
  );
  const query = fc
    .array(fc.tuple(param, text), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));

  it('random query strings and path segments on every read route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/runs',
          `/api/v1/runs/${UUID}/history`,
          `/api/v1/runs/${UUID}/graph`,
          '/api/v1/deliveries',
        ),
        query,
        text,
        async (route, q, segment) => {
          const listed = await api.get(`${route}?${q}`);
          expect(listed.statusCode, `${route}?${q}: ${listed.body}`).toBeLessThan(500);
          const one = await api.get(`/api/v1/runs/${encodeURIComponent(segment)}`);
          expect(one.statusCode, one.body).toBeLessThan(500);
          const delivery = await api.get(`/api/v1/deliveries/${encodeURIComponent(segment)}`);
          expect(delivery.statusCode, delivery.body).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random JSON bodies on every write route', async () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('\u0000', '\ud800', 'a\ud83d', '../..', 2 ** 31, 1.5, -1),
    );
    const realEvent = fc
      .tuple(
        mutatedPayload([githubExample('pull_request', 'opened'), githubExample('push')]),
        fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 8 }), hostile), { maxLength: 3 }),
      )
      .map(([payload, extra]) => {
        const copy = payload as Record<string, unknown>;
        for (const [key, v] of extra) if (key !== '__proto__') copy[key] = v;
        return copy;
      });
    const body = fc.oneof(
      value.map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            pipeline: fc.oneof(fc.constant(PIPELINE), fc.string({ unit: 'binary' })),
            event: fc.oneof(realEvent, fc.dictionary(fc.string({ unit: 'binary' }), value)),
            event_type: fc.constantFrom('pull_request', 'push', 'issue_comment'),
            repo: fc.oneof(fc.constant('octo/app'), fc.string({ unit: 'binary' })),
            file: fc.string({ unit: 'binary' }),
            idempotency_key: fc.string({ unit: 'binary', minLength: 1 }),
          },
          { requiredKeys: ['pipeline'] },
        )
        .map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }).map((s) => JSON.stringify({ payload: s, reason: s })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/runs',
          '/api/v1/validate',
          `/api/v1/runs/${UUID}/cancel`,
          `/api/v1/runs/${UUID}/signals/go`,
        ),
        body,
        async (url, payload) => {
          const response = await postRaw(url, payload);
          expect(response.statusCode, `${url} ${payload}: ${response.body}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    // The runs it started end before the file's history check.
    const { rows: open } = await api.db.query<{ id: string }>(
      "SELECT id FROM forgeflow.runs WHERE status IN ('queued', 'running')",
    );
    for (const { id } of open) await api.runtime.waitForRun(id, 15_000);
  });
});
