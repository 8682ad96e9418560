/**
 * Every process killed while a timer, a poll and a wait are pending (DESIGN.md §4: "Timers and
 * backoffs are tasks with a due time: they survive restarts"; "No state lives only in a
 * worker's memory"). A worker PROCESS (fixtures/worker-process.ts, real clock) runs `setup`,
 * which starts three branches: `nap` sleeps 1h, `build` calls `effect` and then polls `status`
 * every 10m in a child run, `gate` waits for the `approve` signal. Once all three are pending
 * the process is SIGKILLed: nothing of the run is left in any process's memory. A runtime in
 * this process, on a FakeClock that starts at the real time of the restart (so the dead
 * process's due times lie ahead of it), picks the run up from the database alone: the signal
 * ends the wait, three polls end the build, the timer fires at its recorded due time, `after`
 * runs once, and nothing the dead process did is done again. The poll counts its calls in a
 * table, so "called three times in all" is counted across both processes, not inferred.
 *
 * On PGlite the child owns the data directory while it runs (see crash.test.ts): this process
 * closes its database first, and reopens the directory after the kill.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { freshPgliteDir, testBackend, testDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import { compileFor, pipeline, testRuntime, workerOptions } from '../support/runtime.js';
import {
  EFFECTS_TABLE,
  fixtureHandlers,
  POLLS_TABLE,
  spawnWorkerProcess,
  type EffectRow,
  type PollRow,
  type WorkerProcess,
} from './fixtures/worker-process.js';

const backend = testBackend();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** `status` answers `done` from this call on. */
const DONE_AFTER = 3;

const PIPELINE = pipeline(`  setup:
    uses: effect
  nap:
    needs: setup
    sleep: 1h
  build:
    needs: setup
    uses: effect
    poll:
      uses: status
      with: { key: "build-\${{ output.pid }}", done_after: ${DONE_AFTER} }
      every: 10m
      until: "\${{ output.state == 'done' }}"
  gate:
    needs: setup
    wait_for: { signal: approve }
  after:
    needs: [nap, build, gate]
    uses: effect
    with:
      echo:
        nap: "\${{ needs.nap.result }}"
        build: "\${{ needs.build.output }}"
        gate: "\${{ needs.gate.output }}"
`);

let db: Db | undefined;
let dir: string | undefined;
let runtime: Runtime | undefined;
const children: WorkerProcess[] = [];

