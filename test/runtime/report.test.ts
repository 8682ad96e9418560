/**
 * `report:` nodes: their statuses are posted through the `forge.status` handler, in order
 * (pending when scheduled, running at each attempt, the outcome at the end), also after the
 * run has ended, retried when the forge fails (a rate limit's retry_after honoured), without
 * holding the run up. Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

interface Posted {
  context: string;
  state: string;
  description: string;
  target_url: string;
}

const clock = new FakeClock();
const blocker = new Blocker();
const posted: Posted[] = [];
/** Fails the next posts with these errors, one each. */
const failures: HandlerError[] = [];
const status: Handler<Posted> = {
  spec: {
    name: 'forge.status',
    description: 'Records statuses (tests only).',
    input: { type: 'object' },
  },
  run: (input) => {
    const failure = failures.shift();
    if (failure) return Promise.reject(failure);
    posted.push(input);
    return Promise.resolve(null);
  },
};
const handlers = testHandlers(blocker, new PollCounter()).set('forge.status', status);
const t = useRuntime({ clock, handlers });

/**
 * Waits until `count` statuses were posted for `context`; the clock moves only when told. Each
 * post is pushed before its outcome is announced, so waiting for the next announcement cannot
 * miss one (waiting for the worker to be idle could: it may never be, while a node is held).
 */
async function statuses(context: string, count: number): Promise<string[]> {
  for (;;) {
    const mine = posted.filter((p) => p.context === context);
    if (mine.length >= count) return mine.map((p) => p.state);
    await t.runtime.events.next('status:finished');
  }
}

describe('reported nodes', () => {
  it('post pending, running and the outcome, in order, with a link to the run', async () => {
    const runId = await t.startRun(`  build:
    matrix: { target: [f41] }
    uses: test.wait
    report: "build:\${{ matrix.target }}"
  broken:
    uses: test.script
    with: { steps: [{ fail: { type: Boom, non_retryable: true } }] }
    report: broken
  quiet:
    uses: test.script
`);
    await blocker.arrived('build[f41]');
    expect(await statuses('build:f41', 2)).toEqual(['pending', 'running']);
    blocker.release('build[f41]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    expect(await statuses('build:f41', 3)).toEqual(['pending', 'running', 'success']);
    expect(await statuses('broken', 3)).toEqual(['pending', 'running', 'failure']);
    expect(posted.find((p) => p.context === 'broken' && p.state === 'failure')).toMatchObject({
      description: expect.stringContaining('failed: Boom') as unknown,
      target_url: `http://localhost:8080/runs/${runId}`,
    });
    expect(posted.map((p) => p.context)).not.toContain('quiet');
  });

  it('retries a failed post later, honouring a rate limit, and keeps the order', async () => {
    failures.push(
      new HandlerError('RateLimited', 'slow down', { retryAfterMs: 60_000 }),
      new HandlerError('ForgeUnavailable', '502 Bad Gateway'),
    );
    // Each post's outcome is recorded after it returns: wait for that, not for the post alone.
    // Kept from before the run exists: its first post may be recorded before startRun returns.
    const finished: { runId: string; what: string }[] = [];
    let runId = '';
    const off = t.runtime.events.on('status:finished', (e) =>
      finished.push({ runId: e.runId, what: `${e.state}:${e.outcome}` }),
    );
    const mine = () => finished.filter((f) => f.runId === runId).map((f) => f.what);
    const tries = async (count: number) => {
      while (mine().length < count)
        await t.runtime.events.next('status:finished', (e) => e.runId === runId);
      return mine();
    };
    runId = await t.startRun(`  limited:
    uses: test.script
    report: limited
`);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(await tries(1)).toEqual(['pending:retry']);
    expect(posted.filter((p) => p.context === 'limited')).toEqual([]);
    clock.advance(59_999); // not before Retry-After
    expect(posted.filter((p) => p.context === 'limited')).toEqual([]);
    clock.advance(1); // the 502: backed off a few seconds
    expect(await tries(2)).toEqual(['pending:retry', 'pending:retry']);
    clock.advance(10_000);
    expect(await tries(5)).toEqual([
      'pending:retry',
      'pending:retry',
      'pending:posted',
      'running:posted',
      'success:posted',
    ]);
    off();
    expect(await statuses('limited', 3)).toEqual(['pending', 'running', 'success']);
    const { rows } = await t.db.query(
      `SELECT * FROM forgeflow.tasks WHERE run_id = $1 AND kind = 'report'`,
      [runId],
    );
    expect(rows).toEqual([]);
  });

  it('reports canceled nodes as canceled; one canceled before it was scheduled posts nothing', async () => {
    const runId = await t.startRun(`  gate:
    wait_for: { signal: go }
    report: gate
  after:
    needs: gate
    uses: test.script
    report: after
`);
    expect(await statuses('gate', 1)).toEqual(['pending']);
    await t.runtime.cancel(runId);
    expect(await statuses('gate', 2)).toEqual(['pending', 'canceled']);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('canceled');
    // Never scheduled, so never named: as before, no status (and no "skipped" success).
    const { rows } = await t.db.query<{ status: string }>(
      `SELECT status FROM forgeflow.nodes WHERE run_id = $1 AND node_id = 'after'`,
      [runId],
    );
    expect(rows).toEqual([{ status: 'canceled' }]);
    const { rows: queued } = await t.db.query(
      `SELECT 1 FROM forgeflow.tasks WHERE run_id = $1 AND node_id = 'after'`,
      [runId],
    );
    expect(queued).toEqual([]);
    expect(posted.filter((p) => p.context === 'after')).toEqual([]);
  });

  it('post one skipped status for a node that never runs, named in its own context', async () => {
    const runId = await t.startRun(`  off:
    if: \${{ false }}
    uses: test.script
    report: off
  broken:
    uses: test.script
    with: { steps: [{ fail: { type: Boom, non_retryable: true } }] }
  after:
    needs: broken
    matrix: { target: [f41, f42] }
    uses: test.script
    report: "after:\${{ matrix.target }}"
  unreported:
    if: \${{ false }}
    uses: test.script
`);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    expect(await statuses('off', 1)).toEqual(['skipped']);
    expect(await statuses('after:f41', 1)).toEqual(['skipped']);
    expect(await statuses('after:f42', 1)).toEqual(['skipped']);
    const mine = posted.filter((p) => p.target_url === `http://localhost:8080/runs/${runId}`);
    expect(mine.find((p) => p.context === 'off')?.description).toBe(
      'skipped: "if: false" is false',
    );
    expect(mine.find((p) => p.context === 'after:f41')?.description).toMatch(
      /^skipped: a needed node did not succeed/,
    );
    expect(mine.map((p) => p.context).sort()).toEqual(['after:f41', 'after:f42', 'off']);
    const { rows } = await t.db.query<{ node_id: string; report: string | null }>(
      `SELECT node_id, report FROM forgeflow.nodes WHERE run_id = $1 AND status = 'skipped'
       ORDER BY node_id`,
      [runId],
    );
    expect(rows).toEqual([
      { node_id: 'after[f41]', report: 'after:f41' },
      { node_id: 'after[f42]', report: 'after:f42' },
      { node_id: 'off', report: 'off' },
      { node_id: 'unreported', report: null },
    ]);
  });
});
