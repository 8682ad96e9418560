/**
 * Retention (issue 19): finished runs past their status's age are deleted with every row that
 * hangs off them, child runs with their top-level run only, a batch at a time; unfinished and
 * recent runs stay, and a worker running other runs meanwhile is not disturbed. The background
 * pruner takes one turn per period among many processes. Both backends; the clock is a
 * FakeClock, nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, type Retention } from '../../src/contracts/retention.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { pruneRunBatch } from '../../src/runtime/prune-runs.js';
import { runtimePruneSteps, type PruneCounts } from '../../src/runtime/prune-steps.js';
import { Pruner } from '../../src/runtime/pruner.js';
import { prunedRun } from '../../src/runtime/tombstones.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const DAY = 86_400_000;
const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
const blocker = new Blocker();
const counter = new PollCounter();
const t = useRuntime({
  clock,
  handlers: testHandlers(blocker, counter),
  settings: { pollsPerRun: 2 },
});

/** The run-scoped tables, and the column that names the run. */
const TABLES = [
  ['runs', 'id'],
  ['run_specs', 'run_id'],
  ['nodes', 'run_id'],
  ['attempts', 'run_id'],
  ['tasks', 'run_id'],
  ['history', 'run_id'],
  ['signals', 'run_id'],
  ['node_log_totals', 'run_id'],
  ['node_logs', 'run_id'],
] as const;

