/**
 * forgeflow_webhook_deliveries_total counts every delivery by forge and what it came to,
 * refusals included: one of each outcome sent through the server's routes (fastify's inject),
 * then the counter read back from the server's registry. Runs on PGlite and Postgres.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/api/metrics.js';
import { buildServerWithMetrics, type Server } from '../../src/api/server.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { testDb, type TestDb } from '../support/db.js';
import { testRuntime } from '../support/runtime.js';
import {
  githubExample,
  githubHeaders,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';

const SECRET = 'It is a secret to everybody';
const TOKEN = 'gitlab-token-1';
const LIMIT = 64 * 1024;

let db: TestDb;
let server: Server;
const clock = new FakeClock(Date.UTC(2026, 11, 1));

beforeAll(async () => {
  db = await testDb();
  server = await buildServerWithMetrics({
    db,
    runtime: testRuntime(db, { clock }),
    clock,
    logger: pino({ level: 'silent' }),
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: TOKEN,
      gitlabSigningToken: null,
      bodyLimit: LIMIT,
    },
  });
});

afterAll(async () => {
  await server.app.close();
  await db.close();
});

const post = (url: string, body: string, headers: Record<string, string>) =>
  server.app.inject({ method: 'POST', url, payload: body, headers });

async function counts(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.registry
    .getSingleMetric('forgeflow_webhook_deliveries_total')!
    .get();
  return Object.fromEntries(values.map((v) => [`${v.labels.forge} ${v.labels.outcome}`, v.value]));
}

describe('webhook delivery metrics', () => {
  it('count each delivery by forge and outcome, every refusal included', async () => {
    const pr = JSON.stringify(githubExample('pull_request', 'opened'));
    expect(
      (await post('/webhooks/github', pr, githubHeaders('pull_request', pr, SECRET, 'm1')))
        .statusCode,
    ).toBe(202);
    expect(
      (await post('/webhooks/github', pr, githubHeaders('pull_request', pr, SECRET, 'm1'))).json(),
    ).toMatchObject({ duplicate: true });
    const star = JSON.stringify(githubExample('star'));
    expect(
      (await post('/webhooks/github', star, githubHeaders('star', star, SECRET, 'm2'))).statusCode,
    ).toBe(200);
    expect(
      (await post('/webhooks/github', pr, githubHeaders('pull_request', pr, 'wrong secret', 'm3')))
        .statusCode,
    ).toBe(401);
    const notJson = '{"action": "opened", ';
    expect(
      (
        await post(
          '/webhooks/github',
          notJson,
          githubHeaders('pull_request', notJson, SECRET, 'm4'),
        )
      ).statusCode,
    ).toBe(400);
    const huge = JSON.stringify({ padding: 'x'.repeat(LIMIT) });
    expect(
      (await post('/webhooks/github', huge, githubHeaders('push', huge, SECRET, 'm5'))).statusCode,
    ).toBe(413);
    const impossible = githubExample('pull_request', 'opened') as {
      pull_request: { number: number };
    };
    impossible.pull_request.number = -3;
    const bad = JSON.stringify(impossible);
    expect(
      (
        await post('/webhooks/github', bad, githubHeaders('pull_request', bad, SECRET, 'm6'))
      ).json(),
    ).toMatchObject({ code: 'WEBHOOK_PAYLOAD_INVALID' });
    const mr = gitlabFixture('merge_request');
    const gitlab = JSON.stringify(mr);
    expect((await post('/webhooks/gitlab', gitlab, gitlabHeaders(mr, TOKEN))).statusCode).toBe(202);
    expect(
      (await post('/webhooks/gitlab', gitlab, gitlabHeaders(mr, 'not the token'))).statusCode,
    ).toBe(401);

    expect(await counts(server.metrics)).toEqual({
      'github planning': 1,
      'github duplicate': 1,
      'github ignored': 1,
      'github unverified': 1,
      'github unreadable': 1,
      'github too_large': 1,
      'github refused': 1,
      'gitlab planning': 1,
      'gitlab unverified': 1,
    });
  });
});
