/**
 * Correctly signed webhooks with hostile bodies (issue 12 §2, §6), for GitHub and GitLab:
 * `\u0000` and lone surrogates anywhere, pull/merge request numbers PostgreSQL's `int` cannot
 * hold, nesting thousands deep, bytes that are not UTF-8. What a forge really sends (a NUL in a
 * title, an emoji cut in half) is stored with U+FFFD and starts its plan run; what no forge
 * sends is a 400 problem with a stable code and leaves no row behind; nothing is a 5xx.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { MAX_JSON_DEPTH } from '../../src/events/json-depth.js';
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
import { mutatedPayload } from '../events/helpers.js';

const SECRET = 'It is a secret to everybody';
const TOKEN = 'gitlab-token-1';

let db: TestDb;
let runtime: Runtime;
let app: FastifyInstance;
const clock = new FakeClock(Date.UTC(2026, 11, 1));

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
  app = await buildServer({
    db,
    runtime,
    clock,
    logger: pino({ level: 'silent' }),
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: TOKEN,
      gitlabSigningToken: null,
      bodyLimit: 4 * 1024 * 1024,
    },
  });
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const TABLES = ['runs', 'run_specs', 'graphs', 'nodes', 'tasks', 'history', 'deliveries'];

async function rows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows: found } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.${table}`,
    );
    counts[table] = found[0]!.n;
  }
  return counts;
}

type Forge = 'github' | 'gitlab';
type Payload = Record<string, unknown>;

const examples: Record<Forge, () => Payload> = {
  github: () => githubExample('pull_request', 'opened'),
  gitlab: () => gitlabFixture('merge_request'),
};

/** The pull/merge request object of an example payload. */
const prOf = (forge: Forge, payload: Payload) =>
  (forge === 'github' ? payload.pull_request : payload.object_attributes) as Payload;

/** Sends `body` (text or bytes) signed as the forge signs it. */
function deliver(forge: Forge, body: string | Buffer, event?: string) {
  const text = typeof body === 'string' ? body : body.toString('latin1');
  const headers =
    forge === 'github'
      ? githubHeaders(event ?? 'pull_request', text, SECRET)
      : gitlabHeaders({ object_kind: event ?? 'merge_request' }, TOKEN);
  if (forge === 'github' && typeof body !== 'string')
    headers['x-hub-signature-256'] = githubSignatureOf(body);
  return app.inject({ method: 'POST', url: `/webhooks/${forge}`, payload: body, headers });
}

const githubSignatureOf = (bytes: Buffer) => githubSignature(SECRET, bytes);

const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

async function storedEvent(
  planRunId: string,
): Promise<{ pr: { title: string }; payload: Payload }> {
  const { rows: found } = await db.query<{ event: { pr: { title: string }; payload: Payload } }>(
    'SELECT event FROM forgeflow.run_specs WHERE run_id = $1',
    [planRunId],
  );
  return found[0]!.event;
}