afterAll(async () => {
  for (const child of children) await child.kill();
  try {
    if (runtime && db) await expectAllHistoriesMatch(runtime);
  } finally {
    await runtime?.stopWorkers(1_000);
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

interface TaskState {
  run_id: string;
  node_id: string;
  kind: string;
  attempt: number;
  due_at: Date;
  lease_owner: string | null;
}

async function tasks(q: Db): Promise<TaskState[]> {
  const { rows } = await q.query<TaskState>(
    'SELECT run_id, node_id, kind, attempt, due_at, lease_owner FROM forgeflow.tasks ORDER BY id',
  );
  return rows;
}

async function childRuns(q: Db, runId: string) {
  const { rows } = await q.query<{
    id: string;
    status: string;
    parent_node_id: string;
    parent_attempt: number;
  }>(
    `SELECT id, status, parent_node_id, parent_attempt FROM forgeflow.runs
     WHERE parent_run_id = $1 ORDER BY created_at`,
    [runId],
  );
  return rows;
}

describe(`every process killed while a timer, a poll and a wait are pending (${backend})`, () => {
  // Real processes: a child needs 1–3 s to start (tsx, PGlite), more on a busy machine. Inside
  // the run, time is the FakeClock's: nothing below sleeps for a timer.
  it(
    'is restarted, and the timer, the poll and the wait all complete, each exactly once',
    { timeout: 60_000 },
    async () => {
      // The database, the tables the handlers write and the run, set up from this process.
      let url: string | undefined;
      if (backend === 'pglite') {
        dir = await freshPgliteDir();
        db = await openPglite({ dataDir: dir });
      } else {
        const test = await testDb();
        db = test;
        url = test.url;
      }
      await db.exec(EFFECTS_TABLE);
      await db.exec(POLLS_TABLE);
      const graph = compileFor(PIPELINE, fixtureHandlers(db, { worker: 'none', hang: 'effect' }));
      const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
      const { runId } = await testRuntime(db).start(graph, event);
      if (backend === 'pglite') {
        await db.close(); // the child gets the directory to itself
        db = undefined;
      }

      // The child runs setup and build's first call; its transactions start the timer, the
      // wait and the polling child run. Each EVENT line is printed after its commit.
      const child = spawnWorkerProcess({ databaseUrl: url, pgliteDir: dir, printEvents: true });
      children.push(child);
      await Promise.all(
        ['EVENT timer:started nap', 'EVENT node:waiting gate', 'EVENT child:started build'].map(
          (line) => child.line(line, 30_000),
        ),
      );
      await child.kill();
      expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const childWorker = `child-${child.pid}`;

      // Restarted: the database reopened (on PGlite, the directory taken over from the dead
      // pid), and a clock at the real time of the restart.
      db ??= await openPglite({ dataDir: dir });
      const clock = new FakeClock(Date.now());
      const restartedAt = clock.now();
      runtime = testRuntime(db, { clock });

      // What the dead process committed, with nothing in flight: all three wait on a task or
      // on the signal, and no task is leased to the dead worker.
      const before = await runtime.getRun(runId);
      expect(before!.status).toBe('running');
      expect(
        Object.fromEntries(before!.nodes.map((n) => [n.node_id, [n.status, n.attempt]])),
        'the state the dead worker committed',
      ).toEqual({
        setup: ['succeeded', 1],
        nap: ['waiting', 0],
        build: ['waiting', 1],
        gate: ['waiting', 0],
        after: ['pending', 0],
      });
      for (const id of ['setup', 'build'])
        expect(
          before!.nodes.find((n) => n.node_id === id)!.attempts.map((a) => [a.status, a.worker]),
        ).toEqual([['succeeded', childWorker]]);
      const [poller, ...more] = await childRuns(db, runId);
      expect(more, 'one polling child run').toEqual([]);
      expect(poller).toMatchObject({
        status: 'running',
        parent_node_id: 'build',
        parent_attempt: 1,
      });
      const pollRun = await runtime.getRun(poller!.id);
      expect(pollRun!.nodes.map((n) => [n.node_id, n.status, n.attempt, n.attempts])).toEqual([
        ['poll', 'scheduled', 1, []],
      ]);
      const pending = await tasks(db);
      expect(
        pending.map((t) => [t.run_id, t.node_id, t.kind, t.attempt, t.lease_owner]),
        'the timer and the first poll, queued; the wait needs no task',
      ).toEqual(
        expect.arrayContaining([
          [runId, 'nap', 'timer', 0, null],
          [poller!.id, 'poll', 'attempt', 1, null],
        ]),
      );
      expect(pending).toHaveLength(2);
      const napDue = pending.find((t) => t.node_id === 'nap')!.due_at.getTime();
      const pollDue = pending.find((t) => t.node_id === 'poll')!.due_at.getTime();
      // Due by the dead process's clock: still ahead of the restart, by less than their wait.
      expect(napDue).toBeGreaterThan(restartedAt);
      expect(napDue).toBeLessThanOrEqual(restartedAt + HOUR);
      expect(pollDue).toBeGreaterThan(restartedAt);
      expect(pollDue).toBeLessThanOrEqual(restartedAt + 10 * MINUTE);
      const { rows: effectsBefore } = await db.query<EffectRow>(
        'SELECT * FROM test_effects WHERE run_id = $1 ORDER BY at',
        [runId],
      );
      expect(effectsBefore.map((e) => [e.node_id, e.pid])).toEqual([
        ['setup', child.pid],
        ['build', child.pid],
      ]);
      expect((await db.query('SELECT * FROM test_polls')).rows, 'no poll call yet').toEqual([]);

      // The wait: the signal reaches the node the dead process left waiting (delivering it
      // takes no worker).
      expect(await runtime.signal(runId, 'approve', { by: 'octocat' })).toEqual({
        outcome: 'delivered',
        node: 'gate',
      });

      // A worker in this process, running the very same handlers. It finds nothing due yet and
      // goes to sleep on the clock before the clock first moves.
      const idle = runtime.events.next('worker:idle');
      await runtime
        .createWorker(
          workerOptions(fixtureHandlers(db, { worker: 'survivor', hang: 'effect' }), {
            id: 'survivor',
            pollMs: HOUR,
          }),
        )
        .start();
      await idle;

      // The poll: 10 minutes per call; the third answers `done` and ends the child run.
      for (let call = 1; call < DONE_AFTER; call++) {
        const polled = runtime.events.next('node:polled', (e) => e.runId === poller!.id);
        clock.advance(10 * MINUTE);
        expect((await polled).polls).toBe(call);
      }
      const built = runtime.events.next('child:completed', (e) => e.runId === runId);
      clock.advance(10 * MINUTE);
      expect(await built).toMatchObject({ nodeId: 'build', status: 'succeeded' });

      // The timer: it fires when the clock reaches the due time the dead process recorded;
      // then `after` runs and the run ends.
      expect(clock.now()).toBeLessThan(napDue);
      const fired = runtime.events.next('timer:fired', (e) => e.runId === runId);
      const finished = runtime.events.next('run:finished', (e) => e.runId === runId);
      clock.advance(napDue - clock.now());
      expect(await fired).toMatchObject({ nodeId: 'nap' });
      expect((await finished).status).toBe('succeeded');

      // Everything ran exactly once in all, each where it should have.
      const { rows: effects } = await db.query<EffectRow>(
        'SELECT * FROM test_effects WHERE run_id = $1 ORDER BY at',
        [runId],
      );
      expect(effects.map((e) => [e.node_id, e.pid, e.worker])).toEqual([
        ['setup', child.pid, childWorker],
        ['build', child.pid, childWorker],
        ['after', process.pid, 'survivor'],
      ]);
      const { rows: polls } = await db.query<PollRow>(
        'SELECT key, call, run_id, attempt, pid, worker FROM test_polls ORDER BY call',
      );
      const key = `build-${child.pid}`; // evaluated by the dead process from build's first call
      expect(polls.map((p) => [p.key, p.call, p.run_id, p.attempt, p.pid])).toEqual([
        [key, 1, poller!.id, 1, process.pid],
        [key, 2, poller!.id, 2, process.pid],
        [key, 3, poller!.id, 3, process.pid],
      ]);

      const run = (await runtime.getRun(runId))!;
      const node = (id: string) => run.nodes.find((n) => n.node_id === id)!;
      expect(Object.fromEntries(run.nodes.map((n) => [n.node_id, n.status]))).toEqual({
        setup: 'succeeded',
        nap: 'succeeded',
        build: 'succeeded',
        gate: 'succeeded',
        after: 'succeeded',
      });
      const built3 = { key, polls: DONE_AFTER, state: 'done' };
      expect(node('build').output).toEqual(built3);
      expect(node('gate').output).toEqual({ by: 'octocat' });
      expect(node('after').output).toEqual({
        pid: process.pid,
        echo: { nap: 'success', build: built3, gate: { by: 'octocat' } },
      });
      expect(node('after').attempts.map((a) => [a.attempt, a.status, a.worker])).toEqual([
        [1, 'succeeded', 'survivor'],
      ]);
      // build's first call was not repeated: its one attempt is the dead worker's.
      expect(node('build').attempts.map((a) => [a.attempt, a.status, a.worker])).toEqual([
        [1, 'succeeded', childWorker],
      ]);

      const history = await runtime.history(runId, { limit: 10_000 });
      const of = (...types: string[]) => history.filter((e) => types.includes(e.type));
      expect(of('TimerStarted', 'TimerFired').map((e) => [e.type, e.node_id])).toEqual([
        ['TimerStarted', 'nap'],
        ['TimerFired', 'nap'],
      ]);
      expect(of('TimerStarted')[0]!.data).toEqual({ fire_at: new Date(napDue).toISOString() });
      expect(new Date(of('TimerFired')[0]!.at).getTime()).toBe(napDue);
      expect(of('ChildRunStarted', 'ChildRunCompleted')).toMatchObject([
        { type: 'ChildRunStarted', node_id: 'build', data: { child_run_id: poller!.id } },
        {
          type: 'ChildRunCompleted',
          node_id: 'build',
          data: { child_run_id: poller!.id, status: 'succeeded', runs: 1 },
        },
      ]);
      expect(of('SignalReceived')).toMatchObject([
        { data: { name: 'approve', delivered_to: 'gate' } },
      ]);
      expect(of('NodeCompleted').map((e) => e.node_id)).toEqual(
        expect.arrayContaining(['setup', 'nap', 'build', 'gate', 'after']),
      );
      expect(of('NodeCompleted')).toHaveLength(5);
      expect(of('LateCompletionFenced', 'NodeTimedOut', 'NodeRetryScheduled')).toEqual([]);

      const pollHistory = await runtime.history(poller!.id, { limit: 10_000 });
      expect(
        pollHistory
          .filter((e) => e.type.startsWith('Node') || e.type.startsWith('Run'))
          .map((e) => [e.type, e.attempt]),
      ).toEqual([
        ['RunStarted', null],
        ['NodeScheduled', 1],
        ['NodeStarted', 1],
        ['NodePolled', 1],
        ['NodeStarted', 2],
        ['NodePolled', 2],
        ['NodeStarted', 3],
        ['NodeCompleted', 3],
        ['RunCompleted', null],
      ]);
      expect((await childRuns(db, runId)).map((c) => c.status)).toEqual(['succeeded']);
      expect(await tasks(db), 'no task left behind').toEqual([]);
    },
  );
});
