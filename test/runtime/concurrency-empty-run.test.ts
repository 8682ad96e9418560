/**
 * A run whose graph has no nodes (every job left out by its own `on:`) ends as soon as it
 * begins, also when it was queued behind its concurrency group: else it would stay running
 * with nothing to do and hold the group, every later run of it queued for ever.
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { useRuntime } from '../support/use-runtime.js';
import { Blocker, compileFor, pipeline, testHandlers } from '../support/runtime.js';

const blocker = new Blocker();
const handlers = testHandlers(blocker);
const t = useRuntime({ handlers, worker: { concurrency: 4 } });

const GROUP = 'concurrency:\n  group: empty-runs\n  cancel_in_progress: false\n';

function start(jobs: string) {
  const event: Event = manualEvent({ repo: 'octo/app' });
  return t.runtime
    .start(compileFor(pipeline(jobs, GROUP), handlers, event), event)
    .then((r) => r.runId);
}

describe('a queued run with no nodes', () => {
  it('ends when its turn comes, and lets the next run of the group start', async () => {
    const first = await start('  hold: { uses: test.wait }\n');
    await blocker.arrived('hold');
    // Only on push: left out of this manual run, so the graph has no nodes.
    const empty = await start('  only-on-push: { on: [push], uses: test.script }\n');
    const third = await start('  after: { uses: test.script, with: { echo: third } }\n');
    const graph = await t.db.query<{ n: number }>(
      `SELECT jsonb_array_length(g.graph->'nodes') AS n
       FROM forgeflow.runs r JOIN forgeflow.graphs g ON g.hash = r.graph_hash WHERE r.id = $1`,
      [empty],
    );
    expect(graph.rows[0]?.n).toBe(0);
    expect((await t.runtime.getRun(empty))?.status).toBe('queued');

    blocker.release('hold');
    expect(await t.runtime.waitForRun(first, 15_000)).toBe('succeeded');
    await t.runtime.events.next('run:dequeued', (e) => e.runId === empty);
    // `empty` ended at once, and `third` left the queue after it.
    const [e, th] = await Promise.allSettled([
      t.runtime.waitForRun(empty, 3_000),
      t.runtime.waitForRun(third, 3_000),
    ]);
    expect.soft(e).toEqual({ status: 'fulfilled', value: 'succeeded' });
    expect.soft(th).toEqual({ status: 'fulfilled', value: 'succeeded' });
    const { rows } = await t.db.query(
      'SELECT id = $1 AS is_empty, status, unfinished_nodes FROM forgeflow.runs WHERE id = ANY($2::uuid[]) ORDER BY created_at',
      [empty, [empty, third]],
    );
    expect.soft(rows).toEqual([
      { is_empty: true, status: 'succeeded', unfinished_nodes: 0 },
      { is_empty: false, status: 'succeeded', unfinished_nodes: 0 },
    ]);
  });
});
