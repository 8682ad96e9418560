/**
 * Cancel: waiting nodes are canceled at once, a running `exec` is aborted and its whole
 * process group killed, a handler that ignores its AbortSignal is let go after the grace
 * period, child runs are canceled with their parent, `always()` cleanup still runs, and
 * cancelling a finished run is a no-op that says so. Clock injected; runs on both backends.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';
import { Blocker, PollCounter, stubbornHandler, testHandlers } from '../support/runtime.js';

const GRACE_MS = 30_000;
const clock = new FakeClock();
const blocker = new Blocker();
/** Told of each call of the stubborn handler. */
let onStubborn: (signal: AbortSignal) => void = () => undefined;
const handlers = testHandlers(blocker, new PollCounter()).set(
  'test.stubborn',
  stubbornHandler((signal) => onStubborn(signal)),
);
const dir = mkdtempSync(join(tmpdir(), 'forgeflow-cancel-'));

const t = useRuntime({
  clock,
  handlers,
  settings: { abortGraceMs: GRACE_MS },
  worker: { concurrency: 8 },
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for a real process to write its pid (a process, not a timer: real time is right here). */
async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 500 && !(existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return Number(readFileSync(file, 'utf8').trim());
}

/**
 * Live processes of a process group, read from /proc (Linux). Zombies do not count: they are
 * dead, waiting to be reaped, and a container's init may never reap the orphans it adopts.
 */
function groupAlive(pgid: number): boolean {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return false; // gone meanwhile
      }
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    });
}

describe('cancel', () => {
  it('kills the process group of a running exec and ends the run canceled', async () => {
    const pidFile = join(dir, 'exec.pid');
    const runId = await t.startRun(`  build:
    uses: exec
    with:
      command: [sh, -c, 'sleep 300 & echo $$ > "$0"; wait', "${pidFile}"]
  after:
    needs: build
    uses: test.script
`);
    const pgid = await pidFrom(pidFile);
    expect(groupAlive(pgid)).toBe(true);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    expect(await t.runtime.cancel(runId, 'superseded')).toEqual({
      outcome: 'canceling',
      status: 'running',
    });
    expect((await finished).status).toBe('canceled');
    expect(groupAlive(pgid)).toBe(false);
    const nodes = await t.nodesOf(runId);
    expect(nodes.build).toMatchObject({ status: 'canceled' });
    expect(nodes.build?.attempts).toMatchObject([{ status: 'canceled' }]);
    expect(nodes.after?.status).toBe('canceled');
    const history = await t.runtime.history(runId);
    expect(history.map((e) => e.type)).toEqual(
      expect.arrayContaining(['CancelRequested', 'NodeCanceled', 'RunCanceled']),
    );
    expect(history.find((e) => e.type === 'CancelRequested')?.data).toEqual({
      reason: 'superseded',
      status: 'canceled',
    });
    expect(history.at(-1)?.type).toBe('RunCanceled');
  });

  it('cancels timers, signal waits and pending nodes at once when nothing runs', async () => {
    const runId = await t.startRun(`  nap:
    sleep: 7d
  gate:
    wait_for: { signal: approve, timeout: 1d }
  later:
    needs: [nap, gate]
    uses: test.script
`);
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    expect(await t.runtime.cancel(runId)).toEqual({ outcome: 'canceled', status: 'canceled' });
    expect((await finished).status).toBe('canceled');
    expect(Object.values(await t.nodesOf(runId)).map((n) => n.status)).toEqual([
      'canceled',
      'canceled',
      'canceled',
    ]);
    const { rows } = await t.db.query('SELECT * FROM forgeflow.tasks WHERE run_id = $1', [runId]);
    expect(rows).toEqual([]);
    clock.advance(8 * 86_400_000); // the timers are gone: nothing fires
    expect((await t.runtime.getRun(runId))?.status).toBe('canceled');
  });

  it('still runs always() and cancelled() cleanup, and nothing else', async () => {
    const runId = await t.startRun(`  work:
    uses: test.wait
  next:
    needs: work
    uses: test.script
  cleanup:
    needs: work
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.work.result }}" }
  on_cancel:
    needs: work
    if: \${{ cancelled() }}
    uses: test.script
    with: { echo: cancelled }
`);
    await blocker.arrived('work');
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    await t.runtime.cancel(runId);
    expect((await finished).status).toBe('canceled');
    const nodes = await t.nodesOf(runId);
    expect(nodes.work?.status).toBe('canceled');
    expect(nodes.next?.status).toBe('canceled');
    expect(nodes.cleanup).toMatchObject({ status: 'succeeded', output: 'cancelled' });
    expect(nodes.on_cancel).toMatchObject({ status: 'succeeded', output: 'cancelled' });
  });

  it('lets a handler that ignores its AbortSignal go after the grace period', async () => {
    let called!: (signal: AbortSignal) => void;
    const call = new Promise<AbortSignal>((resolve) => (called = resolve));
    onStubborn = called;
    const runId = await t.startRun(`  stuck:
    uses: test.stubborn
`);
    const signal = await call;
    await t.runtime.cancel(runId);
    // The cancel reaches the worker (NOTIFY), which aborts the handler.
    await new Promise((resolve) =>
      signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve),
    );
    expect((await t.runtime.getRun(runId))?.status).toBe('running'); // waiting for the handler
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    clock.advance(GRACE_MS);
    expect((await finished).status).toBe('canceled');
    expect((await t.nodesOf(runId)).stuck?.attempts).toMatchObject([{ status: 'canceled' }]);
  });

  it('cancels the polling child run with its parent', async () => {
    const child = t.runtime.events.next('child:started');
    const runId = await t.startRun(`  build:
    uses: test.script
    with: { echo: cancel-me }
    poll:
      uses: test.poll
      with: { key: "\${{ output }}", done_after: 100 }
      every: 1m
      until: "\${{ output.state == 'done' }}"
`);
    const { childRunId } = await child;
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    await t.runtime.cancel(runId);
    expect((await finished).status).toBe('canceled');
    // The child learns of it through a task of its own: it ends canceled right after.
    expect(await t.runtime.waitForRun(childRunId, 15_000)).toBe('canceled');
    expect((await t.nodesOf(runId)).build?.status).toBe('canceled');
  });

  it('is a no-op on a finished run, and says so', async () => {
    const runId = await t.startRun('  quick:\n    uses: test.script\n');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const before = await t.runtime.history(runId);
    expect(await t.runtime.cancel(runId)).toEqual({
      outcome: 'already-finished',
      status: 'succeeded',
    });
    expect(await t.runtime.history(runId)).toEqual(before);
    expect(await t.runtime.cancel('00000000-0000-4000-8000-000000000000')).toBe(undefined);
  });

  it('says so when the run is already being canceled', async () => {
    // A handler that ignores the abort keeps the run canceling until the grace period ends
    // (the injected clock's): with one that obeyed, a slow second cancel could find the run
    // already finished (once seen under load).
    let called!: (signal: AbortSignal) => void;
    const call = new Promise<AbortSignal>((resolve) => (called = resolve));
    onStubborn = called;
    const runId = await t.startRun('  held:\n    uses: test.stubborn\n');
    const signal = await call;
    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    const [first, second] = await Promise.all([t.runtime.cancel(runId), t.runtime.cancel(runId)]);
    expect([first?.outcome, second?.outcome].sort()).toEqual(['already-canceling', 'canceling']);
    expect((await t.runtime.cancel(runId))?.outcome).toBe('already-canceling');
    await new Promise((resolve) =>
      signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve),
    );
    clock.advance(GRACE_MS);
    expect((await finished).status).toBe('canceled');
  });
});
