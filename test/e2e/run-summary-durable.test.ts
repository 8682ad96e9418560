/**
 * A pull request's run summary survives the death of the process that ended the run: it is
 * queued in the run's ending transaction, so a process that stops right after (its in-flight
 * posts aborted) and a worker killed while posting it (its lease left to lapse) leave it to a
 * fresh process, which posts it once. Two services on one database, as two `forgeflow worker`
 * processes would be; the fake GitHub answering its REST shapes
 * (https://docs.github.com/en/rest/issues/comments#create-an-issue-comment); clock injected.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assembleService } from '../../src/cli/service.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { CONFIG_FILES } from '../../src/handlers/plan/config-lookup.js';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { testDb, type TestDb } from '../support/db.js';
import { FakeGitHub } from '../support/fake-github.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor } from '../support/runtime.js';
import { randomSha } from '../support/use-server.js';
import { githubExample } from '../support/webhook-payloads.js';

const REPO = 'Codertocat/Hello-World';
const clock = new FakeClock(Date.now());
const github = new FakeGitHub();
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let db: TestDb;

function service() {
  return assembleService(
    db,
    {
      publicUrl: 'http://forgeflow.test',
      configFiles: CONFIG_FILES,
      trustedUsers: [],
      execAllow: null,
      forges: { githubApiUrl: github.url, githubToken: 'gh-token' },
      concurrency: 4,
    },
    { clock, logger, random: () => 0.5 },
  );
}

let first: ReturnType<typeof service> | undefined;
let fresh: ReturnType<typeof service> | undefined;

beforeAll(async () => {
  await github.start();
  github.addToken('gh-token');
  db = await testDb();
});

afterAll(async () => {
  try {
    if (fresh) await expectAllHistoriesMatch(fresh.runtime);
  } finally {
    await first?.runtime.stopWorkers(0);
    await fresh?.runtime.stopWorkers(0);
    await db.close();
    await github.stop();
  }
});

it('is posted once by a fresh process after the one that ended the run stopped', async () => {
  const head = randomSha();
  github.addPullRequest(REPO, { number: 51, headSha: head, headRef: 'durable' });
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = 51;
  (pr.head as Record<string, unknown>).sha = head;
  delete payload.installation;
  const normalized = normalizeEvent('github', 'pull_request', payload);
  if (!normalized.ok) throw new Error(normalized.ignored);

  first = service();
  const text = `version: 1
name: ci
on: { pull_request: {} }
jobs:
  build:
    uses: http.request
    with: { url: "${github.url}/ci/build" }
`;
  const graph = compileFor(text, first.handlers, normalized.event);
  // The process stops the moment its run has ended: whatever it was posting is aborted, and
  // the fake creates no comment for a request its client gave up (a 1 s delay holds it).
  github.delayNext('POST', '/issues/51/comments', 1_000);
  const ended = new Promise<void>((resolve) =>
    first!.runtime.events.on('run:finished', (e) => {
      if (e.runId !== runId) return;
      void first!.runtime.stopWorkers(0);
      resolve();
    }),
  );
  await first.worker.start();
  const { runId } = await first.runtime.start(graph, normalized.event);
  await ended;
  await first.runtime.stopWorkers(0);
  expect((await first.runtime.getRun(runId))?.status).toBe('failed');
  expect(github.comments(REPO, 51)).toEqual([]);

  // A worker that claims the summary and is killed while posting it: its lease lapses.
  clock.advance(5_000);
  const ghost = await claim(first.runtime.engine, 'killed-worker', 4);
  expect(ghost.reports.some((r) => r.run.id === runId && r.context === null)).toBe(true);

  fresh = service();
  await fresh.worker.start();
  const posted = () => github.comments(REPO, 51).length > 0;
  for (let round = 0; !posted() && round < 50; round++) {
    clock.advance(fresh.runtime.engine.settings.leaseMs + 1);
    await fresh.runtime.events.next('worker:idle');
  }
  const settled = async () =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM forgeflow.tasks WHERE run_id = $1 AND kind = 'report'`,
        [runId],
      )
    ).rows[0]?.n;
  while ((await settled()) !== 0) await fresh.runtime.events.next('worker:idle');
  const comments = github.comments(REPO, 51);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain('<!-- forgeflow:run-summary pipeline=ci -->');
  expect(comments[0]!.body).toContain(`http://forgeflow.test/runs/${runId}`);
});
