/**
 * A delivery whose plan run ends without deciding never stays `planning` (156–179 did per fuzz
 * pass): the plan's worker dying every time (a poison pill), its deadline passing, a cancel.
 * The delivery says how it ended, through the API, from the transaction that ended the run;
 * a failed plan also gets a failed `forgeflow/config` status on the forge, as a broken config
 * does. The service is assembled as `forgeflow serve` assembles it, on an injected clock; its
 * worker starts only at the end, to post the statuses, so that what claims the plan attempts
 * here is a worker that dies: a claim under a ghost's name whose lease then runs out.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { assembleService } from '../../src/cli/service.js';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { DEFAULT_MAX_LOST_ATTEMPTS } from '../../src/runtime/lost-workers.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { sweep } from '../../src/runtime/sweep.js';
import type { Worker } from '../../src/runtime/worker.js';
import { CONFIG_FILES } from '../../src/handlers/plan/config-lookup.js';
import { testDb, type TestDb } from '../support/db.js';
import { FakeGitHub } from '../support/fake-github.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { randomSha } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const API_TOKEN = 'api-token';
const REPO = 'Codertocat/Hello-World';

const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
let db: TestDb;
let runtime: Runtime;
let worker: Worker;
let app: FastifyInstance;

beforeAll(async () => {
  await github.start();
  github.addToken('gh-token');
  db = await testDb();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const service = assembleService(
    db,
    {
      publicUrl: 'http://forgeflow.test',
      configFiles: CONFIG_FILES,
      trustedUsers: [],
      execAllow: null,
      forges: { githubApiUrl: github.url, githubToken: 'gh-token' },
      concurrency: 2,
    },
    { clock, logger, random: () => 0.5 },
  );
  runtime = service.runtime;
  worker = service.worker;
  app = await buildServer({
    db,
    runtime,
    clock,
    logger,
    auth: { token: API_TOKEN, readsNeedToken: false },
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: null,
      gitlabSigningToken: null,
      bodyLimit: 1024 * 1024,
    },
  });
});

afterAll(async () => {
  try {
    await expectAllHistoriesMatch(runtime);
  } finally {
    await app.close();
    await runtime.stopWorkers(0);
    await db.close();
    await github.stop();
  }
});

interface DeliveryView {
  id: string;
  outcome: string;
  reason: string | null;
  plan_run_id: string;
  run_ids: string[];
}

/** A pull_request.opened on commit `head`; answers the plan run's id. */
async function deliver(id: string, head: string): Promise<string> {
  github.addCommit(REPO, head);
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  const body = JSON.stringify(payload);
  const response = await app.inject({
    method: 'POST',
    url: '/webhooks/github',
    payload: body,
    headers: githubHeaders('pull_request', body, SECRET, id),
  });
  expect(response.statusCode).toBe(202);
  return response.json<{ plan_run_id: string }>().plan_run_id;
}

async function delivery(id: string): Promise<DeliveryView> {
  const response = await app.inject({ url: `/api/v1/deliveries/${id}` });
  expect(response.statusCode).toBe(200);
  return response.json<DeliveryView>();
}

/**
 * A worker takes the plan attempt and dies holding it: once the retry is due, a claim in a
 * ghost's name, then the clock past its lease and `extraMs` more, and a sweep. (It may take
 * statuses queued by an earlier test too: they are freed with its lease, and posted later.)
 */
async function loseWorker(ghost: string, extraMs = 0): Promise<void> {
  clock.advance(60_001); // the plan's backoff never exceeds a minute
  const claimed = await claim(runtime.engine, ghost, 10);
  expect(claimed.attempts.map((a) => a.run.pipeline)).toEqual(['forgeflow.plan']);
  clock.advance(runtime.engine.settings.leaseMs + 1 + extraMs);
  expect(await sweep(runtime.engine)).toBe(1);
}

const heads = { poison: randomSha(), late: randomSha(), canceled: randomSha() };

