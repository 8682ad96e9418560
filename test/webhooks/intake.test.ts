/**
 * The webhook routes on their own (fastify's inject, no port): verification on the raw body,
 * the delivery record, one plan run per delivery id however many copies arrive, and every bad
 * request refused with a problem document, storing nothing. Runs on PGlite and Postgres.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { testRuntime } from '../support/runtime.js';
import {
  githubExample,
  githubHeaders,
  githubSignature,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';

const SECRET = 'It is a secret to everybody';
const TOKEN = 'gitlab-token-1';
const SIGNING = `whsec_${Buffer.from('signing-key-0123456789').toString('base64')}`;
const LIMIT = 64 * 1024;

let db: TestDb;
let runtime: Runtime;
let app: FastifyInstance;
let signedApp: FastifyInstance;
const clock = new FakeClock(Date.UTC(2026, 11, 1));

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
  const logger = pino({ level: 'silent' });
  const deps = { db, runtime, clock, logger };
  app = await buildServer({
    ...deps,
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: TOKEN,
      gitlabSigningToken: null,
      bodyLimit: LIMIT,
    },
  });
  signedApp = await buildServer({
    ...deps,
    webhooks: {
      githubSecret: null,
      gitlabToken: null,
      gitlabSigningToken: SIGNING,
      bodyLimit: LIMIT,
    },
  });
});

afterAll(async () => {
  await app.close();
  await signedApp.close();
  await db.close();
});

const count = async (table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM forgeflow.${table}`)).rows[0]!.n;

async function post(url: string, body: string, headers: Record<string, string>, to = app) {
  return to.inject({ method: 'POST', url, payload: body, headers });
}

describe('POST /webhooks/github', () => {
  const body = JSON.stringify(githubExample('pull_request', 'opened'));

  it('accepts a signed delivery, records it and starts one plan run', async () => {
    const headers = githubHeaders('pull_request', body, SECRET, 'd1');
    const response = await post('/webhooks/github', body, headers);
    expect(response.statusCode).toBe(202);
    const accepted = response.json<{ delivery: string; plan_run_id: string; duplicate: boolean }>();
    expect(accepted).toMatchObject({
      delivery: 'github:d1',
      outcome: 'planning',
      duplicate: false,
    });
    const run = await runtime.getRun(accepted.plan_run_id);
    expect(run).toMatchObject({
      pipeline: 'forgeflow.plan',
      repo: 'Codertocat/Hello-World',
      pr: 2,
    });
    const delivery = await app.inject({ url: '/api/v1/deliveries/github:d1' });
    expect(delivery.json()).toMatchObject({
      id: 'github:d1',
      forge: 'github',
      event: 'pull_request',
      action: 'opened',
      outcome: 'planning',
      plan_run_id: accepted.plan_run_id,
    });
  });

  it('starts nothing new for a redelivery, nor for two copies arriving at once', async () => {
    const headers = githubHeaders('pull_request', body, SECRET, 'd2');
    const [a, b] = await Promise.all([
      post('/webhooks/github', body, headers),
      post('/webhooks/github', body, headers),
    ]);
    const again = await post('/webhooks/github', body, headers);
    const answers = [a, b, again].map((r) => r.json<{ plan_run_id: string; duplicate: boolean }>());
    expect(new Set(answers.map((x) => x.plan_run_id)).size).toBe(1);
    expect(answers.filter((x) => !x.duplicate)).toHaveLength(1);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.runs WHERE idempotency_key = 'delivery:github:d2'`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('gives each of many deliveries arriving together its plan run and its record', async () => {
    // Their starts share transactions (start-queue.ts); each record commits with its own run.
    const ids = Array.from({ length: 20 }, (_, i) => `many-${i}`);
    const responses = await Promise.all(
      ids.map((id) =>
        post('/webhooks/github', body, githubHeaders('pull_request', body, SECRET, id)),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(ids.map(() => 202));
    const answers = responses.map((r) => r.json<{ delivery: string; plan_run_id: string }>());
    expect(answers.map((a) => a.delivery)).toEqual(ids.map((id) => `github:${id}`));
    const { rows } = await db.query<{ id: string; plan_run_id: string; key: string }>(
      `SELECT d.id, d.plan_run_id, r.idempotency_key AS key
       FROM forgeflow.deliveries d JOIN forgeflow.runs r ON r.id = d.plan_run_id
       WHERE d.id = ANY($1::text[])`,
      [answers.map((a) => a.delivery)],
    );
    const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1);
    expect(rows.sort(byId)).toEqual(
      answers
        .map((a) => ({ id: a.delivery, plan_run_id: a.plan_run_id, key: `delivery:${a.delivery}` }))
        .sort(byId),
    );
  });

  it('accepts a form-encoded delivery, verified on the form bytes', async () => {
    const form = `payload=${encodeURIComponent(body)}`;
    const headers = {
      ...githubHeaders('pull_request', form, SECRET, 'd3'),
      'content-type': 'application/x-www-form-urlencoded',
    };
    const response = await post('/webhooks/github', form, headers);
    expect(response.statusCode).toBe(202);
  });

  it('refuses a bad or missing signature with 401, storing nothing', async () => {
    const [runs, deliveries] = [await count('runs'), await count('deliveries')];
    const tampered = body.replace('"opened"', '"closed"');
    const bad = await post(
      '/webhooks/github',
      tampered,
      githubHeaders('pull_request', body, SECRET),
    );
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json()).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
    const wrongKey = await post(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, 'guess'),
    );
    expect(wrongKey.statusCode).toBe(401);
    const headers = githubHeaders('pull_request', body, SECRET);
    delete headers['x-hub-signature-256'];
    const missing = await post('/webhooks/github', body, headers);
    expect(missing.json()).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_MISSING' });
    expect([await count('runs'), await count('deliveries')]).toEqual([runs, deliveries]);
  });

  it('answers 413 for a body over the limit, 400 for one that is not JSON, 415 for another type', async () => {
    const [runs, deliveries] = [await count('runs'), await count('deliveries')];
    const huge = JSON.stringify({ padding: 'x'.repeat(LIMIT) });
    const tooLarge = await post('/webhooks/github', huge, githubHeaders('push', huge, SECRET));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    const notJson = '{"action": "opened", ';
    const broken = await post(
      '/webhooks/github',
      notJson,
      githubHeaders('pull_request', notJson, SECRET),
    );
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: 'WEBHOOK_BODY_INVALID' });
    const xml = await post('/webhooks/github', '<x/>', {
      ...githubHeaders('pull_request', '<x/>', SECRET),
      'content-type': 'application/xml',
    });
    expect(xml.statusCode).toBe(415);
    const noEvent = githubHeaders('pull_request', body, SECRET);
    delete noEvent['x-github-event'];
    expect((await post('/webhooks/github', body, noEvent)).json()).toMatchObject({
      code: 'WEBHOOK_HEADER_MISSING',
    });
    expect([await count('runs'), await count('deliveries')]).toEqual([runs, deliveries]);
  });

  it('records an event that starts nothing, and still answers 2xx', async () => {
    const star = JSON.stringify(githubExample('star'));
    const response = await post(
      '/webhooks/github',
      star,
      githubHeaders('star', star, SECRET, 'd4'),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'ignored' });
    expect((await app.inject({ url: '/api/v1/deliveries/github:d4' })).json()).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('star') as unknown,
    });
  });
});

describe('POST /webhooks/gitlab', () => {
  const mr = gitlabFixture('merge_request');
  const body = JSON.stringify(mr);

  it('accepts a merge request with the right token, deduplicated by Idempotency-Key', async () => {
    const headers = gitlabHeaders(mr, TOKEN, 'key-1');
    const first = await post('/webhooks/gitlab', body, headers);
    expect(first.statusCode).toBe(202);
    const again = await post('/webhooks/gitlab', body, {
      ...headers,
      'x-gitlab-event-uuid': 'other',
    });
    expect(again.json()).toMatchObject({
      duplicate: true,
      plan_run_id: first.json<{ plan_run_id: string }>().plan_run_id,
    });
  });

  it('refuses a wrong or missing token with 401, storing nothing', async () => {
    const deliveries = await count('deliveries');
    expect((await post('/webhooks/gitlab', body, gitlabHeaders(mr, 'nope'))).statusCode).toBe(401);
    const headers = gitlabHeaders(mr, TOKEN);
    delete headers['x-gitlab-token'];
    expect((await post('/webhooks/gitlab', body, headers)).json()).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MISSING',
    });
    expect(await count('deliveries')).toBe(deliveries);
  });

  it("verifies GitLab's signing-token HMAC (Standard Webhooks), and its timestamp", async () => {
    const sign = (id: string, timestamp: number, text: string) =>
      `v1,${createHmac('sha256', Buffer.from('signing-key-0123456789'))
        .update(`${id}.${timestamp}.${text}`)
        .digest('base64')}`;
    const now = Math.floor(clock.now() / 1000);
    const headers = (id: string, timestamp: number, signature: string) => ({
      ...gitlabHeaders(mr, '', id),
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    });
    const good = await post(
      '/webhooks/gitlab',
      body,
      headers('msg-1', now, sign('msg-1', now, body)),
      signedApp,
    );
    expect(good.statusCode).toBe(202);
    const forged = await post(
      '/webhooks/gitlab',
      body,
      headers('msg-2', now, sign('msg-2', now, '{}')),
      signedApp,
    );
    expect(forged.json()).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
    const stale = now - 3600;
    const old = await post(
      '/webhooks/gitlab',
      body,
      headers('msg-3', stale, sign('msg-3', stale, body)),
      signedApp,
    );
    expect(old.json()).toMatchObject({
      status: 401,
      detail: expect.stringContaining('5 minutes') as unknown,
    });
  });

  it('refuses GitHub deliveries when no GitHub secret is configured', async () => {
    const pr = JSON.stringify(githubExample('pull_request', 'opened'));
    const response = await post(
      '/webhooks/github',
      pr,
      {
        ...githubHeaders('pull_request', pr, SECRET),
        'x-hub-signature-256': githubSignature('', pr),
      },
      signedApp,
    );
    expect(response.json()).toMatchObject({ status: 401, code: 'WEBHOOK_NOT_CONFIGURED' });
  });
});
