/**
 * on.schedule end to end, on both backends: a signed push to the default branch teaches the
 * server the config's schedules (through the real HTTP server, the config read from a fake
 * GitHub); the next push replaces them, a broken config or a push to another branch leaves
 * them. Firing: at the due time a plan run reads the default branch's head config and starts
 * the pipeline with a schedule event; two firers on one due time start one run; a new runtime
 * on the same database carries on; after downtime one run says how many due times it missed;
 * pause and resume through the API. Time is a FakeClock: nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/cli/main.js';
import type { Event } from '../../src/events/event.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { ScheduleFirer, type Firing } from '../../src/webhooks/schedules/firer.js';
import { FakeGitHub } from '../support/fake-github.js';
import { randomSha, useServer } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'api-token';
const REPO = 'Codertocat/Hello-World'; // its default branch is master

const pipeline = (schedules: string) => `version: 1
name: nightly
on:
  push: { branches: [never-pushed] }
  schedule:
${schedules}
jobs:
  wait: { sleep: 1s }
`;
const NIGHTLY = '    - cron: "0 3 * * *"';
const PRAGUE = '    - cron: "30 6 * * 1-5"\n      timezone: Europe/Prague';
const HOURLY = '    - cron: "15 * * * *"';

// Monday 5 January 2026, noon UTC.
const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0));
const github = new FakeGitHub();
const app = useServer({
  clock,
  fakes: [github],
  settings: () => {
    github.addToken('gh-token');
    return { forges: { githubApiUrl: github.url, githubToken: 'gh-token' }, concurrency: 4 };
  },
  webhooks: { githubSecret: SECRET },
  apiToken: TOKEN,
});

interface Schedule {
  id: string;
  cron: string;
  timezone: string;
  path: string;
  paused: boolean;
  next_due: string;
  last_due_at: string | null;
  last_missed: number | null;
  last_run_id: string | null;
}

/** Pushes `config` to `branch` (moving the branch there) and waits for its plan. */
async function push(config: string, branch = 'master') {
  const sha = randomSha();
  github.setFile(REPO, sha, 'pipeline.yaml', config);
  github.setBranch(REPO, branch, sha);
  const payload = githubExample('push');
  payload.ref = `refs/heads/${branch}`;
  payload.after = sha;
  (payload.head_commit as Record<string, unknown>).id = sha;
  const body = JSON.stringify(payload);
  const headers = githubHeaders('push', body, SECRET);
  const answer = await app.post('/webhooks/github', body, headers);
  expect(answer.status).toBe(202);
  await app.planned(`github:${headers['x-github-delivery']}`);
  return sha;
}

async function schedules(): Promise<Schedule[]> {
  const response = await app.server.inject({ url: `/api/v1/schedules?repo=${REPO}` });
  expect(response.statusCode).toBe(200);
  return response.json<{ schedules: Schedule[] }>().schedules;
}

const firer = () => new ScheduleFirer({ db: app.db, runtime: app.runtime, clock });

/** Moves the clock to `iso` (forward only). */
function at(iso: string) {
  clock.advance(Date.parse(iso) - clock.now());
}

/** The pipeline run a firing's plan started, once the plan has run. */
async function startedBy(firing: Firing) {
  const delivery = await app.planned(`github:schedule:${firing.scheduleId}:${firing.dueAt}`);
  expect(delivery.outcome, delivery.reason ?? '').toBe('started');
  const id = delivery.run_ids[0]!;
  const run = await app.runtime.getRun(id);
  const spec = await app.db.query<{ event: Event }>(
    'SELECT event FROM forgeflow.run_specs WHERE run_id = $1',
    [id],
  );
  return { delivery, run: { ...run!, event: spec.rows[0]!.event } };
}

const planRuns = async (scheduleId: string) =>
  (
    await app.db.query<{ id: string }>(
      `SELECT id FROM forgeflow.runs WHERE idempotency_key LIKE $1`,
      [`schedule:${scheduleId}:%`],
    )
  ).rows.length;

