/**
 * The set-up the end-to-end files share: fake services started, this file's database, the
 * whole service (runtime, handlers, one worker) on an injected clock, and the HTTP server on a
 * loopback port; in afterAll the history check over every run, then everything stopped. Also
 * what each of them does with it: deliver a signed webhook and read the delivery's record
 * once its plan run ended. Call at the top level of a test file:
 *
 *   const s = useServer({ clock, fakes: [github], settings: () => ({ forges: { … } }) });
 *   it('…', async () => { await s.post('/webhooks/github', body, headers); });
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { assembleService } from '../../src/cli/service.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { CONFIG_FILES } from '../../src/handlers/plan/config-lookup.js';
import { testDb, type TestDb } from './db.js';
import { expectAllHistoriesMatch } from './fold-history.js';

type ServiceSettings = Parameters<typeof assembleService>[1];

export interface FakeService {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}

export interface DeliveryRecord {
  outcome: string;
  reason: string | null;
  run_ids: string[];
  diagnostics: unknown;
  config_path: string | null;
}

export interface ServerFile {
  readonly db: TestDb;
  readonly runtime: Runtime;
  readonly server: FastifyInstance;
  /** POSTs a body to the server; answers the status and the parsed JSON body. */
  readonly post: (
    path: string,
    body: string,
    headers: Record<string, string>,
  ) => Promise<{ status: number; body: Record<string, unknown> }>;
  /** Waits for the plan run of a delivery (`github:<id>`), then returns the delivery's record. */
  readonly planned: (id: string) => Promise<DeliveryRecord>;
}

/** A random 40-digit commit hash. */
export function randomSha(): string {
  return randomUUID().replace(/-/g, '').padEnd(40, '0').slice(0, 40);
}

export function useServer(options: {
  clock: FakeClock;
  /** Started before, stopped after everything else. */
  fakes: readonly FakeService[];
  /**
   * The service's forges, concurrency, Packit services and exec settings (called once the
   * fakes listen); exec stays disabled unless `execAllow` is given.
   */
  settings: () => Pick<ServiceSettings, 'forges' | 'concurrency' | 'packit'> &
    Partial<Pick<ServiceSettings, 'execAllow' | 'execSandbox' | 'checkoutMirrors' | 'leaseMs'>>;
  webhooks: { githubSecret: string | null; gitlabToken?: string | null };
  /** The API's bearer token for mutations (default: none, every mutation refused). */
  apiToken?: string;
  /** Called with the runtime before its worker starts (to listen to its events). */
  onRuntime?: (runtime: Runtime) => void;
}): ServerFile {
  let db: TestDb | undefined;
  let runtime: Runtime | undefined;
  let server: FastifyInstance | undefined;
  let base = '';
  const { clock } = options;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useServer: the ${what} starts in beforeAll`);
    return value;
  };

  beforeAll(async () => {
    await Promise.all(options.fakes.map((fake) => fake.start()));
    db = await testDb();
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const service = assembleService(
      db,
      {
        publicUrl: 'http://forgeflow.test',
        configFiles: CONFIG_FILES,
        trustedUsers: [],
        execAllow: null,
        ...options.settings(),
      },
      { clock, logger, random: () => 0.5 },
    );
    runtime = service.runtime;
    options.onRuntime?.(runtime);
    await service.worker.start();
    server = await buildServer({
      db,
      runtime,
      clock,
      logger,
      forges: service.forges,
      ...(options.apiToken ? { auth: { token: options.apiToken, readsNeedToken: false } } : {}),
      webhooks: {
        githubSecret: options.webhooks.githubSecret,
        gitlabToken: options.webhooks.gitlabToken ?? null,
        gitlabSigningToken: null,
        bodyLimit: 1024 * 1024,
      },
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    try {
      if (runtime) await expectAllHistoriesMatch(runtime);
    } finally {
      await server?.close();
      await runtime?.stopWorkers(0);
      await db?.close();
      await Promise.all(options.fakes.map((fake) => fake.stop()));
    }
  });

  const file: ServerFile = {
    get db() {
      return need(db, 'database');
    },
    get runtime() {
      return need(runtime, 'runtime');
    },
    get server() {
      return need(server, 'server');
    },
    post: async (path, body, headers) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', body, headers });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    planned: async (id) => {
      const read = async () =>
        (await file.server.inject({ url: `/api/v1/deliveries/${id}` })).json<
          DeliveryRecord & { plan_run_id: string }
        >();
      const planRunId = (await read()).plan_run_id;
      const status = await file.runtime.waitForRun(planRunId, 15_000);
      const plan = (await file.runtime.getRun(planRunId))?.nodes[0];
      expect(status, JSON.stringify(plan?.error)).toBe('succeeded');
      return read();
    },
  };
  return file;
}