describe.each(['github', 'gitlab'] as const)('%s webhooks', (forge) => {
  it('stores a NUL in a title as U+FFFD, says so, and starts the plan run', async () => {
    const payload = examples[forge]();
    prOf(forge, payload).title = 'fix\u0000build';
    const body = JSON.stringify(payload);
    expect(body).toContain('\\u0000');
    const response = await deliver(forge, body);
    expect(response.statusCode, response.body).toBe(202);
    const accepted = response.json<{ plan_run_id: string; substituted: number }>();
    expect(accepted).toMatchObject({ outcome: 'planning', substituted: 1 });
    const event = await storedEvent(accepted.plan_run_id);
    expect(event.pr.title).toBe('fix\ufffdbuild');
    expect(prOf(forge, event.payload).title).toBe('fix\ufffdbuild');
    expect((await runtime.getRun(accepted.plan_run_id))?.status).toMatch(/queued|running/);
  });

  it('stores an emoji cut in half (lone surrogates) as U+FFFD, keys included', async () => {
    const payload = examples[forge]();
    prOf(forge, payload).title = 'ship it \ud83d';
    payload['broken \udc4d key'] = '\ud800\u0000\udfff';
    const response = await deliver(forge, JSON.stringify(payload));
    expect(response.statusCode, response.body).toBe(202);
    const accepted = response.json<{ plan_run_id: string; substituted: number }>();
    expect(accepted.substituted).toBe(5);
    const event = await storedEvent(accepted.plan_run_id);
    expect(event.pr.title).toBe('ship it \ufffd');
    expect(event.payload['broken \ufffd key']).toBe('\ufffd\ufffd\ufffd');
  });

  it('stores a NUL in the sender, a label and the branch as U+FFFD', async () => {
    const payload = examples[forge]();
    const pr = prOf(forge, payload);
    if (forge === 'github') {
      (payload.sender as Payload).login = 'oct\u0000cat';
      (pr.base as Payload).ref = 'ma\u0000in';
    } else {
      (payload.user as Payload).username = 'oct\u0000cat';
      pr.target_branch = 'ma\u0000in';
    }
    const response = await deliver(forge, JSON.stringify(payload));
    expect(response.statusCode, response.body).toBe(202);
    const id = response.json<{ delivery: string }>().delivery;
    const delivery = (await app.inject({ url: `/api/v1/deliveries/${id}` })).json<{
      sender: string;
    }>();
    expect(delivery.sender).toBe('oct\ufffdcat');
  });

  it.each([
    ['a number past int4', 2 ** 31],
    ['a huge number', 1e300],
    ['a fraction', 1.5],
    ['zero', 0],
    ['a negative number', -3],
  ])('refuses a pull/merge request number that is %s: 400, nothing stored', async (_w, n) => {
    const before = await rows();
    const payload = examples[forge]();
    prOf(forge, payload)[forge === 'github' ? 'number' : 'iid'] = n;
    const response = await deliver(forge, JSON.stringify(payload));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'WEBHOOK_PAYLOAD_INVALID' });
    expect(await rows()).toEqual(before);
  });

  it('accepts the largest number int4 holds', async () => {
    const payload = examples[forge]();
    prOf(forge, payload)[forge === 'github' ? 'number' : 'iid'] = 2 ** 31 - 1;
    const response = await deliver(forge, JSON.stringify(payload));
    expect(response.statusCode, response.body).toBe(202);
  });

  it.each(['../../user', 'a/../b', 'Hello\u0000World/x', 'one'])(
    'refuses repository path %j: 400, nothing stored',
    async (path) => {
      const before = await rows();
      const payload = examples[forge]();
      if (forge === 'github') (payload.repository as Payload).full_name = path;
      else (payload.project as Payload).path_with_namespace = path;
      const response = await deliver(forge, JSON.stringify(payload));
      expect(response.json()).toMatchObject({ status: 400, code: 'WEBHOOK_PAYLOAD_INVALID' });
      expect(await rows()).toEqual(before);
    },
  );

  it.each([
    ['5,000 levels', 5_000],
    ['100,000 levels', 100_000],
    ['one past the bound', MAX_JSON_DEPTH],
  ])('refuses a payload nested %s deep: 400 BODY_TOO_DEEP, nothing stored', async (_w, depth) => {
    const before = await rows();
    const body = JSON.stringify(examples[forge]()).replace(/^\{/, `{"deep":${nested(depth)},`);
    const response = await deliver(forge, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_DEEP' });
    expect(await rows()).toEqual(before);
  });

  it('accepts a payload nested as deep as the bound', async () => {
    const body = JSON.stringify(examples[forge]()).replace(
      /^\{/,
      `{"deep":${nested(MAX_JSON_DEPTH - 1)},`,
    );
    expect((await deliver(forge, body)).statusCode).toBe(202);
  });

  it('answers a raw NUL byte in the body with 400 WEBHOOK_BODY_INVALID', async () => {
    const before = await rows();
    const body = JSON.stringify(examples[forge]()).replace('"', '"\u0000');
    const response = await deliver(forge, body);
    expect(response.json()).toMatchObject({ status: 400, code: 'WEBHOOK_BODY_INVALID' });
    expect(await rows()).toEqual(before);
  });

  it('answers a correctly signed body that is not UTF-8 with 400, not 401', async () => {
    const before = await rows();
    const text = JSON.stringify(examples[forge]());
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, 20), 'utf8'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(text.slice(20), 'utf8'),
    ]);
    const response = await deliver(forge, bytes);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'WEBHOOK_BODY_INVALID',
      detail: expect.stringContaining('UTF-8') as unknown,
    });
    expect(await rows()).toEqual(before);
  });
});

