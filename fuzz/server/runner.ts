/**
 * The webhooks and api targets inside a sandbox child: the real HTTP server (src/api, with the
 * webhook routes) on its own database (PGlite loaded from a migrated snapshot, or a PostgreSQL
 * database), with the fake GitHub and GitLab of test/support behind its forge clients, and no
 * worker (nothing a request starts ever runs). Built twice on the same database: reads open,
 * and reads behind the token (FORGEFLOW_API_READ=token). Seeds a queued run, a finished run
 * and a delivery for the cases to name. Each case is one request through fastify's inject;
 * the answer carries the status, the problem code, the tables whose row counts changed, the
 * forge paths it caused, and what the server logged as errors.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildServer } from '../../src/api/server.js';
import { registryOf } from '../../src/contracts/handler-spec.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPg } from '../../src/db/pg.js';
import { openPglite } from '../../src/db/pglite.js';
import { forgeClients } from '../../src/forges/clients.js';
import { builtInHandlers, specsOf } from '../../src/handlers/registry.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { DEFAULT_BODY_LIMIT } from '../../src/webhooks/routes.js';
import { FakeGitHub } from '../../test/support/fake-github.js';
import { FakeGitLab } from '../../test/support/fake-gitlab.js';
import { githubExample, githubHeaders } from '../../test/support/webhook-payloads.js';
import { checkDiagnostics } from '../configs/check-answer.js';
import type { Runner } from '../sandbox/protocol.js';
import {
  API_TOKEN,
  GITHUB_API_TOKEN,
  GITLAB_API_TOKEN,
  GITLAB_WEBHOOK_TOKEN,
  REPO,
  REPO_PIPELINE,
  REPO_SHA,
  WEBHOOK_SECRET,
  type HttpAnswer,
  type HttpCase,
  type ServerInit,
} from './setup.js';

export interface ServerInfo {
  seeds: { queued: string; finished: string; delivery: string };
  /** Every route of the OpenAPI document: `GET /api/v1/runs/{id}`. */
  routes: string[];
}

/** The server's error log lines during the current case. */
function errorLog() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'error' },
    {
      write(line: string) {
        try {
          const entry = JSON.parse(line) as {
            msg?: string;
            err?: { message?: string; code?: string };
          };
          lines.push(
            `${entry.msg ?? ''}: ${entry.err?.code ?? ''} ${entry.err?.message ?? ''}`.slice(
              0,
              400,
            ),
          );
        } catch {
          lines.push(line.slice(0, 400));
        }
      },
    },
  );
  return { logger, lines };
}

async function openDb(init: ServerInit): Promise<Db> {
  if (init.db.kind === 'pglite')
    return openPglite({ loadDataDir: new Blob([readFileSync(init.db.snapshot)]) });
  const db = openPg(init.db.url, { applicationName: 'forgeflow-fuzz', max: 4 });
  await migrate(db);
  return db;
}

async function seed(open: FastifyInstance): Promise<ServerInfo['seeds']> {
  const auth = { authorization: `Bearer ${API_TOKEN}` };
  const start = async (key: string) => {
    const response = await open.inject({
      method: 'POST',
      url: '/api/v1/runs',
      headers: auth,
      payload: { pipeline: REPO_PIPELINE, idempotency_key: key },
    });
    const run = response.json<{ run_id?: string }>().run_id;
    if (!run) throw new Error(`seeding a run failed: ${response.statusCode} ${response.body}`);
    return run;
  };
  const queued = await start('fuzz-queued');
  const finished = await start('fuzz-finished');
  await open.inject({
    method: 'POST',
    url: `/api/v1/runs/${finished}/cancel`,
    headers: auth,
    payload: {},
  });
  const body = JSON.stringify(githubExample('push'));
  const delivered = await open.inject({
    method: 'POST',
    url: '/webhooks/github',
    headers: githubHeaders('push', body, WEBHOOK_SECRET, 'fuzz-seed'),
    payload: body,
  });
  if (delivered.statusCode >= 300) throw new Error(`seeding a delivery failed: ${delivered.body}`);
  return { queued, finished, delivery: 'github:fuzz-seed' };
}

