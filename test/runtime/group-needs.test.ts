/**
 * A matrix job needing a whole matrix job (graph format 2 stores that as one `needs` entry per
 * node, the job's id): each needing node waits for every node of the needed job, counted down
 * once when the last one ends; it sees all their outputs and their combined result; a retry
 * re-runs what needs a reset job. And a run stored with a format-1 graph (each needed instance
 * listed, and `edges`) still finishes on it, read from the database by a runtime that did not
 * start it. Runs on PGlite and on Postgres.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, StoredGraph } from '../../src/compiler/index.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { Blocker, compileFor, pipeline, testHandlers, testRuntime } from '../support/runtime.js';
import { asFormat1 } from '../support/graph-format-1.js';
import { useRuntime } from '../support/use-runtime.js';

const blocker = new Blocker();
const handlers = testHandlers(blocker);
const t = useRuntime({ handlers, worker: { concurrency: 4 } });
const event = manualEvent({ repo: 'octo/app' });

/** a: three held nodes; b: two nodes, each needing all of a; c: needing all of b. */
const FAN = pipeline(`  a:
    matrix: { x: [1, 2, 3] }
    uses: test.wait
    with: { output: "a\${{ matrix.x }}" }
  b:
    needs: a
    matrix: { y: [p, q] }
    uses: test.script
    with: { echo: { y: "\${{ matrix.y }}", a: "\${{ needs.a.output }}", result: "\${{ needs.a.result }}" } }
  c:
    needs: b
    uses: test.script
    with: { echo: "\${{ needs.b.output }}" }
`);

const A_OUTPUTS = { 'a[1]': 'a1', 'a[2]': 'a2', 'a[3]': 'a3' };
const B_OUTPUTS = {
  'b[p]': { y: 'p', a: A_OUTPUTS, result: 'success' },
  'b[q]': { y: 'q', a: A_OUTPUTS, result: 'success' },
};

async function statusesOf(runId: string): Promise<Record<string, string>> {
  const nodes = await t.nodesOf(runId);
  return Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, n.status]));
}