describe('GitHub signatures over raw bytes', () => {
  it('verifies the bytes sent, not their decoding: a changed invalid byte is a 401', async () => {
    const bytes = Buffer.from('{"zen":"\xff\xfe"}', 'latin1');
    const signed = githubSignatureOf(bytes);
    const other = Buffer.from('{"zen":"\xfe\xff"}', 'latin1');
    // Both decode to the same replacement characters; only the bytes tell them apart.
    expect(bytes.toString('utf8')).toBe(other.toString('utf8'));
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/github',
      payload: other,
      headers: { ...githubHeaders('ping', '', SECRET), 'x-hub-signature-256': signed },
    });
    expect(response.json()).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('verifies the bytes whatever the content type says, then reads only JSON and forms', async () => {
    const text = JSON.stringify(githubExample('push'));
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, 20)),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.from(text.slice(20)),
    ]);
    for (const [type, status, code] of [
      ['application/json; charset=utf-8', 400, 'WEBHOOK_BODY_INVALID'],
      ['text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['application/octet-stream', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ] as const) {
      const response = await app.inject({
        method: 'POST',
        url: '/webhooks/github',
        payload: bytes,
        headers: {
          ...githubHeaders('push', '', SECRET),
          'x-hub-signature-256': githubSignatureOf(bytes),
          'content-type': type,
        },
      });
      // Signed correctly, so past the signature check (not 401) whatever the type says.
      expect(response.json(), type).toMatchObject({ status, code });
    }
    const empty = await app.inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: {
        ...githubHeaders('push', '', SECRET),
        'x-hub-signature-256': githubSignatureOf(Buffer.alloc(0)),
      },
    });
    expect(empty.json()).toMatchObject({ status: 400, code: 'WEBHOOK_BODY_INVALID' });
  });

  it('refuses a signature of the wrong shape', async () => {
    const body = JSON.stringify(githubExample('pull_request', 'opened'));
    for (const signature of ['sha256=', 'sha1=abc', `sha256=${'0'.repeat(63)}`, 'sha256=zz'])
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/webhooks/github',
            payload: body,
            headers: {
              ...githubHeaders('pull_request', body, SECRET),
              'x-hub-signature-256': signature,
            },
          })
        ).json(),
      ).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
  });
});

describe('property: no signed body is a 5xx', () => {
  const hostileText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\ud83d', '\ud83d\ude00', ''),
  );
  const hostileValue = fc.oneof(
    hostileText,
    fc.constantFrom(2 ** 31, 1.5, -1, 0, 1e308, Number.MAX_SAFE_INTEGER),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const payloads: Record<Forge, Payload[]> = {
    github: [
      githubExample('pull_request', 'opened'),
      githubExample('push'),
      githubExample('issue_comment', 'created'),
      githubExample('release', 'published'),
    ],
    gitlab: ['merge_request', 'push', 'note_merge_request', 'release', 'tag_push'].map((name) =>
      gitlabFixture(name),
    ),
  };
  const EVENTS: Record<Forge, string[]> = {
    github: ['pull_request', 'push', 'issue_comment', 'release', 'create'],
    gitlab: ['merge_request', 'push', 'note', 'release', 'tag_push'],
  };

  it.each(['github', 'gitlab'] as const)(
    '%s: mutated real payloads and random JSON',
    async (forge) => {
      const body = fc.oneof(
        mutatedPayload(payloads[forge])
          .chain((payload) =>
            fc.tuple(
              fc.constant(payload),
              fc.array(fc.tuple(hostileText, hostileValue), { maxLength: 3 }),
            ),
          )
          .map(([payload, extra]) => {
            const copy = payload as Payload;
            for (const [key, value] of extra) if (key !== '__proto__') copy[key] = value;
            return JSON.stringify(copy);
          }),
        fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...EVENTS[forge]), body, async (event, text) => {
          const response = await deliver(forge, text, event);
          expect(
            response.statusCode,
            `${event} ${text.slice(0, 300)}: ${response.body}`,
          ).toBeLessThan(500);
        }),
        { numRuns: 120 },
      );
    },
  );
});
