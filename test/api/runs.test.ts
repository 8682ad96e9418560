/**
 * The REST API on a real database: start, list (filters, cursor pages, newest first), one run
 * in full, history pages, the graph, cancel, retry and signal, validate; auth on every
 * mutating call; and bad input answered with a 4xx problem, never a 500.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

const blocker = new Blocker();
const handlers = testHandlers(blocker, new PollCounter());
const api = useApi({ handlers });

const PIPELINE = `version: 1
name: api
on: [manual, push]
jobs:
  first:
    uses: test.script
    with: { echo: { n: 1 } }
  gate:
    needs: first
    wait_for: { signal: go }
  last:
    needs: gate
    uses: test.script
    with: { echo: "\${{ needs.gate.output }}" }
`;

async function start(body: object = {}) {
  const response = await api.post('/api/v1/runs', {
    pipeline: PIPELINE,
    repo: 'octo/app',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ run_id: string }>().run_id;
}

/** Waits until the run's gate waits for its signal, reading the API after each of the run's events. */
async function gateWaiting(id: string): Promise<void> {
  for (;;) {
    const next = api.runtime.events.next('node:waiting', (e) => e.runId === id, 15_000);
    next.catch(() => undefined);
    const run = (await api.get(`/api/v1/runs/${id}`)).json<{
      node_list: { id: string; status: string }[];
    }>();
    if (run.node_list.find((n) => n.id === 'gate')?.status === 'waiting') return;
    await next;
  }
}