describe('a matrix needing a whole matrix', () => {
  it('is stored as one needs entry per node', () => {
    const graph = compileFor(FAN, handlers, event);
    expect(graph.format).toBe(2);
    expect(graph.nodes.map((n) => [n.id, n.needs])).toEqual([
      ['a[1]', []],
      ['a[2]', []],
      ['a[3]', []],
      ['b[p]', ['a']],
      ['b[q]', ['a']],
      ['c', ['b']],
    ]);
  });

  it('starts the needing nodes only when the last needed node ends, with every output', async () => {
    const graph = compileFor(FAN, handlers, event);
    const { runId } = await t.runtime.start(graph, event);
    await Promise.all(['a[1]', 'a[2]', 'a[3]'].map((id) => blocker.arrived(id)));

    const done = (id: string) =>
      t.runtime.events.next('node:completed', (e) => e.runId === runId && e.nodeId === id);
    const firstTwo = Promise.all([done('a[1]'), done('a[2]')]);
    blocker.release('a[1]');
    blocker.release('a[2]');
    await firstTwo;
    // Completing a node decides what it unblocks in the same transaction: nothing yet.
    expect(await statusesOf(runId)).toEqual({
      'a[1]': 'succeeded',
      'a[2]': 'succeeded',
      'a[3]': 'running',
      'b[p]': 'pending',
      'b[q]': 'pending',
      c: 'pending',
    });

    blocker.release('a[3]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const nodes = await t.nodesOf(runId);
    expect(nodes['b[p]']?.output).toEqual(B_OUTPUTS['b[p]']);
    expect(nodes['b[q]']?.output).toEqual(B_OUTPUTS['b[q]']);
    expect(nodes.c?.output).toEqual(B_OUTPUTS);
    // b's nodes were scheduled after a's last node completed, each once.
    const history = (await t.runtime.history(runId)).map((e) => `${e.type} ${e.node_id ?? ''}`);
    const lastA = history.indexOf('NodeCompleted a[3]');
    expect(lastA).toBeGreaterThan(-1);
    for (const id of ['b[p]', 'b[q]']) {
      expect(history.filter((e) => e === `NodeScheduled ${id}`)).toHaveLength(1);
      expect(history.indexOf(`NodeScheduled ${id}`)).toBeGreaterThan(lastA);
    }
  });

  it('skips the needing nodes when a needed node was skipped, and tells `always()` why', async () => {
    const runId = await t.startRun(`  a:
    matrix: { x: [1, 2, 3] }
    if: \${{ matrix.x != 2 }}
    uses: test.script
    with: { echo: "a\${{ matrix.x }}" }
  b:
    needs: a
    matrix: { y: [p, q] }
    uses: test.script
    with: { echo: b }
  d:
    needs: a
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.a.result }}" }
`);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(await statusesOf(runId)).toEqual({
      'a[1]': 'succeeded',
      'a[2]': 'skipped',
      'a[3]': 'succeeded',
      'b[p]': 'skipped',
      'b[q]': 'skipped',
      d: 'succeeded',
    });
    expect((await t.nodesOf(runId)).d?.output).toBe('skipped');
  });

  it('counts a whole job down once when all its nodes end in one transaction', async () => {
    // Every node of `a` is skipped as the run starts, together: `d` still waits for `gate`.
    const runId = await t.startRun(`  a:
    matrix: { x: [1, 2, 3] }
    if: false
    uses: test.script
  gate:
    uses: test.wait
  d:
    needs: [a, gate]
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.a.result }}" }
`);
    await blocker.arrived('gate');
    expect((await statusesOf(runId)).d).toBe('pending');
    blocker.release('gate');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect((await t.nodesOf(runId)).d?.output).toBe('skipped');
  });

  it('on a retry, waits again for the whole needed job when any of its nodes is re-run', async () => {
    const runId = await t.startRun(`  a:
    matrix: { x: [1, 2] }
    uses: test.script
    with: { echo: a }
  b:
    needs: a
    matrix: { y: [p, q] }
    uses: test.script
    with: { steps: [{ fail: { type: Boom, non_retryable: true } }, { output: "b\${{ matrix.y }}" }] }
  c:
    needs: b
    uses: test.script
    with: { echo: "\${{ needs.b.output }}" }
`);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    expect((await statusesOf(runId)).c).toBe('skipped');
    const retried = await t.runtime.retry(runId);
    expect(retried).toMatchObject({ outcome: 'retried', nodes: ['b[p]', 'b[q]', 'c'] });
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const nodes = await t.nodesOf(runId);
    expect(nodes['a[1]']?.attempts).toHaveLength(1);
    expect(nodes.c?.output).toEqual({ 'b[p]': 'bp', 'b[q]': 'bq' });
  });
});

describe('a run stored with a format-1 graph', () => {
  it('finishes on that graph, read back from the database', async () => {
    const text = FAN.replace('test.wait\n    with: { output:', 'test.script\n    with: { echo:');
    const old = asFormat1(compileFor(text, handlers, event));
    expect(old.nodes.find((n) => n.id === 'c')?.needs).toEqual(['b[p]', 'b[q]']);
    // Stored by a runtime that runs no worker: the file's worker has never seen this graph.
    const starter = testRuntime(t.db);
    const { runId } = await starter.start(old as unknown as Graph, event);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const { rows } = await t.db.query<{ graph: StoredGraph }>(
      `SELECT g.graph FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash
       WHERE r.id = $1`,
      [runId],
    );
    expect(rows[0]?.graph.format).toBe(1);
    const nodes = await t.nodesOf(runId);
    // The same outputs as the format-2 run of the same pipeline.
    expect(nodes['b[p]']?.output).toEqual(B_OUTPUTS['b[p]']);
    expect(nodes.c?.output).toEqual(B_OUTPUTS);
  });
});
