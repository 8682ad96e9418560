/**
 * A worker stopped while a handler ignores its AbortSignal (what `forgeflow run` does when it is
 * left at a second Ctrl-C) lets that attempt go: no timer of it keeps the process alive and
 * nothing is written for it afterwards; its lease lapses and a sweeper ends it. And waitForRun
 * stops waiting when its caller gives up. Clock injected; runs on both backends.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/runtime/clock.js';
import { sweep } from '../../src/runtime/sweep.js';
import { stubbornHandler, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const GRACE_MS = 3_600_000;
const clock = new FakeClock();
let onStubborn: (signal: AbortSignal) => void = () => undefined;
const t = useRuntime({
  clock,
  handlers: testHandlers().set(
    'test.stubborn',
    stubbornHandler((signal) => onStubborn(signal)),
  ),
  settings: { abortGraceMs: GRACE_MS },
});

/** Lets promises and I/O callbacks run (a turn of the event loop, not a timer). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('waitForRun', () => {
  it('stops waiting, and rejects, when its caller gives up', async () => {
    const runId = await t.startRun(`  gate:\n    wait_for: { signal: go }\n`);
    const giveUp = new AbortController();
    const waiting = t.runtime.waitForRun(runId, undefined, undefined, giveUp.signal);
    giveUp.abort();
    await expect(waiting).rejects.toThrow(`stopped waiting for run ${runId}`);
    await expect(t.runtime.waitForRun(runId, undefined, undefined, giveUp.signal)).rejects.toThrow(
      'stopped waiting',
    );
    await t.runtime.cancel(runId);
    expect(await t.runtime.waitForRun(runId)).toBe('canceled');
  });
});

describe('a worker stopped with a stubborn attempt in flight', () => {
  it('leaves it to its lease: no timer left behind, nothing recorded, a sweeper ends it', async () => {
    let called!: (signal: AbortSignal) => void;
    const call = new Promise<AbortSignal>((resolve) => (called = resolve));
    onStubborn = called;
    const runId = await t.startRun(`  stuck:\n    uses: test.stubborn\n`);
    const signal = await call;
    await t.runtime.cancel(runId);
    await new Promise((resolve) =>
      signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve),
    );

    let stopped = false;
    const stopping = t.runtime.stopWorkers(0).then(() => (stopped = true));
    // Past the worker's wait for what is in flight (a few seconds), far short of GRACE_MS.
    for (let i = 0; i < 200 && !stopped; i++) {
      clock.advance(100);
      await turn();
    }
    await stopping;
    await turn();
    expect(clock.waiting).toBe(0); // the grace period of the stubborn attempt went with it

    clock.advance(GRACE_MS);
    for (let i = 0; i < 10; i++) await turn();
    expect((await t.nodesOf(runId)).stuck?.status).toBe('running');

    clock.advance(t.runtime.engine.settings.leaseMs);
    await sweep(t.runtime.engine);
    expect((await t.runtime.getRun(runId))?.status).toBe('canceled');
    expect((await t.nodesOf(runId)).stuck?.attempts).toMatchObject([{ status: 'canceled' }]);
  });
});
