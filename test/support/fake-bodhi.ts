/**
 * A fake Bodhi (its REST API, as bodhi-client talks to it) for tests: `GET /csrf`, updates of a
 * build (`GET /updates/?builds=NVR`), and `POST /updates/` with a bearer token (an OIDC access
 * token) and the CSRF token it handed out. Errors are Bodhi's
 * `{"status": "error", "errors": [{"location", "name", "description"}]}`: 403 for a missing or
 * unknown token, 400 for a bad CSRF token, a build already in an update, or a bad field.
 * Faults from fake-http.ts: `failNext('POST', '/updates/', 503)`, `dropNext(...)`.
 */
import type { FakeRequest, Reply } from './fake-http.js';
import { FakeHttpServer, objectBody } from './fake-http.js';

export interface FakeBodhiUpdate {
  alias: string;
  builds: { nvr: string }[];
  status: string;
  /** What was posted to make it. */
  body: Record<string, unknown>;
  user: string;
}

const TYPES = ['bugfix', 'security', 'newpackage', 'enhancement', 'unspecified'];

function error(status: number, name: string, description: string, location = 'body'): Reply {
  return { status, body: { status: 'error', errors: [{ location, name, description }] } };
}

export class FakeBodhi extends FakeHttpServer {
  readonly updates: FakeBodhiUpdate[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly csrf = new Set<string>();
  private nextAlias = 0x10a2b3c4d5;

  /** An OIDC access token of `user`. */
  addToken(token: string, user: string): this {
    this.tokens.set(token, user);
    return this;
  }

  protected override errorBody(status: number): unknown {
    return {
      status: 'error',
      errors: [{ location: 'body', name: 'fake', description: `scripted ${status}` }],
    };
  }

  protected override route(request: FakeRequest): Reply {
    const [what, rest] = request.segments;
    if (request.method === 'GET' && what === 'csrf' && rest === undefined) {
      const token = `csrf-${this.csrf.size + 1}-${Math.random().toString(36).slice(2, 10)}`;
      this.csrf.add(token);
      return { status: 200, body: { csrf_token: token } };
    }
    if (what !== 'updates' || rest !== undefined)
      return error(404, 'path', 'The resource could not be found.', 'url');
    if (request.method === 'GET') {
      const nvr = request.query.get('builds');
      const found = this.updates.filter((u) => nvr === null || u.builds.some((b) => b.nvr === nvr));
      return {
        status: 200,
        body: {
          updates: found.map((u) => this.json(u)),
          page: 1,
          pages: 1,
          rows_per_page: 20,
          total: found.length,
        },
      };
    }
    if (request.method !== 'POST') return error(405, 'method', 'Method not allowed', 'url');
    const auth = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    const user = auth === undefined ? undefined : this.tokens.get(auth);
    if (user === undefined)
      return error(
        403,
        'Authorization',
        'Access denied: a valid access token is required',
        'header',
      );
    const body = objectBody(request.body);
    if (typeof body.csrf_token !== 'string' || !this.csrf.has(body.csrf_token))
      return error(400, 'csrf_token', 'CSRF tokens do not match');
    const builds = body.builds;
    if (
      !Array.isArray(builds) ||
      builds.length === 0 ||
      !builds.every((b) => typeof b === 'string')
    )
      return error(400, 'builds', 'You may not specify an empty list of builds.');
    if (typeof body.notes !== 'string' || body.notes.trim() === '')
      return error(400, 'notes', 'Required');
    if (body.type !== undefined && !(typeof body.type === 'string' && TYPES.includes(body.type)))
      return error(400, 'type', `${JSON.stringify(body.type)} is not one of ${TYPES.join(', ')}`);
    const nvrs = builds;
    for (const nvr of nvrs) {
      const holder = this.updates.find(
        (u) => u.builds.some((b) => b.nvr === nvr) && u.status !== 'obsolete',
      );
      if (holder) return error(400, 'builds', `Update for ${nvr} already exists`);
    }
    const update: FakeBodhiUpdate = {
      alias: `FEDORA-2026-${(this.nextAlias++).toString(16)}`,
      builds: nvrs.map((nvr) => ({ nvr })),
      status: 'pending',
      body,
      user,
    };
    this.updates.push(update);
    return { status: 200, body: { ...this.json(update), caveats: [] } };
  }

  private json(update: FakeBodhiUpdate): Record<string, unknown> {
    return {
      alias: update.alias,
      title: update.builds.map((b) => b.nvr).join(' '),
      builds: update.builds.map((b, i) => ({
        nvr: b.nvr,
        release_id: 45,
        signed: false,
        type: 'rpm',
        epoch: 0,
        id: i,
      })),
      status: update.status,
      request: 'testing',
      type: update.body.type ?? 'unspecified',
      notes: update.body.notes,
      user: { name: update.user },
      url: `${this.url}/updates/${update.alias}`,
    };
  }
}