describe('learning schedules from the default branch', () => {
  it('records what a push to the default branch declares, each due next in its time zone', async () => {
    await push(pipeline(`${NIGHTLY}\n${PRAGUE}`));
    const learned = await schedules();
    expect(learned.map((s) => [s.cron, s.timezone, s.path, s.next_due, s.paused])).toEqual([
      ['0 3 * * *', 'UTC', 'pipeline.yaml', '2026-01-06T03:00:00.000Z', false],
      // 06:30 in Prague in winter (UTC+1) is 05:30 UTC.
      ['30 6 * * 1-5', 'Europe/Prague', 'pipeline.yaml', '2026-01-06T05:30:00.000Z', false],
    ]);
  });

  it('ignores pushes to other branches and configs with errors', async () => {
    const before = await schedules();
    await push(pipeline(HOURLY), 'feature');
    await push(pipeline('    - cron: "61 * * * *"'));
    expect(await schedules()).toEqual(before);
  });

  it('replaces them on the next push: kept ones keep their id, gone ones go', async () => {
    const before = await schedules();
    await push(pipeline(`${NIGHTLY}\n${HOURLY}`));
    const after = await schedules();
    expect(after.map((s) => s.cron)).toEqual(['0 3 * * *', '15 * * * *']);
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[1]!.next_due).toBe('2026-01-05T12:15:00.000Z');
  });
});

describe('firing', () => {
  it('fires at the due time: a plan run reads the head config and starts the pipeline', async () => {
    // The branch moves on after the push that taught the schedule: the firing reads the head.
    const head = await push(pipeline(`${NIGHTLY}\n${HOURLY}`));
    expect(await firer().fireDue()).toEqual([]);
    at('2026-01-05T12:15:00.000Z');
    const [firing, ...more] = await firer().fireDue();
    expect(more).toEqual([]);
    expect(firing).toMatchObject({ dueAt: '2026-01-05T12:15:00.000Z', missed: 0, created: true });
    const { run, delivery } = await startedBy(firing!);
    expect(run.pipeline).toBe('nightly');
    expect(run.trigger).toBe('schedule');
    expect(run.sha).toBe(head);
    expect(run.event.kind).toBe('schedule');
    expect(run.event.schedule).toMatchObject({ cron: '15 * * * *', timezone: 'UTC', missed: 0 });
    expect((run.event.payload as { schedule: string }).schedule).toBe('15 * * * *');
    expect(delivery.reason).toBe('schedule "15 * * * *" (UTC) due at 2026-01-05T12:15:00.000Z');
    const hourly = (await schedules()).find((s) => s.cron === '15 * * * *')!;
    expect(hourly).toMatchObject({
      next_due: '2026-01-05T13:15:00.000Z',
      last_due_at: '2026-01-05T12:15:00.000Z',
      last_missed: 0,
      last_run_id: firing!.planRunId,
    });
    expect(await firer().fireDue()).toEqual([]);
  });

  it('fires a due time once with two firers at it, and never again for a stale claim', async () => {
    const other = new Runtime({ db: app.db, clock });
    const hourly = (await schedules()).find((s) => s.cron === '15 * * * *')!;
    at('2026-01-05T13:15:00.000Z');
    const before = await planRuns(hourly.id);
    const [a, b] = await Promise.all([
      firer().fireDue(),
      new ScheduleFirer({ db: app.db, runtime: other, clock }).fireDue(),
    ]);
    expect([...a, ...b].map((f) => f.dueAt)).toEqual(['2026-01-05T13:15:00.000Z']);
    expect(await planRuns(hourly.id)).toBe(before + 1);
    await startedBy([...a, ...b][0]!);
    // A firer that read the row before the other fired it, and comes back (its claim ran out)
    // when another due time has passed: the row has moved on, so its start is rolled back.
    const stale = (
      await app.db.query<Parameters<ScheduleFirer['fire']>[0]>(
        'SELECT * FROM forgeflow.schedules WHERE id = $1',
        [hourly.id],
      )
    ).rows[0]!;
    stale.next_due = new Date('2026-01-05T13:15:00.000Z');
    at('2026-01-05T14:15:00.000Z');
    expect(await firer().fire(stale)).toBeUndefined();
    expect(await planRuns(hourly.id)).toBe(before + 1);
    // And one that comes back at the same due time finds its run: no second one.
    const again = { ...stale, next_due: new Date('2026-01-05T14:15:00.000Z') };
    const first = await firer().fire(again);
    expect(await firer().fire(again)).toMatchObject({
      planRunId: first!.planRunId,
      created: false,
    });
    expect(await planRuns(hourly.id)).toBe(before + 2);
    await startedBy(first!);
  });

  it('carries on in a new runtime on the same database (a restart)', async () => {
    const restarted = new ScheduleFirer({
      db: app.db,
      runtime: new Runtime({ db: app.db, clock }),
      clock,
    });
    at('2026-01-05T15:15:00.000Z');
    const fired = await restarted.fireDue();
    expect(fired.map((f) => f.dueAt)).toEqual(['2026-01-05T15:15:00.000Z']);
    await startedBy(fired[0]!);
  });

  it('after downtime fires once, for the latest due time, and says how many it missed', async () => {
    // Down from 15:15 to the next day 03:30: 12 hourly due times and the nightly one passed.
    at('2026-01-06T03:30:00.000Z');
    const fired = await firer().fireDue();
    const byCron = new Map(fired.map((f) => [f.dueAt, f]));
    expect([...byCron.keys()].sort()).toEqual([
      '2026-01-06T03:00:00.000Z',
      '2026-01-06T03:15:00.000Z',
    ]);
    const hourly = byCron.get('2026-01-06T03:15:00.000Z')!;
    expect(hourly.missed).toBe(11); // 16:15 … 02:15
    const { run, delivery } = await startedBy(hourly);
    expect(run.event.schedule).toMatchObject({
      due_at: '2026-01-06T03:15:00.000Z',
      missed: 11,
      missed_since: '2026-01-05T16:15:00.000Z',
    });
    expect(delivery.reason).toContain('11 earlier due times since 2026-01-05T16:15:00.000Z missed');
    // The plan run's history says so too (its decision, in NodeCompleted).
    const history = await app.runtime.history(hourly.planRunId);
    const completed = history.find((e) => e.type === 'NodeCompleted');
    expect(completed?.data).toMatchObject({ output: { schedule: { missed: 11 } } });
    const nightly = byCron.get('2026-01-06T03:00:00.000Z')!;
    expect(nightly.missed).toBe(0);
    await startedBy(nightly);
    expect(await firer().fireDue()).toEqual([]);
  });
});

