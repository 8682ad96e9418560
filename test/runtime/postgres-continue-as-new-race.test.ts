/**
 * (Postgres: needs two transactions at once) a parent that stops or signals its polling
 * child while that child is continuing as new.
 *
 * The child C1's report transaction (holding C1's lock) creates C2 and ends C1 `continued`. A
 * parent transaction that reads "active children of the node" before that commit finds only
 * C1. Its cancel or signal for C1 must still reach C2, which its snapshot never saw:
 *  - cancel: else the parent ends canceled while C2 keeps polling (for ever without a timeout);
 *  - poll.signal: else the signal is lost and the poll goes on.
 *
 * The interleaving is forced by pausing C1's transaction just before it commits (at the
 * `forgeflow_runs` NOTIFY it sends last, naming the runs it ended), then starting the parent's
 * transaction.
 */
import { describe, expect, it } from 'vitest';
import type { Db, Tx } from '../../src/db/db.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { RuntimeEvent } from '../../src/runtime/events.js';
import { useRuntime } from '../support/use-runtime.js';
import { PollCounter, testHandlers } from '../support/runtime.js';

const clock = new FakeClock();
const counter = new PollCounter();
const handlers = testHandlers(undefined, counter);
const t = useRuntime({ clock, handlers, settings: { pollsPerRun: 2 } });

function nextEvent(match: (e: RuntimeEvent) => boolean): Promise<RuntimeEvent> {
  return new Promise((resolve) => {
    const off = t.runtime.events.onAny((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}

/** Pauses the transaction that ends `runId` continued, just before it commits. */
function pauseContinue(runId: string) {
  const real = t.runtime.engine.db;
  let reached!: () => void;
  const atGate = new Promise<void>((r) => (reached = r));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const wrapped: Db = {
    kind: real.kind,
    query: (sql, params) => real.query(sql, params),
    exec: (sql) => real.exec(sql),
    listen: (channel, fn) => real.listen(channel, fn),
    close: () => real.close(),
    tx: (fn) =>
      real.tx((q) => {
        const tx: Tx = {
          exec: (sql) => q.exec(sql),
          async query(sql, params) {
            const result = await q.query(sql, params);
            if (
              sql.includes("pg_notify('forgeflow_runs'") &&
              (params?.[0] as string[] | undefined)?.includes(`${runId}:continued`)
            ) {
              reached();
              await gate;
            }
            return result as never;
          },
        };
        return fn(tx);
      }),
  };
  (t.runtime.engine as { db: Db }).db = wrapped;
  return {
    atGate,
    release: () => {
      (t.runtime.engine as { db: Db }).db = real;
      open();
    },
  };
}

async function pollingParent(key: string, signal = '') {
  const started = nextEvent((e) => e.type === 'child:started');
  const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: ${key} }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 1000 }
      every: 1m
      until: "\${{ output.state == 'done' }}"${signal ? `\n      signal: ${signal}` : ''}
`);
  const child = ((await started) as { childRunId: string }).childRunId;
  const polled = nextEvent((e) => e.type === 'node:polled' && e.runId === child);
  clock.advance(60_000);
  await polled;
  return { runId, child };
}

const activeChildren = async (runId: string) =>
  (
    await t.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM forgeflow.runs WHERE parent_run_id = $1 AND status IN ('queued', 'running')`,
      [runId],
    )
  ).rows;

describe('parent acting while its child continues as new', () => {
  it('cancel: no polling child is left running after the parent is canceled', async () => {
    const { runId, child } = await pollingParent('cancel-race');
    const pause = pauseContinue(child);
    const continued = nextEvent((e) => e.type === 'run:continued' && e.runId === child);
    clock.advance(60_000); // poll 2 of 2: C1 continues as new, and pauses before commit
    await pause.atGate;
    // The parent sees only C1 (C2 is not committed): it queues C1's cancel and is done.
    const cancel = await t.runtime.cancel(runId);
    pause.release();
    const { nextRunId } = (await continued) as { nextRunId: string };
    expect(cancel).toMatchObject({ outcome: 'canceled', status: 'canceled' });
    // C1's cancel, finding C1 continued, goes on to C2.
    expect(await t.runtime.waitForRun(nextRunId, 15_000)).toBe('canceled');
    expect(await activeChildren(runId)).toEqual([]);
  });

  it('poll.signal: a signal sent during the rollover still ends the poll', async () => {
    const { runId, child } = await pollingParent('signal-race', 'finished');
    const pause = pauseContinue(child);
    const continued = nextEvent((e) => e.type === 'run:continued' && e.runId === child);
    clock.advance(60_000);
    await pause.atGate;
    const result = await t.runtime.signal(runId, 'finished', { state: 'done-by-signal' });
    pause.release();
    await continued;
    expect(result).toMatchObject({ outcome: 'delivered', node: 'build', childRunId: child });
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect((await t.nodesOf(runId)).build?.output).toEqual({ state: 'done-by-signal' });
  });
});
