/**
 * exec's heartbeat follows its node's heartbeat_timeout (issue 19 item 3): a healthy program
 * under `heartbeat_timeout: 3s` is reported alive every second, so it runs on past 10 s (exec
 * used to beat every 10 s, killing it at 3 s). The program is real and waits for a file the
 * test writes; time is the runtime's FakeClock, moved a beat at a time. `exec` here is the real
 * handler, wrapped only to tell the test when a beat was recorded. Both backends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execHandler } from '../../src/handlers/exec.js';
import type { Handler, HandlerContext } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { useRuntime } from '../support/use-runtime.js';

const clock = new FakeClock();
const dir = mkdtempSync(join(tmpdir(), 'ff-exec-beat-'));
const goFile = join(dir, 'go');

let started: (context: HandlerContext) => void = () => undefined;
let beats = 0;
let sleeps = 0;
let onSleep: () => void = () => undefined;
/**
 * The real exec, its context's sleep and heartbeat wrapped to count them: exec asleep for the
 * n-th time has recorded its (n-1)-th beat (it awaits each beat before it sleeps again).
 */
const watchedExec: Handler = {
  spec: execHandler.spec,
  run(input, context) {
    started(context);
    return execHandler.run(input as never, {
      ...context,
      heartbeat: async (details) => {
        await context.heartbeat(details);
        beats++;
      },
      sleep: (ms, signal) => {
        const sleeping = context.sleep(ms, signal); // on the clock from here on
        sleeps++;
        onSleep();
        return sleeping;
      },
    });
  },
};

/** Resolves once exec has gone to sleep `n` times. */
const asleep = (n: number) =>
  new Promise<void>((resolve) => {
    const check = () => (sleeps >= n ? resolve() : undefined);
    onSleep = check;
    check();
  });

const t = useRuntime({ clock, handlers: new Map([['exec', watchedExec]]) });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exec under a short heartbeat_timeout', () => {
  it('beats every third of it, so a healthy 3s-timeout step runs past 10 s', async () => {
    const context = new Promise<HandlerContext>((resolve) => (started = resolve));
    const runId = await t.startRun(`  build:
    uses: exec
    heartbeat_timeout: 3s
    retry: { maximum_attempts: 1 }
    with:
      command: [sh, -c, 'while [ ! -e "$0" ]; do sleep 0.02; done', "${goFile}"]
`);
    expect((await context).heartbeatEveryMs).toBe(1_000);

    for (let second = 1; second <= 12; second++) {
      await asleep(second);
      clock.advance(1_000);
    }
    await asleep(13);
    expect(beats).toBe(12);
    const node = (await t.nodesOf(runId)).build!;
    expect([node.status, node.attempt]).toEqual(['running', 1]);

    const finished = t.runtime.events.next('run:finished', (e) => e.runId === runId);
    writeFileSync(goFile, '');
    expect((await finished).status).toBe('succeeded');
    const done = (await t.nodesOf(runId)).build!;
    expect(done.attempts.map((a) => a.status)).toEqual(['succeeded']);
  });
});
