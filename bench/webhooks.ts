/**
 * Webhooks on real PostgreSQL (`BENCH_DATABASE_URL`, default
 * postgres://postgres@127.0.0.1:5432/test; the bench creates, migrates and drops its own
 * `ff_bench_<random>` database), through the real server: `buildServer` listening on a
 * loopback port, `assembleService`'s runtime and handlers, and a fake GitHub (a real node:http
 * server, test/support/fake-github.ts) serving each pull request head's pipeline.yaml.
 * Payloads are @octokit/webhooks-examples' `pull_request` `opened` (Codertocat/Hello-World),
 * with `author_association: OWNER` and a head sha of its own per delivery, signed as GitHub
 * signs (HMAC-SHA256 of the exact body).
 *
 * 1. intake: signed deliveries accepted per second with 50 connections for
 *    BENCH_WEBHOOK_SECONDS (default 10), fired by autocannon from a forked process (so the
 *    load generator does not share the server's event loop or CPU), every request a new
 *    delivery id, a new body and its signature. The worker is OFF: this is the intake alone
 *    (verify, normalize, start the plan run, record the delivery), nothing planned or run.
 *    Then the plan runs and delivery rows in the database are counted against the 202s.
 * 2. latency: with a worker running (concurrency 16) and the fake GitHub serving
 *    pipeline.yaml, from just before the HTTP request is sent to `node:started` of the
 *    pipeline run's first node (an `http.request` to a local endpoint), every stamp taken
 *    with performance.now() in this process; once one delivery at a time (the next sent when
 *    the previous pipeline's node has started), once paced at 20 deliveries/s. Split into:
 *    the 202 answer; sent → the plan run's node started; plan node started → the pipeline
 *    run started (fetching pipeline.yaml, compiling, starting the run); pipeline run started
 *    → its first node started (the worker picking it up); and plan node completed → pipeline
 *    node started. Runs are matched through the delivery rows (plan_run_id, run_ids).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from '../src/api/server.js';
import { assembleService } from '../src/cli/service.js';
import { systemClock } from '../src/runtime/clock.js';
import type { Runtime } from '../src/runtime/runtime.js';
import type { Worker } from '../src/runtime/worker.js';
import { PLAN_PIPELINE } from '../src/handlers/plan/plan-graph.js';
import { CONFIG_FILES } from '../src/handlers/plan/config-lookup.js';
import { DEFAULT_BODY_LIMIT } from '../src/webhooks/routes.js';
import { FakeGitHub } from '../test/support/fake-github.js';
import type { Bench } from './bench.js';
import { formatMs, percentile, table } from './stats.js';
import {
  ADMIN_URL,
  countingLogger,
  describe,
  emptyTables,
  UsageMeter,
  withBenchDatabase,
  type BenchDatabase,
  type CountingDb,
  type DbCost,
  type Usage,
} from './support.js';
import type { LoadOrder, LoadReport } from './webhooks-load.js';

/** Seconds of load in the intake phase (BENCH_WEBHOOK_SECONDS overrides it). */
const INTAKE_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS) || 10;
const INTAKE_CONNECTIONS = 50;
/** Deliveries of the paced latency phase (BENCH_WEBHOOK_RUNS overrides it), one every PACED_EVERY_MS. */
const PACED_RUNS = Number(process.env.BENCH_WEBHOOK_RUNS) || 200;
const PACED_EVERY_MS = 50;
/** Deliveries sent one at a time, each after the previous pipeline's first node started. */
const SEQUENTIAL_RUNS = 100;
const CONCURRENCY = 16;
/** openPg's default, what `forgeflow serve` runs with. */
const POOL_MAX = 10;
/** fastify logs two lines per request at `info`; the bench keeps warnings and errors only. */
const LOG_LEVEL = 'warn';
const SECRET = 'bench-webhook-secret';
const GITHUB_TOKEN = 'bench-github-token';
const REPO = 'Codertocat/Hello-World';
const PIPELINE_NAME = 'bench-webhook';
/** A safety net per phase, not a measurement. */
const PHASE_TIMEOUT_MS = 120_000;

// ─── what it reports ────────────────────────────────────────────────────────────────────────

