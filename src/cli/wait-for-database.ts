/**
 * `serve` and `worker` started while PostgreSQL is down, starting or shutting down wait for it,
 * as the running worker loop does after a lost connection: one log line per try, with
 * exponential backoff up to a ceiling, until the database answers or the process is told to
 * stop. Anything else (a wrong password, a missing database, a migration that fails) is not
 * waited out: it fails at once.
 */
import { causeCode } from '../contracts/cause-code.js';

/** Errors that a database coming back will cure: no server yet, or one not taking connections. */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08006', // connection_failure
]);

export function isTransientConnectError(error: unknown): boolean {
  const code = causeCode(error);
  if (code !== undefined && TRANSIENT.has(code)) return true;
  // pg's own words when the server closes the socket before answering.
  return error instanceof Error && /Connection terminated unexpectedly/.test(error.message);
}

export interface WaitOptions {
  /** Where the database is, for the log line (never the password). */
  where: string;
  log: (line: string) => void;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted when the process is told to stop (SIGINT, SIGTERM). */
  signal: AbortSignal;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export class StoppedWaiting extends Error {}

export async function openWhenReachable<T>(
  open: () => Promise<T>,
  options: WaitOptions,
): Promise<T> {
  let delay = options.firstDelayMs ?? 500;
  const ceiling = options.maxDelayMs ?? 15_000;
  for (let tries = 1; ; tries++) {
    try {
      return await open();
    } catch (error) {
      if (!isTransientConnectError(error)) throw error;
      const why = causeCode(error) ?? (error as Error).message;
      options.log(
        `${options.where} is not reachable (${why}); trying again in ${formatSeconds(delay)} (try ${tries})`,
      );
    }
    await options.sleep(delay, options.signal);
    if (options.signal.aborted)
      throw new StoppedWaiting(`stopped while waiting for ${options.where}`);
    delay = Math.min(delay * 2, ceiling);
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`;
}

/** A real sleep that a stop request cuts short. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
