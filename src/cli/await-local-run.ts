/**
 * How `forgeflow run` waits for its run: to the end, unless a stop signal comes (Ctrl-C,
 * SIGTERM). Then the run is canceled and given a few seconds to settle; a second signal, or a
 * cancel that does not settle in time, leaves it unfinished in the data directory.
 */
import type { Runtime } from '../runtime/runtime.js';
import type { RunStatus } from '../runtime/states.js';
import { DEFAULT_SETTINGS } from '../runtime/types.js';
import type { Interrupts } from './run-interrupts.js';

/**
 * How long a canceled run may take to settle before `forgeflow run` leaves it: a worker lets an
 * attempt whose handler ignores the cancel go after abortGraceMs, then records it canceled.
 */
export const SETTLE_MS = DEFAULT_SETTINGS.abortGraceMs + 5_000;

export type LocalRunEnd =
  /** The run ended, on its own or (after `stoppedBy`) canceled. */
  | { kind: 'ended'; status: RunStatus; stoppedBy?: string }
  /** Canceling was under way when the command stopped waiting. */
  | { kind: 'left'; stoppedBy: string; why: 'second-signal' | 'not-settled' };

export async function awaitLocalRun(
  runtime: Runtime,
  runId: string,
  interrupts: Interrupts,
  say: (line: string) => void,
  settleMs = SETTLE_MS,
): Promise<LocalRunEnd> {
  const giveUp = new AbortController();
  let settleTimer: NodeJS.Timeout | undefined;
  const finished = runtime
    .waitForRun(runId, undefined, undefined, giveUp.signal)
    .then((status) => ({ status }));
  try {
    const first = await Promise.race([finished, interrupts.first.then((signal) => ({ signal }))]);
    if ('status' in first) return { kind: 'ended', status: first.status };
    const stoppedBy = first.signal;
    say(`${stoppedBy}: canceling run ${runId}; press Ctrl-C again to leave it unfinished`);
    await runtime.cancel(runId, `forgeflow run got ${stoppedBy}`);
    const leave = new Promise<'second-signal'>((resolve) => {
      if (interrupts.leave.aborted) resolve('second-signal');
      interrupts.leave.addEventListener('abort', () => resolve('second-signal'), { once: true });
    });
    const late = new Promise<'not-settled'>((resolve) => {
      settleTimer = setTimeout(() => resolve('not-settled'), settleMs);
    });
    const settled = await Promise.race([finished, leave, late]);
    if (typeof settled === 'object') return { kind: 'ended', status: settled.status, stoppedBy };
    return { kind: 'left', stoppedBy, why: settled };
  } finally {
    clearTimeout(settleTimer);
    giveUp.abort();
    await finished.catch(() => undefined);
  }
}