export interface Distribution {
  count: number;
  min_ms: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export interface CpuShares {
  node_cpu_ms_per_webhook: number;
  postgres_cpu_ms_per_webhook: number | null;
  /** Shares of one core over the phase's wall time. */
  node_cpu_share_of_wall: number;
  postgres_cpu_share_of_wall: number | null;
  /** Everything else on the machine (the intake's load generator excluded: it is ours). */
  other_cpu_share_of_wall: number | null;
}

export interface IntakeResult {
  worker: 'off';
  load_generator: string;
  connections: number;
  seconds: number;
  payload_bytes: number;
  /** 2xx answers autocannon received ÷ its duration. */
  accepted_per_s: number;
  /** autocannon's one-second samples of responses. */
  requests_per_s: LoadReport['requests_per_s'];
  /** Of the 202 answers, from each response time autocannon measured (hrtime). */
  latency: Distribution;
  /** The same from autocannon's own histogram (whole milliseconds). */
  autocannon_latency: LoadReport['autocannon_latency'];
  client: {
    requests_built: number;
    responses_2xx: number;
    /** 2xx answers saying `duplicate: true` (every delivery id is new: must be 0). */
    duplicate_answers: number;
    non_2xx: number;
    status_codes: Record<string, number>;
    errors: number;
    timeouts: number;
  };
  /**
   * As fastify saw them: requests received (onRequest), answers sent by status (onSend), and
   * answers written to a connection still open (onResponse). autocannon closes its connections
   * when the time is up: the answers to the requests then in flight are sent but not delivered.
   */
  server: ServerCounts;
  database: {
    plan_runs: number;
    runs: number;
    deliveries: number;
    /** Delivery rows `planning` whose plan_run_id is a plan run that exists. */
    deliveries_with_plan_run: number;
  };
  /** Requests built − the client's 2xx and non-2xx: sent when autocannon stopped, never answered to it. */
  in_flight_at_stop: number;
  /**
   * Plan runs = delivery rows (each with its plan run) = 202s the server sent = requests the
   * client built = the client's 2xx + those in flight at the stop.
   */
  counts_match: boolean;
  per_webhook: { transactions: number; round_trips: number };
  load_generator_cpu_ms: number;
  cpu: CpuShares;
  db: DbCost;
}

export interface LatencyResult {
  mode: string;
  webhooks: number;
  worker_concurrency: number;
  /** From the first request sent until the last pipeline node started. */
  wall_ms: number;
  /** Sent → the 202 answer read. */
  answer_202: Distribution;
  /** Sent → `node:started` of the plan run's node. */
  to_plan_node_started: Distribution;
  /** Plan node started → `run:started` of the pipeline run (fetch, compile, start). */
  plan_node_to_pipeline_run_started: Distribution;
  /** Pipeline `run:started` → `node:started` of its first node. */
  pipeline_run_to_node_started: Distribution;
  /** Plan node's `node:completed` → the pipeline's node started (negative: it started first). */
  plan_done_to_pipeline_node_started: Distribution;
  /** Sent → the pipeline's first node started: the figure. */
  to_pipeline_node_started: Distribution;
  /** The same for the phase's first delivery alone (the service's first plan: cold caches). */
  first_webhook_ms: number;
  outcomes: Record<string, number>;
  /** 202 answers saying `duplicate: true` although every delivery id is new (must be 0). */
  duplicate_answers: number;
  /** Attempts of plan nodes beyond the first (retries): should be 0. */
  plan_retries: number;
  runs_not_succeeded: number;
  forge_requests_per_webhook: number;
  per_webhook: { transactions: number; round_trips: number };
  cpu: CpuShares;
  db: DbCost;
}

export interface WebhooksResults {
  settings: {
    database: string;
    postgres: string;
    pool_max: number;
    log_level: string;
    cores: number;
    /** os.loadavg() when the bench began: other work on the machine skews every figure. */
    load_average_before: number[];
    pipeline: string;
  };
  intake: IntakeResult;
  latency_sequential: LatencyResult;
  latency_paced: LatencyResult;
  /** Warnings and errors the service logged, per phase (0 expected). */
  log_warnings: Record<string, { count: number; first: string | null }>;
}

export type WebhooksBenchResults = WebhooksResults | { skipped: string };

// ─── pieces ─────────────────────────────────────────────────────────────────────────────────

function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0)
    return {
      count: 0,
      min_ms: NaN,
      p50_ms: NaN,
      p90_ms: NaN,
      p99_ms: NaN,
      max_ms: NaN,
      mean_ms: NaN,
    };
  return {
    count: sorted.length,
    min_ms: sorted[0]!,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted[sorted.length - 1]!,
    mean_ms: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

function pipelineYaml(pingUrl: string): string {
  return [
    'version: 1',
    `name: ${PIPELINE_NAME}`,
    'on:',
    '  pull_request: { types: [opened] }',
    'jobs:',
    '  ping:',
    '    uses: http.request',
    `    with: { url: '${pingUrl}' }`,
    '',
  ].join('\n');
}

interface ServerCounts {
  received: number;
  /** Answers sent, by status (onSend). */
  sent: Record<string, number>;
  /** Answers written to a connection still open, by status (onResponse). */
  delivered: Record<string, number>;
}

interface Service {
  url: string;
  server: FastifyInstance;
  runtime: Runtime;
  worker: Worker;
  counts: ServerCounts;
}

/** The service as `forgeflow serve` wires it (worker not started), listening on a loopback port. */
async function openService(db: CountingDb, githubUrl: string, logger: Logger): Promise<Service> {
  const { runtime, worker } = assembleService(
    db,
    {
      publicUrl: 'http://forgeflow.bench',
      forges: { githubApiUrl: githubUrl, githubToken: GITHUB_TOKEN },
      configFiles: CONFIG_FILES,
      trustedUsers: [],
      execAllow: null,
      concurrency: CONCURRENCY,
    },
    { clock: systemClock, logger },
  );
  const server = await buildServer({
    db,
    runtime,
    clock: systemClock,
    logger,
    webhooks: {
      githubSecret: SECRET,
      gitlabToken: null,
      gitlabSigningToken: null,
      bodyLimit: DEFAULT_BODY_LIMIT,
    },
  });
  const counts: ServerCounts = { received: 0, sent: {}, delivered: {} };
  const tally = (into: Record<string, number>, status: number) => {
    into[status] = (into[status] ?? 0) + 1;
  };
  server.addHook('onRequest', (_request, _reply, done) => {
    counts.received++;
    done();
  });
  // onSend: every answer the server sends, also to a connection the client has closed.
  server.addHook('onSend', (_request, reply, payload, done) => {
    tally(counts.sent, reply.statusCode);
    done(null, payload);
  });
  // onResponse: the answer was written to a connection still open.
  server.addHook('onResponse', (_request, reply, done) => {
    tally(counts.delivered, reply.statusCode);
    done();
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return { url, server, runtime, worker, counts };
}

async function closeService(service: Service): Promise<void> {
  await service.server.close();
  await service.runtime.stopWorkers();
}

/** Empties the runtime's tables and the delivery record. */
async function emptyAll(db: CountingDb): Promise<void> {
  await db.exec('TRUNCATE forgeflow.deliveries');
  await emptyTables(db);
}

function cpuShares(usage: Usage, webhooks: number, otherMsAdjust = 0): CpuShares {
  const wall = usage.wall_ms;
  return {
    node_cpu_ms_per_webhook: usage.node_cpu_ms / webhooks,
    postgres_cpu_ms_per_webhook:
      usage.postgres_cpu_ms === null ? null : usage.postgres_cpu_ms / webhooks,
    node_cpu_share_of_wall: usage.node_cpu_ms / wall,
    postgres_cpu_share_of_wall:
      usage.postgres_cpu_ms === null ? null : usage.postgres_cpu_ms / wall,
    other_cpu_share_of_wall:
      usage.other_cpu_ms === null ? null : Math.max(0, usage.other_cpu_ms - otherMsAdjust) / wall,
  };
}

/** A pull_request.opened example on a head of its own, trusted (OWNER), as compact JSON. */
function pullRequestBody(
  example: Record<string, unknown>,
  sha: string,
  number: number | null,
): string {
  const payload = structuredClone(example);
  const pr = payload.pull_request as Record<string, unknown>;
  (pr.head as Record<string, unknown>).sha = sha;
  pr.author_association = 'OWNER';
  if (number !== null) {
    payload.number = number;
    pr.number = number;
  }
  return JSON.stringify(payload);
}

// ─── 1. intake ──────────────────────────────────────────────────────────────────────────────

type LoadMessage =
  { ready: true } | { ok: true; report: LoadReport } | { ok: false; error: string };

function nextMessage(child: ChildProcess, timeoutMs: number): Promise<LoadMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the load generator said nothing in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: LoadMessage) => {
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the load generator exited (${code}) before answering`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function intake(
  bench: BenchDatabase,
  github: FakeGitHub,
  example: Record<string, unknown>,
  logs: WebhooksResults['log_warnings'],
): Promise<IntakeResult> {
  const { db, inner } = bench;
  await emptyAll(db);
  const { logger, seen } = countingLogger(LOG_LEVEL);
  logs.intake = seen;
  const service = await openService(db, github.url, logger);
  const marker = 'HEAD_SHA_GOES_HERE';
  const [before, after, ...rest] = pullRequestBody(example, marker, null).split(marker);
  if (before === undefined || after === undefined || rest.length > 0)
    throw new Error('intake: the head sha marker is not in the body exactly once');
  const child = fork(fileURLToPath(new URL('./webhooks-load.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await nextMessage(child, 30_000);
    if (!('ready' in ready)) throw new Error('intake: the load generator did not say ready');
    const order: LoadOrder = {
      url: service.url,
      secret: SECRET,
      connections: INTAKE_CONNECTIONS,
      seconds: INTAKE_SECONDS,
      before,
      after,
      tag: `bench-${randomBytes(4).toString('hex')}`,
    };
    const meter = new UsageMeter(db);
    const answer = nextMessage(child, INTAKE_SECONDS * 1000 + 60_000);
    child.send(order);
    const message = await answer;
    if ('ready' in message || !message.ok)
      throw new Error(
        `intake: the load generator failed: ${'error' in message ? message.error : '?'}`,
      );
    const report = message.report;
    // Requests the loader sent before it stopped may still be in the server's hands.
    const settleBy = performance.now() + 10_000;
    const settled = () => {
      const c = service.counts;
      return Object.values(c.sent).reduce((s, n) => s + n, 0) >= c.received;
    };
    while (!settled() && performance.now() < settleBy) await sleep(10);
    const usage = meter.done();

    const { rows } = await inner.query<IntakeResult['database']>(
      `SELECT (SELECT count(*)::int FROM forgeflow.runs WHERE pipeline = $1) AS plan_runs,
              (SELECT count(*)::int FROM forgeflow.runs) AS runs,
              (SELECT count(*)::int FROM forgeflow.deliveries) AS deliveries,
              (SELECT count(*)::int FROM forgeflow.deliveries d
                 JOIN forgeflow.runs r ON r.id = d.plan_run_id AND r.pipeline = $1
                WHERE d.outcome = 'planning') AS deliveries_with_plan_run`,
      [PLAN_PIPELINE],
    );
    const database = rows[0]!;
    const server202 = service.counts.sent['202'] ?? 0;
    const accepted = report.responses_2xx;
    const inFlightAtStop = report.built - accepted - report.non_2xx;
    return {
      worker: 'off',
      load_generator: `autocannon ${report.autocannon}, in a forked process`,
      connections: INTAKE_CONNECTIONS,
      seconds: INTAKE_SECONDS,
      payload_bytes: Buffer.byteLength(before + '0'.repeat(40) + after),
      accepted_per_s: accepted / report.duration_s,
      requests_per_s: report.requests_per_s,
      latency: distribution(report.latencies_ms),
      autocannon_latency: report.autocannon_latency,
      client: {
        requests_built: report.built,
        responses_2xx: accepted,
        duplicate_answers: report.duplicates,
        non_2xx: report.non_2xx,
        status_codes: report.status_codes,
        errors: report.errors,
        timeouts: report.timeouts,
      },
      server: service.counts,
      database,
      in_flight_at_stop: inFlightAtStop,
      counts_match:
        database.plan_runs === server202 &&
        database.deliveries === server202 &&
        database.deliveries_with_plan_run === server202 &&
        server202 === report.built &&
        server202 === accepted + inFlightAtStop,
      per_webhook: {
        transactions: usage.db.transactions / server202,
        round_trips: usage.db.round_trips / server202,
      },
      load_generator_cpu_ms: report.cpu_ms,
      cpu: cpuShares(usage, server202, report.cpu_ms),
      db: usage.db,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
    await closeService(service);
  }
}

// ─── 2. latency ─────────────────────────────────────────────────────────────────────────────

/** Resolves when `check()` holds, re-checked whenever `poke()` is called. */
class Conditions {
  private waiting: { check: () => boolean; resolve: () => void }[] = [];

  poke(): void {
    this.waiting = this.waiting.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== entry);
        reject(new Error(what()));
      }, timeoutMs);
      this.waiting.push(entry);
    });
  }
}

interface Delivery {
  id: string;
  body: string;
  sentAt: number;
  answeredAt: number;
  status: number;
  duplicate: boolean | null;
}

async function latency(
  bench: BenchDatabase,
  github: FakeGitHub,
  example: Record<string, unknown>,
  pingUrl: string,
  mode: 'sequential' | 'paced',
  count: number,
  logs: WebhooksResults['log_warnings'],
): Promise<LatencyResult> {
  const { db, inner } = bench;
  await emptyAll(db);
  const { logger, seen } = countingLogger(LOG_LEVEL);
  logs[`latency_${mode}`] = seen;
  const service = await openService(db, github.url, logger);
  const { runtime } = service;

  const runStarted = new Map<string, number>();
  const pipelineOf = new Map<string, string>();
  const nodeStarted = new Map<string, number>();
  const nodeCompleted = new Map<string, number>();
  const finished = new Map<string, string>();
  const pipelineNodesStarted = new Set<string>();
  let planRetries = 0;
  const conditions = new Conditions();
  const offs = [
    runtime.events.on('run:started', (e) => {
      runStarted.set(e.runId, performance.now());
      pipelineOf.set(e.runId, e.pipeline);
      if (e.pipeline === PIPELINE_NAME && nodeStarted.has(e.runId))
        pipelineNodesStarted.add(e.runId);
      conditions.poke();
    }),
    runtime.events.on('node:started', (e) => {
      if (!nodeStarted.has(e.runId)) nodeStarted.set(e.runId, performance.now());
      if (e.attempt > 1 && pipelineOf.get(e.runId) === PLAN_PIPELINE) planRetries++;
      if (pipelineOf.get(e.runId) === PIPELINE_NAME) pipelineNodesStarted.add(e.runId);
      conditions.poke();
    }),
    runtime.events.on('node:completed', (e) => {
      if (!nodeCompleted.has(e.runId)) nodeCompleted.set(e.runId, performance.now());
    }),
    runtime.events.on('run:finished', (e) => {
      finished.set(e.runId, e.status);
      conditions.poke();
    }),
  ];

  // Each delivery: a pull request of its own, its head's pipeline.yaml on the fake GitHub.
  const tag = randomBytes(4).toString('hex');
  const yaml = pipelineYaml(pingUrl);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const sha = `${tag}${i.toString(16).padStart(32, '0')}`;
    const number = 1000 + i;
    github.setFile(REPO, sha, 'pipeline.yaml', yaml);
    github.addPullRequest(REPO, { number, headSha: sha, headRef: `bench-${tag}-${i}` });
    deliveries.push({
      id: `bench-${tag}-${i}`,
      body: pullRequestBody(example, sha, number),
      sentAt: NaN,
      answeredAt: NaN,
      status: 0,
      duplicate: null,
    });
  }
  const send = async (d: Delivery) => {
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': d.id,
      'x-hub-signature-256': signature(d.body),
      'user-agent': 'GitHub-Hookshot/044aadd',
    };
    d.sentAt = performance.now();
    const response = await fetch(`${service.url}/webhooks/github`, {
      method: 'POST',
      body: d.body,
      headers,
    });
    const text = await response.text();
    d.answeredAt = performance.now();
    d.status = response.status;
    d.duplicate = (JSON.parse(text) as { duplicate?: boolean }).duplicate ?? null;
  };

  await service.worker.start();
  try {
    const forgeBefore = github.requests.length;
    const meter = new UsageMeter(db);
    const t0 = performance.now();
    const timeout = () =>
      `latency (${mode}): ${pipelineNodesStarted.size} of ${count} pipeline nodes started, ${finished.size} of ${2 * count} runs finished in ${PHASE_TIMEOUT_MS} ms`;
    if (mode === 'sequential') {
      for (const [i, d] of deliveries.entries()) {
        await send(d);
        await conditions.until(() => pipelineNodesStarted.size > i, PHASE_TIMEOUT_MS, timeout);
      }
    } else {
      const sends = deliveries.map(async (d, i) => {
        const wait = t0 + i * PACED_EVERY_MS - performance.now();
        if (wait > 0) await sleep(wait);
        await send(d);
      });
      await Promise.all(sends);
      await conditions.until(() => pipelineNodesStarted.size >= count, PHASE_TIMEOUT_MS, timeout);
    }
    const wall = Math.max(...[...pipelineNodesStarted].map((id) => nodeStarted.get(id)!)) - t0;
    await conditions.until(() => finished.size >= 2 * count, PHASE_TIMEOUT_MS, timeout);
    const usage = meter.done();
    const forgeRequests = github.requests.length - forgeBefore;

    const bad = deliveries.filter((d) => d.status !== 202);
    if (bad.length > 0)
      throw new Error(
        `latency (${mode}): ${bad.length} deliveries answered ${bad[0]!.status}, not 202`,
      );
    const { rows } = await inner.query<{
      id: string;
      outcome: string;
      plan_run_id: string | null;
      run_ids: string[];
    }>('SELECT id, outcome, plan_run_id, run_ids FROM forgeflow.deliveries');
    const byId = new Map(rows.map((r) => [r.id, r]));
    const outcomes: Record<string, number> = {};
    for (const r of rows) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    const answer: number[] = [];
    const toPlan: number[] = [];
    const planWork: number[] = [];
    const pickup: number[] = [];
    const planDone: number[] = [];
    const total: number[] = [];
    for (const d of deliveries) {
      const row = byId.get(`github:${d.id}`);
      const planRun = row?.plan_run_id ?? undefined;
      const pipelineRun = row?.run_ids[0];
      answer.push(d.answeredAt - d.sentAt);
      const planStarted = planRun === undefined ? undefined : nodeStarted.get(planRun);
      const planCompleted = planRun === undefined ? undefined : nodeCompleted.get(planRun);
      const runAt = pipelineRun === undefined ? undefined : runStarted.get(pipelineRun);
      const nodeAt = pipelineRun === undefined ? undefined : nodeStarted.get(pipelineRun);
      if (planStarted !== undefined) toPlan.push(planStarted - d.sentAt);
      if (planStarted !== undefined && runAt !== undefined) planWork.push(runAt - planStarted);
      if (runAt !== undefined && nodeAt !== undefined) pickup.push(nodeAt - runAt);
      if (planCompleted !== undefined && nodeAt !== undefined)
        planDone.push(nodeAt - planCompleted);
      if (nodeAt !== undefined) total.push(nodeAt - d.sentAt);
    }
    if (total.length !== count)
      throw new Error(
        `latency (${mode}): only ${total.length} of ${count} deliveries could be followed to their pipeline's node (outcomes: ${JSON.stringify(outcomes)})`,
      );
    return {
      mode:
        mode === 'sequential'
          ? 'one at a time (each sent when the previous pipeline node started)'
          : `paced, one every ${PACED_EVERY_MS} ms (${1000 / PACED_EVERY_MS}/s), not waiting for answers`,
      webhooks: count,
      worker_concurrency: CONCURRENCY,
      wall_ms: wall,
      answer_202: distribution(answer),
      to_plan_node_started: distribution(toPlan),
      plan_node_to_pipeline_run_started: distribution(planWork),
      pipeline_run_to_node_started: distribution(pickup),
      plan_done_to_pipeline_node_started: distribution(planDone),
      to_pipeline_node_started: distribution(total),
      first_webhook_ms: total[0]!,
      outcomes,
      duplicate_answers: deliveries.filter((d) => d.duplicate !== false).length,
      plan_retries: planRetries,
      runs_not_succeeded: [...finished.values()].filter((s) => s !== 'succeeded').length,
      forge_requests_per_webhook: forgeRequests / count,
      per_webhook: {
        transactions: usage.db.transactions / count,
        round_trips: usage.db.round_trips / count,
      },
      cpu: cpuShares(usage, count),
      db: usage.db,
    };
  } finally {
    for (const off of offs) off();
    await closeService(service);
  }
}