function routesOf(app: FastifyInstance): string[] {
  const paths = (app.swagger() as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return Object.entries(paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

function parse(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function prepare(init: unknown): Promise<Runner> {
  const db = await openDb(init as ServerInit);
  const runtime = new Runtime({ db, random: () => 0.5 });
  const github = new FakeGitHub()
    .addToken(GITHUB_API_TOKEN)
    .setFile(REPO, REPO_SHA, 'pipeline.yaml', REPO_PIPELINE)
    .setBranch(REPO, 'main', REPO_SHA);
  const gitlab = new FakeGitLab()
    .addToken(GITLAB_API_TOKEN)
    .addProject(REPO)
    .setFile(REPO, REPO_SHA, 'pipeline.yaml', REPO_PIPELINE)
    .setBranch(REPO, 'main', REPO_SHA);
  await Promise.all([github.start(), gitlab.start()]);
  const forges = forgeClients(
    {
      githubApiUrl: github.url,
      githubToken: GITHUB_API_TOKEN,
      gitlabUrl: gitlab.url,
      gitlabToken: GITLAB_API_TOKEN,
    },
    { timeoutMs: 1_000, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } },
  );
  const log = errorLog();
  const common = {
    db,
    runtime,
    clock: systemClock,
    logger: log.logger,
    handlers: registryOf(specsOf(builtInHandlers())),
    forges,
    webhooks: {
      githubSecret: WEBHOOK_SECRET,
      gitlabToken: GITLAB_WEBHOOK_TOKEN,
      gitlabSigningToken: null,
      bodyLimit: DEFAULT_BODY_LIMIT,
    },
  };
  const apps = {
    open: await buildServer({ ...common, auth: { token: API_TOKEN, readsNeedToken: false } }),
    guarded: await buildServer({ ...common, auth: { token: API_TOKEN, readsNeedToken: true } }),
  };
  await Promise.all([apps.open.ready(), apps.guarded.ready()]);
  const seeds = await seed(apps.open);

  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'forgeflow' AND table_name <> 'migrations' ORDER BY 1`,
  );
  const countSql = `SELECT ${tables.map((t) => `(SELECT count(*)::int FROM forgeflow."${t.name}") AS "${t.name}"`).join(', ')}`;
  const counts = async () => (await db.query<Record<string, number>>(countSql)).rows[0] ?? {};
  const fill = (url: string) =>
    url
      .replaceAll('{queued}', seeds.queued)
      .replaceAll('{finished}', seeds.finished)
      .replaceAll('{delivery}', seeds.delivery);

  async function readBack(
    app: FastifyInstance,
    answer: Record<string, unknown> | null,
  ): Promise<string | null> {
    const urls: string[] = [];
    if (typeof answer?.delivery === 'string')
      urls.push(`/api/v1/deliveries/${encodeURIComponent(answer.delivery)}`);
    if (typeof answer?.plan_run_id === 'string')
      urls.push(
        `/api/v1/runs/${answer.plan_run_id}`,
        `/api/v1/runs/${answer.plan_run_id}/history`,
        `/api/v1/runs/${answer.plan_run_id}/graph?format=mermaid`,
      );
    for (const url of urls) {
      const response = await app.inject({ method: 'GET', url });
      if (response.statusCode >= 500)
        return `GET ${url}: ${response.statusCode} ${response.body.slice(0, 300)}`;
    }
    return null;
  }

  return {
    info: { seeds, routes: routesOf(apps.open) } satisfies ServerInfo,
    async run(input: unknown): Promise<HttpAnswer> {
      const request = input as HttpCase;
      const app = apps[request.app];
      log.lines.length = 0;
      github.requests.splice(0);
      gitlab.requests.splice(0);
      const before = await counts();
      const response = await app.inject({
        method: request.method,
        url: fill(request.url),
        headers: request.headers,
        ...(request.body === undefined ? {} : { payload: request.body }),
      });
      const after = await counts();
      const answer = parse(response.body);
      const diagnostics = Array.isArray(answer?.diagnostics)
        ? (answer.diagnostics as object[])
        : null;
      const sent = request.body === undefined ? null : parse(request.body.toString('utf8'));
      const badDiagnostic =
        typeof sent?.pipeline === 'string' && diagnostics
          ? checkDiagnostics(sent.pipeline, diagnostics)
          : null;
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        code: typeof answer?.code === 'string' ? answer.code : null,
        detail:
          typeof answer?.detail === 'string'
            ? answer.detail.slice(0, 300)
            : response.body.slice(0, 300),
        rowsChanged: Object.keys(after).filter((t) => after[t] !== before[t]),
        forgeRequests: [
          ...github.requests.map((r) => `github ${r.method} ${r.path} -> ${r.status}`),
          ...gitlab.requests.map((r) => `gitlab ${r.method} ${r.path} -> ${r.status}`),
        ],
        serverErrors: [...log.lines],
        badDiagnostic: badDiagnostic as HttpAnswer['badDiagnostic'],
        readBackFailure: request.readBack && ok ? await readBack(app, answer) : null,
      };
    },
  };
}