describe('a delivery whose plan run ends without deciding', () => {
  it(`is failed when the plan's worker dies ${DEFAULT_MAX_LOST_ATTEMPTS} times in a row`, async () => {
    const planRunId = await deliver('poison-1', heads.poison);
    for (let lost = 1; lost <= DEFAULT_MAX_LOST_ATTEMPTS; lost++) {
      expect((await delivery('github:poison-1')).outcome).toBe('planning');
      await loseWorker(`ghost-${lost}`);
    }
    expect(await runtime.waitForRun(planRunId, 15_000)).toBe('failed');
    const plan = (await runtime.getRun(planRunId))!.nodes[0]!;
    expect(plan).toMatchObject({ status: 'failed', error: { type: 'WorkerCrashed' } });

    const record = await delivery('github:poison-1');
    expect(record).toMatchObject({ outcome: 'failed', plan_run_id: planRunId, run_ids: [] });
    expect(record.reason).toBe(`forgeflow could not plan this event: ${plan.error!.message}`);
    expect(record.reason).toContain(
      `the worker died ${DEFAULT_MAX_LOST_ATTEMPTS} times in a row while running it`,
    );
    const listed = await app.inject({ url: '/api/v1/deliveries' });
    expect(
      listed.json<{ deliveries: DeliveryView[] }>().deliveries.find((d) => d.id === record.id),
    ).toMatchObject({ outcome: 'failed', reason: record.reason });
  });

  it('is failed when the plan run is still not done at its deadline', async () => {
    const planRunId = await deliver('late-1', heads.late);
    await loseWorker('ghost-late', 3_600_000);
    expect(await runtime.waitForRun(planRunId, 15_000)).toBe('failed');
    const record = await delivery('github:late-1');
    expect(record.outcome).toBe('failed');
    expect(record.reason).toMatch(
      /^forgeflow could not plan this event: its deadline \(1h\) passed/,
    );
  });

  it('is canceled, with the reason, when its plan run is canceled through the API', async () => {
    const planRunId = await deliver('cancel-1', heads.canceled);
    const canceled = await app.inject({
      method: 'POST',
      url: `/api/v1/runs/${planRunId}/cancel`,
      headers: { authorization: `Bearer ${API_TOKEN}` },
      payload: { reason: 'pushed by mistake' },
    });
    expect(canceled.statusCode).toBe(200);
    expect(await runtime.waitForRun(planRunId, 15_000)).toBe('canceled');
    expect(await delivery('github:cancel-1')).toMatchObject({
      outcome: 'canceled',
      reason: 'the plan run was canceled: pushed by mistake',
    });
  });

  it('posts a failed forgeflow/config status for each failed plan, none for a cancel', async () => {
    const { rows: queued } = await db.query<{ head: string; n: number }>(
      `SELECT r.sha AS head, count(t.id)::int AS n FROM forgeflow.runs r
       LEFT JOIN forgeflow.tasks t ON t.run_id = r.id AND t.kind = 'report'
       WHERE r.pipeline = 'forgeflow.plan' GROUP BY r.sha`,
    );
    expect(Object.fromEntries(queued.map((r) => [r.head, r.n]))).toEqual({
      [heads.poison]: 1,
      [heads.late]: 1,
      [heads.canceled]: 0,
    });
    await worker.start();
    for (;;) {
      const posted = [heads.poison, heads.late].map((h) => github.statuses(REPO, h).length);
      if (posted.every((n) => n >= 1)) break;
      await runtime.events.next('worker:idle');
    }
    const poisoned = github.statuses(REPO, heads.poison);
    expect(poisoned).toHaveLength(1);
    expect(poisoned[0]).toMatchObject({
      context: 'forgeflow/config',
      state: 'failure',
      target_url: 'http://forgeflow.test/deliveries/github%3Apoison-1',
    });
    expect(poisoned[0]!.description).toMatch(
      /^forgeflow could not plan this event: the worker died 3 times in a row/,
    );
    expect(github.statuses(REPO, heads.late).map((s) => [s.context, s.state])).toEqual([
      ['forgeflow/config', 'failure'],
    ]);
    expect(github.statuses(REPO, heads.canceled)).toEqual([]);
  });
});