/** As GitHub signs: HMAC-SHA256 of the exact body bytes. */
function signature(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────────

/** A local endpoint for the pipeline's `http.request`: answers 200 with a little JSON. */
async function pingServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`, server };
}

function measure(): Promise<WebhooksBenchResults> {
  return withBenchDatabase({ poolMax: POOL_MAX }, async (bench) => {
    // Loaded here, not at import: the examples are a large JSON file the other benches skip.
    const { githubExample } = await import('../test/support/webhook-payloads.js');
    const example = githubExample('pull_request', 'opened');
    const load = loadavg();
    const github = new FakeGitHub().addToken(GITHUB_TOKEN);
    await github.start();
    const ping = await pingServer();
    const logs: WebhooksResults['log_warnings'] = {};
    try {
      progress(`intake: ${INTAKE_CONNECTIONS} connections for ${INTAKE_SECONDS} s, worker off`);
      const intakeResult = await intake(bench, github, example, logs);
      progress(`latency: ${SEQUENTIAL_RUNS} deliveries one at a time, worker running`);
      const sequential = await latency(
        bench,
        github,
        example,
        ping.url,
        'sequential',
        SEQUENTIAL_RUNS,
        logs,
      );
      progress(`latency: ${PACED_RUNS} deliveries, one every ${PACED_EVERY_MS} ms, worker running`);
      const paced = await latency(bench, github, example, ping.url, 'paced', PACED_RUNS, logs);
      return {
        settings: {
          database: describe(ADMIN_URL),
          postgres: bench.postgres,
          pool_max: POOL_MAX,
          log_level: LOG_LEVEL,
          cores: cpus().length,
          load_average_before: load,
          pipeline: pipelineYaml('http://127.0.0.1:<port>/ping'),
        },
        intake: intakeResult,
        latency_sequential: sequential,
        latency_paced: paced,
        log_warnings: logs,
      };
    } finally {
      await github.stop();
      await new Promise<void>((resolve) => ping.server.close(() => resolve()));
    }
  });
}

function progress(message: string): void {
  process.stderr.write(`  webhooks: ${message}…\n`);
}

function render(r: WebhooksResults): string {
  const i = r.intake;
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(0)}%`);
  const ms = (x: number | null) => (x === null ? '–' : formatMs(x));
  const distRow = (name: string, d: Distribution) => [
    name,
    formatMs(d.p50_ms),
    formatMs(d.p90_ms),
    formatMs(d.p99_ms),
    formatMs(d.max_ms),
    formatMs(d.min_ms),
    formatMs(d.mean_ms),
  ];
  const latencyBlock = (l: LatencyResult) => [
    `webhook → first node started, ${l.webhooks} deliveries ${l.mode}; worker concurrency ${l.worker_concurrency}, ms:`,
    table(
      ['', 'p50', 'p90', 'p99', 'max', 'min', 'mean'],
      [
        distRow('sent → pipeline node:started', l.to_pipeline_node_started),
        distRow('  sent → 202 answer', l.answer_202),
        distRow('  sent → plan node:started', l.to_plan_node_started),
        distRow('  plan node:started → pipeline run:started', l.plan_node_to_pipeline_run_started),
        distRow('  pipeline run:started → node:started', l.pipeline_run_to_node_started),
        distRow(
          '  plan node:completed → pipeline node:started',
          l.plan_done_to_pipeline_node_started,
        ),
      ],
    ),
    `outcomes ${JSON.stringify(l.outcomes)}; 202s saying duplicate ${l.duplicate_answers}; plan retries ${l.plan_retries}; runs not succeeded ${l.runs_not_succeeded}; ${l.forge_requests_per_webhook.toFixed(2)} GitHub API requests per webhook; the first delivery took ${formatMs(l.first_webhook_ms)} ms; wall ${formatMs(l.wall_ms)} ms.`,
    `per webhook (plan run + pipeline run, to the end): ${l.per_webhook.transactions.toFixed(2)} tx, ${l.per_webhook.round_trips.toFixed(1)} round trips, Node CPU ${formatMs(l.cpu.node_cpu_ms_per_webhook)} ms, PG CPU ${ms(l.cpu.postgres_cpu_ms_per_webhook)} ms; other processes ${pct(l.cpu.other_cpu_share_of_wall)} of a core.`,
  ];
  const busy = [i.cpu, r.latency_sequential.cpu, r.latency_paced.cpu].some(
    (c) => (c.other_cpu_share_of_wall ?? 0) > 0.25,
  );
  const warnings = Object.entries(r.log_warnings).filter(([, w]) => w.count > 0);
  return [
    `intake: signed pull_request deliveries (${i.payload_bytes} bytes), ${i.connections} connections, ${i.seconds} s, ${i.load_generator}; WORKER OFF (intake only):`,
    table(
      ['', 'value'],
      [
        ['accepted (2xx) per second', i.accepted_per_s.toFixed(0)],
        [
          'autocannon responses/s (1 s samples): mean / p50 / min / max',
          `${i.requests_per_s.mean.toFixed(0)} / ${i.requests_per_s.p50.toFixed(0)} / ${i.requests_per_s.min.toFixed(0)} / ${i.requests_per_s.max.toFixed(0)}`,
        ],
        ['202 latency p50, ms', formatMs(i.latency.p50_ms)],
        ['202 latency p90, ms', formatMs(i.latency.p90_ms)],
        ['202 latency p99, ms', formatMs(i.latency.p99_ms)],
        ['202 latency max, ms', formatMs(i.latency.max_ms)],
        [
          "  autocannon's histogram p50 / p99 / max",
          `${i.autocannon_latency.p50} / ${i.autocannon_latency.p99} / ${i.autocannon_latency.max}`,
        ],
        [
          'client: 2xx / non-2xx / errors / timeouts',
          `${i.client.responses_2xx} / ${i.client.non_2xx} / ${i.client.errors} / ${i.client.timeouts}`,
        ],
        ['client: requests built (distinct delivery ids)', String(i.client.requests_built)],
        ['client: 2xx answers saying duplicate: true', String(i.client.duplicate_answers)],
        ['client: in flight when autocannon stopped (answered after)', String(i.in_flight_at_stop)],
        [
          'server: received / answers sent / delivered to an open connection',
          `${i.server.received} / ${JSON.stringify(i.server.sent)} / ${JSON.stringify(i.server.delivered)}`,
        ],
        [
          'database: plan runs / delivery rows / rows with their plan run',
          `${i.database.plan_runs} / ${i.database.deliveries} / ${i.database.deliveries_with_plan_run}`,
        ],
        [
          'counts match (runs = rows = 202s sent = built = 2xx + in flight)',
          i.counts_match ? 'yes' : 'NO',
        ],
        [
          'per webhook: tx / round trips',
          `${i.per_webhook.transactions.toFixed(2)} / ${i.per_webhook.round_trips.toFixed(2)}`,
        ],
        [
          'per webhook: Node CPU / PG CPU, ms',
          `${formatMs(i.cpu.node_cpu_ms_per_webhook)} / ${ms(i.cpu.postgres_cpu_ms_per_webhook)}`,
        ],
        [
          'CPU share of a core: Node / PG / load generator / other processes',
          `${pct(i.cpu.node_cpu_share_of_wall)} / ${pct(i.cpu.postgres_cpu_share_of_wall)} / ${pct(i.load_generator_cpu_ms / (i.seconds * 1000))} / ${pct(i.cpu.other_cpu_share_of_wall)}`,
        ],
      ],
    ),
    '',
    'intake statements per webhook:',
    table(
      ['statement', 'per webhook', 'avg ms'],
      i.db.by_statement
        .slice(0, 10)
        .map((s) => [
          s.sql,
          (s.count / (i.server.sent['202'] ?? 1)).toFixed(2),
          formatMs(s.total_ms / s.count),
        ]),
    ),
    '',
    ...latencyBlock(r.latency_sequential),
    '',
    ...latencyBlock(r.latency_paced),
    ...(i.client.non_2xx > 0 || i.client.errors > 0 || !i.counts_match
      ? [
          '',
          `WARNING: intake: ${i.client.non_2xx} non-2xx answers, ${i.client.errors} errors; counts ${i.counts_match ? 'match' : 'DO NOT match'}.`,
        ]
      : []),
    ...(busy
      ? [
          '',
          `WARNING: other processes used more than a quarter of a core during a phase (load average before: ${r.settings.load_average_before.map((x) => x.toFixed(2)).join(' ')} on ${r.settings.cores} cores).`,
        ]
      : []),
    ...warnings.map(
      ([phase, w]) =>
        `WARNING: the service logged ${w.count} warnings/errors in ${phase}: ${w.first}`,
    ),
    '',
    `PostgreSQL ${r.settings.postgres}, at ${r.settings.database}; pool ${r.settings.pool_max}; log level ${r.settings.log_level}.`,
  ].join('\n');
}

export const webhooksBench: Bench<WebhooksBenchResults> = {
  name: 'webhooks',
  description: `signed GitHub webhooks through the real server: intake rate (autocannon, worker off) and webhook → first node started latency (worker on), PostgreSQL at ${describe(ADMIN_URL)} (BENCH_DATABASE_URL)`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    return { results, table: render(results) };
  },
};
