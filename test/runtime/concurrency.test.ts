/**
 * Concurrency groups, evaluated from the event when a run starts: with cancel_in_progress a new
 * run cancels the older runs of its group, so of three only the newest is left; without it the
 * runs queue and start one at a time, in order of arrival. Runs on both backends.
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { useRuntime } from '../support/use-runtime.js';
import { Blocker, compileFor, pipeline, testHandlers } from '../support/runtime.js';

const blocker = new Blocker();
const handlers = testHandlers(blocker);

const t = useRuntime({ handlers, worker: { concurrency: 8 } });

/** Each run blocks in `work[<its sha>]`, so the test decides when it ends. */
function start(group: string, cancelInProgress: boolean, repo: string, sha: string) {
  const text = pipeline(
    `  work:
    matrix: { sha: ["${sha.padEnd(40, '0')}"] }
    uses: test.wait
`,
    `concurrency:\n  group: "${group}"\n  cancel_in_progress: ${cancelInProgress}\n`,
  );
  const event: Event = manualEvent({ repo, sha: sha.padEnd(40, '0') });
  return t.runtime.start(compileFor(text, handlers, event), event).then((r) => r.runId);
}

const statuses = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await t.runtime.getRun(id))?.status));

describe('concurrency groups', () => {
  it('with cancel_in_progress, three runs in one group leave only the newest', async () => {
    const group = '${{ event.repo.full_name }}/ci';
    const ids: string[] = [];
    for (const sha of ['a1', 'a2', 'a3']) {
      ids.push(await start(group, true, 'octo/newest', sha));
      await blocker.arrived(`work[${sha.padEnd(40, '0')}]`);
    }
    expect(await t.runtime.waitForRun(ids[0]!, 15_000)).toBe('canceled');
    expect(await t.runtime.waitForRun(ids[1]!, 15_000)).toBe('canceled');
    expect(await statuses(ids)).toEqual(['canceled', 'canceled', 'running']);
    blocker.release(`work[${'a3'.padEnd(40, '0')}]`);
    expect(await t.runtime.waitForRun(ids[2]!, 15_000)).toBe('succeeded');
    const { rows } = await t.db.query<{ concurrency_group: string }>(
      'SELECT DISTINCT concurrency_group FROM forgeflow.runs WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows).toEqual([{ concurrency_group: 'octo/newest/ci' }]);
    const history = await t.runtime.history(ids[0]!);
    const requested = history.find((e) => e.type === 'CancelRequested')?.data;
    expect(String(requested?.reason)).toContain('arrived in concurrency group "octo/newest/ci"');
  });

  it('without it, queues the runs and starts them one at a time in order of arrival', async () => {
    const group = 'deploy-${{ event.repo.name }}';
    const shas = ['b1', 'b2', 'b3', 'b4'];
    const ids: string[] = [];
    for (const sha of shas) ids.push(await start(group, false, 'octo/queue', sha));
    await blocker.arrived(`work[${'b1'.padEnd(40, '0')}]`);
    expect(await statuses(ids)).toEqual(['running', 'queued', 'queued', 'queued']);
    // A queued run that is canceled leaves the queue; the rest keep their order.
    expect(await t.runtime.cancel(ids[2]!)).toEqual({ outcome: 'canceled', status: 'canceled' });
    for (const [i, sha] of [
      [0, 'b1'],
      [1, 'b2'],
      [3, 'b4'],
    ] as const) {
      await blocker.arrived(`work[${sha.padEnd(40, '0')}]`);
      expect((await statuses(ids))[i]).toBe('running');
      expect((await statuses(ids)).filter((s) => s === 'running')).toHaveLength(1);
      blocker.release(`work[${sha.padEnd(40, '0')}]`);
      expect(await t.runtime.waitForRun(ids[i]!, 15_000)).toBe('succeeded');
    }
    const dequeued = await Promise.all(
      ids.map(async (id) => (await t.runtime.history(id)).map((e) => e.type)),
    );
    expect(dequeued[0]).not.toContain('RunQueued');
    expect(dequeued[1]).toEqual(expect.arrayContaining(['RunQueued', 'RunDequeued']));
    expect(dequeued[2]).toEqual(expect.arrayContaining(['RunQueued', 'RunCanceled']));
    expect(dequeued[2]).not.toContain('RunDequeued');
  });

  it('keeps different groups apart', async () => {
    const group = '${{ event.repo.full_name }}';
    const one = await start(group, false, 'octo/one', 'c1');
    const two = await start(group, false, 'octo/two', 'c2');
    await blocker.arrived(`work[${'c1'.padEnd(40, '0')}]`);
    await blocker.arrived(`work[${'c2'.padEnd(40, '0')}]`);
    expect(await statuses([one, two])).toEqual(['running', 'running']);
    blocker.release(`work[${'c1'.padEnd(40, '0')}]`);
    blocker.release(`work[${'c2'.padEnd(40, '0')}]`);
    expect(await t.runtime.waitForRun(one, 15_000)).toBe('succeeded');
    expect(await t.runtime.waitForRun(two, 15_000)).toBe('succeeded');
  });

  it('stores a group name of any length bounded (it is indexed), keeping long names apart', async () => {
    // 4,000 bytes of emoji before what tells the two apart: past what an index row holds.
    const group = `${'\u{1F600}'.repeat(1_000)}\${{ event.repo.name }}`;
    const one = await start(group, false, 'octo/long-one', 'd1');
    const two = await start(group, false, 'octo/long-two', 'd2');
    await blocker.arrived(`work[${'d1'.padEnd(40, '0')}]`);
    await blocker.arrived(`work[${'d2'.padEnd(40, '0')}]`);
    expect(await statuses([one, two])).toEqual(['running', 'running']);
    const { rows } = await t.db.query<{ concurrency_group: string }>(
      'SELECT concurrency_group FROM forgeflow.runs WHERE id = ANY($1::uuid[])',
      [[one, two]],
    );
    for (const { concurrency_group: stored } of rows) {
      expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(512);
      expect(stored.startsWith('\u{1F600}'.repeat(100))).toBe(true);
    }
    for (const [id, sha] of [
      [one, 'd1'],
      [two, 'd2'],
    ] as const) {
      blocker.release(`work[${sha.padEnd(40, '0')}]`);
      expect(await t.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    }
  });
});
