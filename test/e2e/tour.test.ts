/**
 * examples/tour.yaml, the README's tour, against a server listening on a port of its own (not
 * 8080): its HTTP steps call the server through `run.server_url`, the server's public URL, so
 * the tour works wherever `serve` listens. The timer fires on an injected clock; the gate is
 * opened with the signal the README says to send.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { compilePipeline } from '../../src/compiler/index.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { builtInHandlers, specsOf } from '../../src/handlers/registry.js';
import { registryOf } from '../../src/contracts/handler-spec.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { silentLogger, testRuntime, workerOptions } from '../support/runtime.js';

const TOUR = readFileSync(new URL('../../examples/tour.yaml', import.meta.url), 'utf8');
const clock = new FakeClock();
const handlers = builtInHandlers();
let db: TestDb | undefined;
let server: FastifyInstance | undefined;
let tour: Runtime | undefined;
let address = '';

beforeAll(async () => {
  db = await testDb();
  // The server answers on a free port; the runtime that runs the tour learns it as `serve`
  // does, from its public URL (FORGEFLOW_PUBLIC_URL or http://localhost:<port>).
  server = await buildServer({
    db,
    runtime: testRuntime(db, { clock }),
    clock,
    logger: silentLogger,
    webhooks: { githubSecret: null, gitlabToken: null, gitlabSigningToken: null, bodyLimit: 1024 },
  });
  address = await server.listen({ port: 0, host: '127.0.0.1' });
  expect(address).not.toMatch(/:8080$/);
  tour = testRuntime(db, { clock, settings: { publicUrl: `${address}/` } });
  await tour.createWorker(workerOptions(handlers, { pollMs: 86_400_000 })).start();
});

afterAll(async () => {
  try {
    if (tour) await expectAllHistoriesMatch(tour);
  } finally {
    await tour?.stopWorkers(0);
    await server?.close();
    await db?.close();
  }
});

describe('the tour', () => {
  it('names no address: its HTTP steps call run.server_url', () => {
    const urls = [...TOUR.matchAll(/^\s+url: (.+)$/gm)].map((match) => match[1]);
    expect(urls).toEqual(['"${{ run.server_url }}/healthz"', '"${{ run.server_url }}/readyz"']);
  });

  it('runs to the end on a server that is not on port 8080', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const compiled = compilePipeline(TOUR, event, {
      file: 'examples/tour.yaml',
      handlers: registryOf(specsOf(handlers)),
    });
    if (compiled.status !== 'graph') throw new Error(JSON.stringify(compiled));
    const timer = tour!.events.next('timer:started');
    const { runId } = await tour!.start(compiled.graph, event);
    await timer;
    const waiting = tour!.events.next(
      'node:waiting',
      (e) => e.runId === runId && e.nodeId === 'approve',
    );
    clock.advance(10_000);
    await waiting;
    const finished = tour!.events.next('run:finished', (e) => e.runId === runId);
    await tour!.signal(runId, 'approve', { by: 'tour' });
    expect((await finished).status).toBe('succeeded');

    const nodes = Object.fromEntries(
      ((await tour!.getRun(runId))?.nodes ?? []).map((node) => [node.node_id, node]),
    );
    expect(nodes.health?.input).toEqual({ url: `${address}/healthz` });
    expect(nodes.health?.output).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(nodes.done?.input).toEqual({ url: `${address}/readyz` });
    expect(nodes.done?.output).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});