describe('pause and resume through the API', () => {
  const post = (path: string, token: string | null = TOKEN) =>
    app.server.inject({
      method: 'POST',
      url: path,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });

  it('pauses (nothing fires), resumes due next after now, and 404s an unknown id', async () => {
    const hourly = (await schedules()).find((s) => s.cron === '15 * * * *')!;
    const paused = await post(`/api/v1/schedules/${hourly.id}/pause`);
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ id: hourly.id, paused: true });
    at('2026-01-06T06:00:00.000Z');
    const fired = await firer().fireDue();
    expect(fired.map((f) => f.dueAt)).toEqual([]);
    const resumed = await post(`/api/v1/schedules/${hourly.id}/resume`);
    expect(resumed.json()).toMatchObject({ paused: false, next_due: '2026-01-06T06:15:00.000Z' });
    const unknown = await post('/api/v1/schedules/00000000-0000-4000-8000-000000000000/pause');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    expect((await post('/api/v1/schedules/nope/pause')).statusCode).toBe(400);
  });
});

describe('forgeflow schedules (the CLI, against the server)', () => {
  async function cli(...args: string[]) {
    const { port } = app.server.server.address() as AddressInfo;
    let out = '';
    let err = '';
    const io = {
      out: (t: string) => void (out += t),
      err: (t: string) => void (err += t),
      color: false,
      columns: 200,
      readFile: () => '',
    };
    const code = await main(['schedules', ...args, '--server', `http://127.0.0.1:${port}`], io);
    return { code, out, err };
  }

  it('lists, pauses and resumes, and says what a typo meant', async () => {
    const listed = await cli('list', '--repo', REPO);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/0 3 \* \* \*\s+UTC/);
    expect(listed.out).toMatch(/15 \* \* \* \*\s+UTC\s+2026-01-06T06:15:00.000Z/);
    const hourly = (await schedules()).find((s) => s.cron === '15 * * * *')!;
    const refused = await cli('pause', hourly.id);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('AUTH_REQUIRED');
    const paused = await cli('pause', hourly.id, '--token', TOKEN);
    expect(paused).toMatchObject({ code: 0, out: `paused 15 * * * * (UTC) of ${REPO}\n` });
    expect((await cli('list', '--repo', REPO)).out).toMatch(/15 \* \* \* \*\s+UTC\s+paused/);
    const resumed = await cli('resume', hourly.id, '--token', TOKEN, '--format', 'json');
    expect(JSON.parse(resumed.out)).toMatchObject({ id: hourly.id, paused: false });
    const missing = await cli('resume', '00000000-0000-4000-8000-000000000000', '--token', TOKEN);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('SCHEDULE_NOT_FOUND (404)');
    const typo = await cli('pasue', hourly.id);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('did you mean "pause"');
    expect((await cli('list', '--rpeo', REPO)).err).toContain('did you mean "--repo"');
  });
});
