/**
 * (Postgres: needs two transactions at once) claim() locks the runs of its batch in id
 * order (lockRuns), not parents before children. When one batch holds due tasks of a polling
 * child C and of its parent P, and C's id sorts before P's, the claim locks C then P. A cancel
 * of P (like a signal for poll.signal, or P's deadline) that locked P then C would deadlock
 * with it; it must lock P only (the child is told through a task).
 *
 * A third connection holding C's row for a moment lines the two up; without it the same
 * interleaving happens whenever the two transactions meet.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { claim } from '../../src/runtime/claim.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { RuntimeEvent } from '../../src/runtime/events.js';
import { useRuntime } from '../support/use-runtime.js';
import { PollCounter, testHandlers } from '../support/runtime.js';

const clock = new FakeClock();
const handlers = testHandlers(undefined, new PollCounter());
const t = useRuntime({ clock, handlers });

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

async function lockWaiters(): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0]?.n ?? 0;
}

async function untilWaiters(n: number): Promise<void> {
  for (let i = 0; i < 500 && (await lockWaiters()) < n; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(await lockWaiters()).toBeGreaterThanOrEqual(n);
}

describe('claim lock order', () => {
  it('a claim holding a child and its parent does not deadlock with a cancel of the parent', async () => {
    // A parent whose polling child's id sorts before its own (one try in two).
    let parent = '';
    let child = '';
    for (let i = 0; i < 20 && !(child && child < parent); i++) {
      if (parent) {
        await t.runtime.cancel(parent);
        await t.runtime.waitForRun(parent, 5_000);
      }
      const started = nextEvent((e) => e.type === 'child:started');
      parent = await t.startRun(`  build:
    uses: test.script
    with: { echo: x }
    poll:
      uses: test.poll
      with: { key: "lock-order-${i}", done_after: 1000 }
      every: 1m
      until: "\${{ output.state == 'done' }}"
  nap: { sleep: 1h }
`);
      child = ((await started) as { childRunId: string }).childRunId;
    }
    expect(child < parent).toBe(true);
    // From here on this test claims by hand: the child's poll call and the parent's timer fall due.
    await t.runtime.stopWorkers(0);
    clock.advance(3_600_000);

    const gate = new pg.Client({ connectionString: t.db.url });
    await gate.connect();
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT 1 FROM forgeflow.runs WHERE id = $1 FOR UPDATE', [child]);
      // The claim leases both tasks and locks [child, parent] in id order: it waits at the child.
      const claimed = claim(t.runtime.engine, 'hand-worker', 5);
      await untilWaiters(1);
      // The cancel locks the parent only (its child learns through a task): it finishes while
      // the child's row is still held, instead of waiting for it behind the claim.
      const canceled = t.runtime.cancel(parent);
      await expect(canceled).resolves.toMatchObject({ outcome: 'canceled' });
      await gate.query('ROLLBACK');
      const [c, k] = await Promise.allSettled([claimed, canceled]);
      expect([c, k].filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual(
        [],
      );
      expect((c as PromiseFulfilledResult<{ taken: number }>).value.taken).toBe(2);
    } finally {
      await gate.end();
    }
  });
});
