/**
 * The fuzzer's sandbox: whatever a case does to its child (answer, loop forever, exhaust the
 * heap, exit, throw, die after answering), the fuzzer gets one outcome for it and the next
 * case a working child.
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Pool } from '../../fuzz/sandbox/pool.js';
import { Sandbox, type CaseRun, type ChildGone } from '../../fuzz/sandbox/sandbox.js';

const runner = fileURLToPath(new URL('./misbehaving-runner.ts', import.meta.url));
const options = { runner, init: null, timeoutMs: 1_000, heapMb: 64, rssCapMb: 1_024 };
const pidOf = (run: CaseRun) => (run.kind === 'result' ? (run.result as { pid: number }).pid : 0);

describe('Sandbox', () => {
  const sandbox = new Sandbox(options);
  // The heap explosion must end by the heap limit, not by the clock, however busy the machine.
  const patient = new Sandbox({ ...options, timeoutMs: 120_000 });
  afterAll(() => Promise.all([sandbox.stop(), patient.stop()]));

  it('runs a case in a child and answers its result and peak RSS', async () => {
    const run = await sandbox.run('hello');
    expect(run).toMatchObject({ kind: 'result', result: { echo: 'hello' } });
    expect(run.peakRssKb).toBeGreaterThan(0);
  });

  it('counts a case that never ends as a hang, and runs the next one in a fresh child', async () => {
    const before = await sandbox.run('before');
    expect(await sandbox.run('loop')).toMatchObject({ kind: 'hang' });
    const after = await sandbox.run('after');
    expect(after).toMatchObject({ kind: 'result', result: { echo: 'after' } });
    expect(pidOf(after)).not.toBe(pidOf(before));
  });

  it('counts a heap explosion as out of memory', async () => {
    expect(await patient.run('allocate')).toMatchObject({
      kind: 'out-of-memory',
      detail: expect.stringContaining('64 MB heap') as unknown,
    });
    expect(await patient.run('again')).toMatchObject({ kind: 'result' });
  });

  it('counts a child that exits as a crash', async () => {
    expect(await sandbox.run('exit')).toMatchObject({
      kind: 'crash',
      detail: expect.stringContaining('exited (3)') as unknown,
    });
    expect(await sandbox.run('then')).toMatchObject({ kind: 'result' });
  });

  it('counts a child that dies after answering as a late death of that case', async () => {
    const gone = once(sandbox, 'child-gone') as Promise<[ChildGone]>;
    expect(await sandbox.run('die-later', 7)).toMatchObject({ kind: 'result', result: 'answered' });
    expect((await gone)[0]).toMatchObject({ late: true });
    expect(sandbox.drainLateDeaths()).toEqual([
      { tag: 7, detail: expect.stringContaining('after answering') as unknown },
    ]);
    expect(await sandbox.run('next', 8)).toMatchObject({ kind: 'result' });
    expect(sandbox.drainLateDeaths()).toEqual([]);
  });

  it('reports an exception that escaped the runner', async () => {
    expect(await sandbox.run('throw')).toMatchObject({
      kind: 'thrown',
      error: expect.stringContaining('thrown by the case') as unknown,
    });
  });
});

describe('Pool', () => {
  it('tries a hang again in a fresh child before counting it; other cases go on meanwhile', async () => {
    const pool = new Pool({ ...options, timeoutMs: 300 }, 2);
    try {
      await pool.start();
      const [hang, echo] = await Promise.all([pool.run('loop'), pool.run('x')]);
      expect(hang.kind).toBe('hang');
      expect(echo).toMatchObject({ kind: 'result' });
      expect(pool.lost).toBe(2);
    } finally {
      await pool.stop();
    }
  });
});
