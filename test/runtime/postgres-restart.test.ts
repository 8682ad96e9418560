/**
 * Postgres-only (the pglite project excludes test/runtime/postgres-*): the database server
 * restarts while an activity is in flight, and the run still completes, on the graph and
 * history it had (DESIGN.md §4: no state lives only in a worker's memory; NOTIFY is a hint,
 * polling the fallback).
 *
 * The server restarted is a THROWAWAY cluster of this file's own (test/support/pg-cluster.ts),
 * never the shared one on 5432 that other test files use meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPg, type PgDb } from '../../src/db/pg.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { startCluster, type Cluster } from '../support/pg-cluster.js';
import {
  Blocker,
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

let cluster: Cluster;
let db: PgDb | undefined;
let runtime: Runtime | undefined;
const logged: string[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);

afterAll(async () => {
  try {
    await runtime?.stopWorkers(1_000);
    await db?.close();
  } finally {
    await cluster?.remove();
  }
}, 60_000);

describe('a PostgreSQL restart in the middle of a run', () => {
  it('does not lose the run: the blocked activity finishes and the run completes', async () => {
    db = openPg(cluster.url, {
      applicationName: 'forgeflow-restart-test',
      onError: (error, context) => logged.push(`${context}: ${error.message}`),
    });
    await migrate(db);
    runtime = testRuntime(db);
    const blocker = new Blocker();
    const handlers = testHandlers(blocker);
    await runtime.createWorker(workerOptions(handlers, { id: 'survivor' })).start();

    const graph = compileFor(
      pipeline(`  a:
    uses: test.script
    with: { echo: first }
  b:
    uses: test.wait
    needs: a
    with: { output: second }
  c:
    uses: test.script
    needs: b
    with: { echo: third }
`),
      handlers,
    );
    const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
    const { runId } = await runtime.start(graph, event);
    await blocker.arrived('b');

    const before = cluster.postmasterPid();
    await cluster.pgCtl('-m', 'fast', 'restart');
    expect(cluster.postmasterPid(), 'a new postmaster').not.toBe(before);

    blocker.release('b');
    expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    // The runtime did see the server go away: its connections were cut.
    expect(logged.some((l) => l.startsWith('LISTEN connection lost'))).toBe(true);

    const run = await runtime.getRun(runId);
    expect(
      Object.fromEntries(
        run!.nodes.map((n) => [n.node_id, [n.status, n.output, n.attempts.length]]),
      ),
    ).toEqual({
      a: ['succeeded', 'first', 1],
      b: ['succeeded', 'second', 1], // the lease outlived the restart: no second attempt
      c: ['succeeded', 'third', 1],
    });
    expect(blocker.started).toEqual(['b#1']);
    await expectAllHistoriesMatch(runtime);
  });
});