describe('runs through the API', () => {
  it('starts a run, shows it in full, steers it with a signal and reads its history', async () => {
    const id = await start({ sha: 'a'.repeat(40) });
    // The gate waits: a signal ends it.
    for (;;) {
      const run = (await api.get(`/api/v1/runs/${id}`)).json<{
        node_list: { id: string; status: string }[];
      }>();
      if (run.node_list.find((n) => n.id === 'gate')?.status === 'waiting') break;
      await api.runtime.events
        .next('node:waiting', (e) => e.runId === id, 5_000)
        .catch(() => undefined);
    }
    const signaled = await api.post(`/api/v1/runs/${id}/signals/go`, { payload: { ok: true } });
    expect(signaled.statusCode).toBe(200);
    expect(signaled.json()).toEqual({ outcome: 'delivered', node: 'gate' });
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');

    const detail = (await api.get(`/api/v1/runs/${id}`)).json<Record<string, unknown>>();
    expect(detail).toMatchObject({
      id,
      pipeline: 'api',
      status: 'succeeded',
      trigger: 'manual',
      repo: 'octo/app',
      sha: 'a'.repeat(40),
      attempt: 1,
      parent: null,
      children: [],
      nodes: { total: 3, succeeded: 3 },
      event: { kind: 'manual', repo: { full_name: 'octo/app' } },
    });
    expect(typeof detail.duration_ms).toBe('number');
    expect(detail.event).not.toHaveProperty('payload');
    const nodes = detail.node_list as Record<string, unknown>[];
    expect(nodes.map((n) => [n.id, n.kind, n.status])).toEqual([
      ['first', 'activity', 'succeeded'],
      ['gate', 'signal', 'succeeded'],
      ['last', 'activity', 'succeeded'],
    ]);
    expect(nodes[2]).toMatchObject({
      needs: ['gate'],
      handler: 'test.script',
      output: { ok: true },
      attempts: [{ attempt: 1, status: 'succeeded' }],
    });

    const first = (await api.get(`/api/v1/runs/${id}/history?limit=3`)).json<{
      events: { seq: number; type: string }[];
      next_after: number;
    }>();
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first.events[0]?.type).toBe('RunStarted');
    const rest = (
      await api.get(`/api/v1/runs/${id}/history?after=${first.next_after}&limit=1000`)
    ).json<{
      events: { seq: number; type: string }[];
      next_after: number | null;
    }>();
    expect(rest.events[0]?.seq).toBe(4);
    expect(rest.next_after).toBeNull();
    expect(rest.events.at(-1)?.type).toBe('RunCompleted');

    const graph = (await api.get(`/api/v1/runs/${id}/graph`)).json<{
      format: number;
      nodes: { id: string; needs: string[] }[];
    }>();
    expect(graph.format).toBe(2);
    expect(graph.nodes.map((n) => [n.id, n.needs])).toEqual([
      ['first', []],
      ['gate', ['first']],
      ['last', ['gate']],
    ]);
    const mermaid = await api.get(`/api/v1/runs/${id}/graph?format=mermaid`);
    expect(mermaid.headers['content-type']).toContain('text/plain');
    expect(mermaid.body).toMatch(/^flowchart LR/);
  });

  it('lists runs newest first, filtered, in cursor pages that never repeat or skip', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await start({ repo: 'octo/paged', sha: `${i}`.repeat(40) }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api.get(
        `/api/v1/runs?repo=octo/paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page: { runs: { id: string }[]; next_cursor: string | null } = response.json();
      expect(page.runs.length).toBeLessThanOrEqual(2);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ids].reverse());
    const bySha = (await api.get(`/api/v1/runs?sha=${'3'.repeat(7)}`)).json<{
      runs: { id: string }[];
    }>();
    expect(bySha.runs.map((r) => r.id)).toEqual([ids[3]]);
    const none = (await api.get('/api/v1/runs?repo=octo/paged&status=failed')).json<{
      runs: unknown[];
    }>();
    expect(none.runs).toEqual([]);
    const later = (
      await api.get(
        `/api/v1/runs?repo=octo/paged&since=${new Date(Date.now() + 60_000).toISOString()}`,
      )
    ).json<{ runs: unknown[] }>();
    expect(later.runs).toEqual([]);
    for (const id of ids) await api.post(`/api/v1/runs/${id}/cancel`, { reason: 'clean up' });
  });

  it('cancels, retries, and says what it did; a finished run is a clear no-op', async () => {
    const id = await start();
    await gateWaiting(id);
    expect((await api.post(`/api/v1/runs/${id}/retry`)).json()).toMatchObject({
      status: 409,
      code: 'RUN_NOT_FINISHED',
    });
    const canceled = await api.post(`/api/v1/runs/${id}/cancel`);
    expect(canceled.json()).toEqual({ outcome: 'canceled', status: 'canceled' });
    expect((await api.post(`/api/v1/runs/${id}/cancel`)).json()).toEqual({
      outcome: 'already-finished',
      status: 'canceled',
    });
    expect((await api.post(`/api/v1/runs/${id}/signals/go`)).json()).toMatchObject({
      status: 409,
      code: 'RUN_NOT_ACTIVE',
    });
    const retried = await api.post(`/api/v1/runs/${id}/retry`);
    expect(retried.json()).toMatchObject({
      outcome: 'retried',
      attempt: 2,
      nodes: ['gate', 'last'],
    });
    await api.post(`/api/v1/runs/${id}/cancel`);
  });

  it('validates a pipeline text, and refuses to start a broken one, with the diagnostics', async () => {
    const broken = PIPELINE.replace(
      'wait_for: { signal: go }',
      'wait_for: { signal: go }\n    timout: 1m',
    );
    const valid = (await api.post('/api/v1/validate', { pipeline: broken })).json<{
      valid: boolean;
      diagnostics: { line: number; column: number; rule: string }[];
    }>();
    expect(valid.valid).toBe(false);
    expect(valid.diagnostics).toMatchObject([{ line: 11, column: 5, rule: 'schema' }]);
    const refused = await api.post('/api/v1/runs', { pipeline: broken });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'PIPELINE_INVALID', diagnostics: [{ line: 11 }] });
    const untriggered = await api.post('/api/v1/runs', {
      pipeline: PIPELINE.replace('on: [manual, push]', 'on: [push]'),
    });
    expect(untriggered.json()).toMatchObject({ status: 422, code: 'NOT_TRIGGERED' });
  });

  it('answers 422 with every diagnostic in its JSON form', async () => {
    const refused = await api.post('/api/v1/runs', {
      pipeline: PIPELINE.replace('uses: test.script', 'uses: test.scirpt'),
      file: 'ci/pipeline.yaml',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({
      type: 'https://forgeflow.dev/errors#PIPELINE_INVALID',
      title: 'Pipeline invalid',
      status: 422,
      code: 'PIPELINE_INVALID',
      detail: 'ci/pipeline.yaml has errors',
      diagnostics: [
        {
          file: 'ci/pipeline.yaml',
          line: 6,
          column: 11,
          length: 11,
          message: 'unknown handler "test.scirpt"; did you mean "test.script"?',
          rule: 'handler',
          severity: 'error',
        },
      ],
    });
  });

  it('starts one run for one idempotency key', async () => {
    const first = await api.post('/api/v1/runs', { pipeline: PIPELINE, idempotency_key: 'k-1' });
    const second = await api.post('/api/v1/runs', { pipeline: PIPELINE, idempotency_key: 'k-1' });
    expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
    expect(second.json()).toEqual({
      run_id: first.json<{ run_id: string }>().run_id,
      created: false,
    });
    await api.post(`/api/v1/runs/${second.json<{ run_id: string }>().run_id}/cancel`);
  });
});

describe('Packit configs', () => {
  const PACKIT = readFileSync(new URL('../../examples/packit.yaml', import.meta.url), 'utf8');
  const validate = async (body: object) =>
    (await api.post('/api/v1/validate', body)).json<{
      valid: boolean;
      diagnostics: { line: number; rule: string; message: string }[];
    }>();

  it('validates one named like one, or said to be one, with Packit’s meaning', async () => {
    expect(await validate({ pipeline: PACKIT, file: '.packit.yaml' })).toEqual({
      valid: true,
      diagnostics: [],
    });
    expect(await validate({ pipeline: PACKIT, file: 'ci.yaml', packit: true })).toEqual({
      valid: true,
      diagnostics: [],
    });
    expect((await validate({ pipeline: PACKIT })).valid).toBe(false); // a pipeline.yaml
    const broken = await validate({
      pipeline: PACKIT.replace('trigger: release', 'trigger: tag'),
      packit: true,
    });
    expect(broken.valid).toBe(false);
    expect(broken.diagnostics).toMatchObject([
      {
        line: 36,
        rule: 'packit',
        message: expect.stringContaining('not a Packit trigger') as string,
      },
    ]);
  });

  it('compiles one to start as Packit: a push starts none of its jobs, in Packit’s words', async () => {
    for (const body of [{ file: '.packit.yaml' }, { file: 'ci.yaml', packit: true }]) {
      const refused = await api.post('/api/v1/runs', {
        pipeline: PACKIT,
        repo: 'octo/app',
        ...body,
      });
      expect(refused.json()).toMatchObject({ status: 422, code: 'NOT_TRIGGERED' });
    }
    const plain = await api.post('/api/v1/runs', { pipeline: PACKIT, file: 'ci.yaml' });
    expect(plain.json()).toMatchObject({ status: 422, code: 'PIPELINE_INVALID' });
  });

  it('takes packit as a boolean only', async () => {
    for (const url of ['/api/v1/runs', '/api/v1/validate'])
      expect((await api.post(url, { pipeline: PACKIT, packit: 'yes' })).json()).toMatchObject({
        status: 400,
        code: 'INVALID_BODY',
      });
  });
});

describe('auth', () => {
  it('needs the token for every call that changes something, compared in constant time', async () => {
    const missing = await api.post('/api/v1/runs', { pipeline: PIPELINE }, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    const wrong = await api.post('/api/v1/runs', { pipeline: PIPELINE }, `${TOKEN}x`);
    expect(wrong.json()).toMatchObject({ status: 401, code: 'AUTH_INVALID' });
    for (const url of [
      '/api/v1/runs/00000000-0000-4000-8000-000000000000/cancel',
      '/api/v1/runs/00000000-0000-4000-8000-000000000000/retry',
      '/api/v1/runs/00000000-0000-4000-8000-000000000000/signals/go',
    ])
      expect((await api.post(url, {}, null)).statusCode).toBe(401);
    expect((await api.get('/api/v1/runs')).statusCode).toBe(200); // reads are open here
  });
});

describe('bad input', () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  it.each([
    ['an unknown run', `/api/v1/runs/${unknown}`, 404, 'RUN_NOT_FOUND'],
    ['an unknown run’s history', `/api/v1/runs/${unknown}/history`, 404, 'RUN_NOT_FOUND'],
    ['an unknown run’s graph', `/api/v1/runs/${unknown}/graph`, 404, 'RUN_NOT_FOUND'],
    ['a run id that is not a UUID', '/api/v1/runs/not-a-uuid', 400, 'INVALID_PARAMETER'],
    ['a malformed cursor', '/api/v1/runs?cursor=%25%25%25', 400, 'INVALID_CURSOR'],
    [
      'a cursor not made here',
      `/api/v1/runs?cursor=${Buffer.from('x|y').toString('base64url')}`,
      400,
      'INVALID_CURSOR',
    ],
    ['a negative limit', '/api/v1/runs?limit=-1', 400, 'INVALID_PARAMETER'],
    ['a huge limit', '/api/v1/runs?limit=100000', 400, 'INVALID_PARAMETER'],
    ['a limit that is not a number', '/api/v1/runs?limit=ten', 400, 'INVALID_PARAMETER'],
    ['an unknown status', '/api/v1/runs?status=exploded', 400, 'INVALID_PARAMETER'],
    ['an unknown filter', '/api/v1/runs?colour=red', 400, 'INVALID_PARAMETER'],
    ['a since that is no time', '/api/v1/runs?since=yesterday', 400, 'INVALID_PARAMETER'],
    ['a sha that is no sha', '/api/v1/runs?sha=xyz', 400, 'INVALID_PARAMETER'],
    ['an unknown delivery', '/api/v1/deliveries/github:nope', 404, 'DELIVERY_NOT_FOUND'],
    ['an unknown route', '/api/v1/nothing', 404, 'NOT_FOUND'],
  ])('%s (%s) → %i %s', async (_what, url, status, code) => {
    const response = await api.get(url);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status, code });
  });

  it('answers invalid JSON, wrong content types and unknown fields with 4xx problems', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const invalid = await api.app.inject({
      method: 'POST',
      url: '/api/v1/runs',
      payload: '{"pipeline": ',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'INVALID_BODY' });
    const text = await api.app.inject({
      method: 'POST',
      url: '/api/v1/validate',
      payload: 'version: 1',
      headers: { ...auth, 'content-type': 'text/yaml' },
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const extra = await api.post('/api/v1/runs', { pipeline: PIPELINE, colour: 'red' });
    expect(extra.json()).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    const neither = await api.post('/api/v1/runs', { repo: 'octo/app' });
    expect(neither.json()).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    const badSignal = await api.post(`/api/v1/runs/${unknown}/signals/no$such`, {});
    expect(badSignal.json()).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
  });
});

describe('operations', () => {
  it('answers health, readiness and Prometheus metrics', async () => {
    expect((await api.get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).json()).toMatchObject({ status: 'ready' });
    const metrics = await api.get('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(
      /forgeflow_runs_started_total\{pipeline="api",repository="[^"]+"\}/,
    );
    expect(metrics.body).toMatch(
      /forgeflow_runs_finished_total\{pipeline="api",repository="[^"]+",status="succeeded"\} \d+/,
    );
    expect(metrics.body).toContain(
      'forgeflow_node_attempt_duration_seconds_bucket{le="0.01",pipeline="api",handler="test.script",outcome="succeeded"}',
    );
    expect(metrics.body).toContain('forgeflow_queue_depth');
    expect(metrics.body).toContain('forgeflow_claim_lag_seconds');
  });

  it('publishes the OpenAPI document, served locally', async () => {
    const spec = (await api.get('/docs/json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/runs',
        '/api/v1/runs/{id}',
        '/api/v1/runs/{id}/history',
        '/api/v1/runs/{id}/graph',
        '/api/v1/runs/{id}/cancel',
        '/api/v1/runs/{id}/retry',
        '/api/v1/runs/{id}/signals/{name}',
        '/api/v1/deliveries/{id}',
        '/api/v1/validate',
      ]),
    );
    const ui = await api.get('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
  });
});
