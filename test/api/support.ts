/**
 * An API server on this test file's database, with a worker, through fastify's inject (no port
 * needed), the compiler's handlers, an API token, and optionally forge clients and a logger.
 */
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { registryOf } from '../../src/contracts/handler-spec.js';
import type { ForgeClients } from '../../src/forges/clients.js';
import { specsOf } from '../../src/handlers/registry.js';
import type { Handler } from '../../src/handlers/types.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import { systemClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { testRuntime, workerOptions } from '../support/runtime.js';

export const TOKEN = 'test-api-token';

export interface ApiFile {
  readonly db: TestDb;
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  get(url: string, token?: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
}

export function useApi(options: {
  handlers: Map<string, Handler>;
  clock?: FakeClock;
  readsNeedToken?: boolean;
  worker?: boolean;
  /** Forge clients, made once beforeAll runs (after the fakes they talk to have started). */
  forges?: () => ForgeClients;
  /** Default: silent (or TEST_LOG_LEVEL). */
  logger?: FastifyBaseLogger;
  /** Ids for new runs; default random UUIDs. */
  newRunId?: () => string;
}): ApiFile {
  let db: TestDb | undefined;
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    db = await testDb();
    runtime = testRuntime(db, { clock: options.clock, newRunId: options.newRunId });
    if (options.worker !== false)
      await runtime
        .createWorker(workerOptions(options.handlers, { pollMs: options.clock ? 86_400_000 : 200 }))
        .start();
    app = await buildServer({
      db,
      runtime,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      handlers: registryOf(specsOf(options.handlers)),
      forges: options.forges?.() ?? null,
      auth: { token: TOKEN, readsNeedToken: options.readsNeedToken ?? false },
      webhooks: {
        githubSecret: null,
        gitlabToken: null,
        gitlabSigningToken: null,
        bodyLimit: 1024,
      },
    });
  });
  afterAll(async () => {
    try {
      if (runtime) await expectAllHistoriesMatch(runtime);
    } finally {
      await app?.close();
      await runtime?.stopWorkers(options.clock ? 0 : 1_000);
      await db?.close();
    }
  });
  const file: ApiFile = {
    get db() {
      return db!;
    },
    get runtime() {
      return runtime!;
    },
    get app() {
      return app!;
    },
    get: (url, token) =>
      app!.inject({
        method: 'GET',
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
    post: (url, body, token = TOKEN) =>
      app!.inject({
        method: 'POST',
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      }),
  };
  return file;
}
