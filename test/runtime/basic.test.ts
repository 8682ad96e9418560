/**
 * A run from start to end: a DAG with a matrix, outputs passed through needs, inputs evaluated
 * from event/env/matrix/needs when a node is scheduled, conditions and skip propagation, and
 * idempotent starts. Runs on PGlite and on Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch, expectHistoryMatchesState } from '../support/fold-history.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

let db: TestDb;
let runtime: Runtime;
const handlers = testHandlers();

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db);
  await runtime.createWorker(workerOptions(handlers, { concurrency: 4 })).start();
});

afterAll(async () => {
  expect(await expectAllHistoriesMatch(runtime)).toBeGreaterThan(0);
  await runtime.stopWorkers(1_000);
  await db.close();
});

async function run(text: string, event = manualEvent({ repo: 'octo/app', sha: 'f'.repeat(40) })) {
  const graph = compileFor(text, handlers, event);
  const { runId } = await runtime.start(graph, event);
  const status = await runtime.waitForRun(runId, 15_000);
  const detail = (await runtime.getRun(runId))!;
  const nodes = Object.fromEntries(detail.nodes.map((n) => [n.node_id, n]));
  return { runId, status, nodes };
}

describe('a run', () => {
  it('passes outputs along a matrix DAG, evaluating inputs when each node is scheduled', async () => {
    const { status, nodes, runId } = await run(
      pipeline(
        `  prepare:
    uses: test.script
    with: { echo: { version: 42, repo: "\${{ event.repo.full_name }}" } }
  build:
    needs: prepare
    matrix: { target: [a, b] }
    uses: test.script
    with:
      echo:
        label: "\${{ matrix.target }}-\${{ needs.prepare.output.version }}"
        version: "\${{ needs.prepare.output.version }}"
        owner: "\${{ env.OWNER }}"
  collect:
    needs: build
    uses: test.script
    with: { echo: "\${{ needs.build.output }}" }
`,
        'env: { OWNER: "octo-\${{ event.repo.name }}" }\n',
      ),
    );
    expect(status).toBe('succeeded');
    expect(nodes['prepare']?.output).toEqual({ version: 42, repo: 'octo/app' });
    expect(nodes['build[a]']?.output).toEqual({ label: 'a-42', version: 42, owner: 'octo-app' });
    expect(nodes['build[b]']?.input).toEqual({
      echo: { label: 'b-42', version: 42, owner: 'octo-app' },
    });
    // A fan-in over a matrix sees every instance's output by node id.
    expect(nodes['collect']?.output).toEqual({
      'build[a]': { label: 'a-42', version: 42, owner: 'octo-app' },
      'build[b]': { label: 'b-42', version: 42, owner: 'octo-app' },
    });
    const types = (await runtime.history(runId)).map(
      (e) => `${e.type}${e.node_id ? ` ${e.node_id}` : ''}`,
    );
    expect(types[0]).toBe('RunStarted');
    expect(types.at(-1)).toBe('RunCompleted');
    expect(types.indexOf('NodeCompleted prepare')).toBeLessThan(
      types.indexOf('NodeScheduled build[a]'),
    );
  });

  it('skips what depends on a failure unless its condition says otherwise', async () => {
    const { status, nodes } = await run(
      pipeline(`  broken:
    uses: test.script
    with: { steps: [{ fail: { type: Boom, non_retryable: true } }] }
  after:
    needs: broken
    uses: test.script
  after_after:
    needs: after
    uses: test.script
  cleanup:
    needs: after
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.after.result }}" }
  on_failure:
    needs: broken
    if: \${{ failure() }}
    uses: test.script
    with: { echo: "\${{ needs.broken.result }}" }
`),
    );
    expect(status).toBe('failed');
    expect(nodes['broken']?.status).toBe('failed');
    expect(nodes['broken']?.error).toMatchObject({ type: 'Boom', non_retryable: true });
    expect(nodes['after']?.status).toBe('skipped');
    expect(nodes['after_after']?.status).toBe('skipped');
    expect(nodes['cleanup']?.output).toBe('skipped');
    expect(nodes['on_failure']?.output).toBe('failure');
  });

  it('runs a condition-false node as skipped, and the run still succeeds', async () => {
    const { status, nodes } = await run(
      pipeline(`  only_on_push:
    if: \${{ event.kind == 'push' }}
    uses: test.script
  always_runs:
    uses: test.script
`),
    );
    expect(status).toBe('succeeded');
    expect(nodes['only_on_push']?.status).toBe('skipped');
    expect(nodes['always_runs']?.status).toBe('succeeded');
  });

  it('fails a node whose input cannot be evaluated, without retrying it', async () => {
    const { status, nodes } = await run(
      pipeline(`  bad:
    uses: test.script
    with: { echo: "\${{ fromJSON('not json') }}" }
`),
    );
    expect(status).toBe('failed');
    expect(nodes['bad']?.error).toMatchObject({ type: 'ExpressionError', non_retryable: true });
    expect(nodes['bad']?.attempts).toEqual([]);
  });

  it('returns the same run for the same idempotency key', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(pipeline('  a:\n    uses: test.script\n'), handlers, event);
    const first = await runtime.start(graph, event, { idempotencyKey: 'delivery-1' });
    const second = await runtime.start(graph, event, { idempotencyKey: 'delivery-1' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ runId: first.runId, created: false });
    expect(await runtime.waitForRun(first.runId, 15_000)).toBe('succeeded');
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.runs WHERE idempotency_key = 'delivery-1'`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('stores the graph with the run and finishes on it', async () => {
    const { runId } = await run(pipeline('  a:\n    uses: test.script\n'));
    const { rows } = await db.query<{ graph: { hash: string; nodes: unknown[] } }>(
      `SELECT g.graph FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash
       WHERE r.id = $1`,
      [runId],
    );
    expect(rows[0]?.graph.nodes).toHaveLength(1);
    await expectHistoryMatchesState(runtime, runId);
  });

  it('fails a node whose output cannot be stored, once, instead of running it again', async () => {
    const { status, nodes } = await run(
      pipeline(`  binary:
    uses: exec
    with: { command: [printf, "a\\\\000b"] }
    retry: { maximum_attempts: 3 }
`),
    );
    expect(status).toBe('failed');
    expect(nodes['binary']?.error).toMatchObject({ type: 'InvalidOutput', non_retryable: true });
    expect(nodes['binary']?.attempts).toHaveLength(1);
  });

  it('records a signal wait in the history when the node starts waiting', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(
      pipeline('  gate:\n    wait_for: { signal: approve }\n'),
      handlers,
      event,
    );
    const { runId } = await runtime.start(graph, event);
    const gate = (await runtime.getRun(runId))!.nodes[0]!;
    expect(gate.status).toBe('waiting');
    const waiting = (await runtime.history(runId)).find((e) => e.type === 'NodeWaiting');
    expect(waiting?.data).toEqual({ signal: 'approve', timeout_at: null });
  });

  it('runs exec for real: argv with no shell, output captured', async () => {
    const { status, nodes } = await run(
      pipeline(`  hello:
    uses: exec
    with: { command: [echo, "\${{ event.repo.full_name }}; rm -rf /"] }
`),
    );
    expect(status).toBe('succeeded');
    expect(nodes['hello']?.output).toMatchObject({ exit_code: 0, stdout: 'octo/app; rm -rf /\n' });
  });
});