/** Rows of each run-scoped table that belong to these runs. */
async function rowsOf(ids: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, column] of TABLES) {
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.${table} WHERE ${column} = ANY($1::uuid[])`,
      [ids],
    );
    counts[table] = rows[0]?.n ?? 0;
  }
  return counts;
}

async function familyOf(runId: string): Promise<string[]> {
  const { rows } = await t.db.query<{ id: string }>(
    'SELECT id FROM forgeflow.runs WHERE id = $1 OR parent_run_id = $1',
    [runId],
  );
  return rows.map((r) => r.id);
}

async function graphExists(runId: string): Promise<string> {
  const { rows } = await t.db.query<{ graph_hash: string }>(
    'SELECT graph_hash FROM forgeflow.runs WHERE id = $1',
    [runId],
  );
  return rows[0]!.graph_hash;
}

async function graphCount(hash: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.graphs WHERE hash = $1',
    [hash],
  );
  return rows[0]!.n;
}

async function finish(jobs: string, top = ''): Promise<string> {
  let id = '';
  const finished = t.runtime.events.next('run:finished', (e) => e.runId === id);
  id = await t.startRun(jobs, top);
  await finished;
  return id;
}

function retention(runs: Partial<Retention['runs']>): Retention {
  return { ...DEFAULT_RETENTION, runs: { ...DEFAULT_RETENTION.runs, ...runs } };
}

function pruner(ret: Retention, batch = 200): Pruner {
  return new Pruner({ db: t.db, clock, steps: runtimePruneSteps(t.db, ret), batch });
}

const SCRIPT = '  a: { uses: test.script }\n';
const FAILING =
  '  a: { uses: test.script, with: { steps: [{ fail: { type: Nope, non_retryable: true } }] } }\n';

/** Job `build`: a first call, then a polling child run every 30 s, done at poll `doneAfter`. */
function polling(key: string, doneAfter: number, needs?: string): string {
  return `  build:${needs ? `\n    needs: ${needs}` : ''}
    uses: test.script
    with: { echo: { id: ${key} } }
    poll:
      uses: test.poll
      with: { key: "\${{ output.id }}", done_after: ${doneAfter} }
      every: 30s
      until: "\${{ output.state == 'done' }}"
`;
}

/** Prunes every finished run (and tombstone) there is, so a test counts only its own. */
async function clearAll(): Promise<void> {
  clock.advance(1);
  const none = { succeeded: 0, failed: 0, canceled: 0, timed_out: 0 };
  await pruner({ ...retention(none), tombstones: 0 }).pruneAll();
}

describe('pruning finished runs', () => {
  it('deletes a run past its age with its children, logs, signals and graphs; keeps the rest', async () => {
    // One run touching every run-scoped table: a signal, an exec log, a polling child run.
    let full = '';
    const polled = t.runtime.events.next('child:started', (e) => e.runId === full);
    const fullDone = t.runtime.events.next('run:finished', (e) => e.runId === full);
    full = await t.startRun(`  approve:
    wait_for: { signal: approve }
  say:
    needs: approve
    uses: exec
    with: { command: [echo, hello] }
${polling('retained', 1, 'say')}`);
    await t.runtime.signal(full, 'approve', { by: 'octocat' });
    await polled;
    clock.advance(30_000);
    expect(await fullDone).toMatchObject({ status: 'succeeded' });
    const failed = await finish(FAILING);
    const fullFamily = await familyOf(full);
    expect(fullFamily).toHaveLength(2);
    const before = await rowsOf(fullFamily);
    for (const table of ['run_specs', 'nodes', 'attempts', 'history', 'signals', 'node_logs'])
      expect(before[table], table).toBeGreaterThan(0);
    const failedRows = await rowsOf([failed]);
    const fullGraph = await graphExists(full);

    // Two days on: succeeded runs are kept a day, failed ones three.
    clock.advance(2 * DAY);
    // Held by the worker while the pruner works: running, its attempt's task leased.
    const held = await t.startRun('  hold: { uses: test.wait }\n');
    await blocker.arrived('hold');
    const heldRows = await rowsOf([held]);
    const ret = retention({ succeeded: DAY, failed: 3 * DAY, canceled: DAY, timed_out: DAY });
    const counts = await pruner(ret).pruneAll();
    expect(counts).toMatchObject({ runs: 1, child_runs: 1, graphs: 2, tombstones: 0 });
    expect(Object.values(await rowsOf(fullFamily))).toEqual(TABLES.map(() => 0));
    expect(await graphCount(fullGraph)).toBe(0);
    expect(await rowsOf([failed])).toEqual(failedRows);
    expect(await rowsOf([held])).toEqual(heldRows);
    expect(await prunedRun(t.db, full)).toMatchObject({
      id: full,
      status: 'succeeded',
      repo: 'octo/app',
      pruned_at: new Date(clock.now()),
    });
    // The worker never noticed: the held attempt finishes its run.
    const heldDone = t.runtime.events.next('run:finished', (e) => e.runId === held);
    blocker.release('hold');
    expect(await heldDone).toMatchObject({ status: 'succeeded' });

    // Two more: the failed run goes too (and the held one, finished two days before).
    clock.advance(2 * DAY);
    expect(await pruner(ret).pruneAll()).toMatchObject({ runs: 2, child_runs: 0 });
    expect(Object.values(await rowsOf([failed, held]))).toEqual(TABLES.map(() => 0));
    expect(await prunedRun(t.db, failed)).toMatchObject({ status: 'failed' });
  });

  it('keeps forever what is kept forever, and tombstones past their own age go', async () => {
    await clearAll();
    const kept = await finish(SCRIPT);
    const gone = await finish(FAILING);
    clock.advance(100 * DAY);
    // Succeeded runs kept forever; failed ones the default 90 days.
    const forever = retention({ succeeded: null });
    expect(await pruner(forever).pruneAll()).toMatchObject({ runs: 1, tombstones: 0 });
    expect(await rowsOf([kept])).toMatchObject({ runs: 1, nodes: 1 });
    expect(await prunedRun(t.db, gone)).toBeDefined();
    clock.advance(366 * DAY);
    expect(await pruner(forever).pruneAll()).toMatchObject({ runs: 0, tombstones: 1 });
    expect(await prunedRun(t.db, gone)).toBeUndefined();
    expect(await rowsOf([kept])).toMatchObject({ runs: 1, nodes: 1 });
  });

  it('deletes a bounded batch per transaction: the next call deletes the rest', async () => {
    await clearAll();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await finish(SCRIPT));
    clock.advance(100 * DAY);
    const cutoffs = { succeeded: new Date(clock.now() - DAY) };
    const now = new Date(clock.now());
    expect(await pruneRunBatch(t.db, cutoffs, now, 2)).toMatchObject({
      pruned: { runs: 2 },
      more: true,
    });
    expect(await pruneRunBatch(t.db, cutoffs, now, 2)).toMatchObject({
      pruned: { runs: 2 },
      more: true,
    });
    expect(await pruneRunBatch(t.db, cutoffs, now, 2)).toMatchObject({
      pruned: { runs: 1 },
      more: false,
    });
    expect(await rowsOf(ids)).toMatchObject({ runs: 0, history: 0 });
    // The oldest first.
    expect(await prunedRun(t.db, ids[0]!)).toBeDefined();
  });

  it('prunes a child run only with its top-level run, and no run with an unfinished child', async () => {
    await clearAll();
    // pollsPerRun 2: the first child continues as new after two polls, its parent still waiting.
    let parent = '';
    const started = t.runtime.events.next('child:started', (e) => e.runId === parent);
    parent = await t.startRun(polling('long', 100));
    await started;
    const polled = t.runtime.events.next('node:polled', () => true);
    clock.advance(30_000);
    await polled;
    const continued = t.runtime.events.next('run:continued', () => true);
    clock.advance(30_000);
    await continued;
    const family = await familyOf(parent);
    const { rows } = await t.db.query<{ status: string }>(
      'SELECT status FROM forgeflow.runs WHERE parent_run_id = $1 ORDER BY created_at',
      [parent],
    );
    expect(rows.map((r) => r.status)).toEqual(['continued', 'running']);
    clock.advance(100 * DAY);
    const all = retention({ succeeded: DAY, failed: DAY, canceled: DAY, timed_out: DAY });
    await pruner(all).pruneAll();
    expect(await rowsOf(family)).toMatchObject({ runs: family.length });

    // Canceled: parent and children end, and go together.
    const { rows: running } = await t.db.query<{ id: string }>(
      "SELECT id FROM forgeflow.runs WHERE parent_run_id = $1 AND status = 'running'",
      [parent],
    );
    const ended = Promise.all(
      [parent, ...running.map((r) => r.id)].map((id) =>
        t.runtime.events.next('run:finished', (e) => e.runId === id),
      ),
    );
    await t.runtime.cancel(parent);
    await ended;
    const whole = await familyOf(parent);
    // A finished parent whose child is (made) unfinished stays.
    const child = whole.find((id) => id !== parent)!;
    const { rows: statuses } = await t.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM forgeflow.runs WHERE parent_run_id = $1',
      [parent],
    );
    const childStatus = statuses.find((s) => s.id === child)!.status;
    await t.db.query("UPDATE forgeflow.runs SET status = 'running' WHERE id = $1", [child]);
    clock.advance(2 * DAY);
    expect(await pruner(all).pruneAll()).toMatchObject({ runs: 0 });
    await t.db.query('UPDATE forgeflow.runs SET status = $2 WHERE id = $1', [child, childStatus]);
    expect(await pruner(all).pruneAll()).toMatchObject({ runs: 1, child_runs: whole.length - 1 });
    expect(Object.values(await rowsOf(whole))).toEqual(TABLES.map(() => 0));
  });

  it('keeps a graph another run still uses', async () => {
    await clearAll();
    const first = await finish(SCRIPT);
    clock.advance(5 * DAY);
    const second = await finish(SCRIPT);
    const hash = await graphExists(first);
    expect(await graphExists(second)).toBe(hash);
    clock.advance(2 * DAY);
    const ret = retention({ succeeded: 3 * DAY });
    expect(await pruner(ret).pruneAll()).toMatchObject({ runs: 1, graphs: 0 });
    expect(await graphCount(hash)).toBe(1);
    clock.advance(5 * DAY);
    expect(await pruner(ret).pruneAll()).toMatchObject({ runs: 1, graphs: 1 });
    expect(await graphCount(hash)).toBe(0);
  });

  it('starts and finishes runs while pruning many', async () => {
    await clearAll();
    for (let i = 0; i < 12; i++) await finish(SCRIPT);
    clock.advance(100 * DAY);
    const ret = retention({ succeeded: DAY });
    const [counts, fresh] = await Promise.all([
      pruner(ret, 3).pruneAll(),
      finish('  x: { uses: test.script, with: { echo: fresh } }\n'),
    ]);
    expect(counts.runs).toBe(12);
    expect((await t.nodesOf(fresh)).x?.output).toBe('fresh');
    expect(await rowsOf([fresh])).toMatchObject({ runs: 1, nodes: 1 });
  });
});

describe('the background pruner', () => {
  it('takes one turn per period across processes, on the injected clock', async () => {
    await clearAll();
    for (let i = 0; i < 3; i++) await finish(SCRIPT);
    clock.advance(100 * DAY);
    const ret = retention({ succeeded: DAY });
    const turns: [string, PruneCounts][] = [];
    let turned!: () => void;
    let next = new Promise<void>((resolve) => (turned = resolve));
    const make = (id: string) =>
      new Pruner({
        db: t.db,
        clock,
        steps: runtimePruneSteps(t.db, ret),
        everyMs: 3_600_000,
        random: () => 0,
        id,
        onTurn: (counts) => {
          turns.push([id, counts]);
          turned();
        },
      });
    const one = make('one');
    const two = make('two');
    // The chore is due at once (never done): one of the two takes it.
    one.start();
    two.start();
    try {
      await next;
      expect(turns).toHaveLength(1);
      expect(turns[0]![1]).toMatchObject({ runs: 3 });
      const { rows } = await t.db.query<{ due_at: Date; claimed_by: string }>(
        "SELECT due_at, claimed_by FROM forgeflow.chores WHERE name = 'prune'",
      );
      expect(rows[0]!.due_at.getTime()).toBe(clock.now() + 3_600_000);
      // A finished run an hour and more than a day later goes in the next turn, taken once.
      const later = await finish(SCRIPT);
      next = new Promise<void>((resolve) => (turned = resolve));
      clock.advance(DAY + 3_600_000);
      await next;
      expect(turns).toHaveLength(2);
      expect(turns[1]![1]).toMatchObject({ runs: 1 });
      expect(await prunedRun(t.db, later)).toBeDefined();
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
