/**
 * openWhenReachable: what it waits out (a refused connection, a server starting or shutting
 * down) and what it does not (anything else), with the delays it sleeps. The failures are real
 * ones: pg connecting to a port where nothing listens.
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  isTransientConnectError,
  openWhenReachable,
  StoppedWaiting,
} from '../../src/cli/wait-for-database.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function refusedConnection(port: number): Promise<never> {
  const client = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${port}/x` });
  client.on('error', () => undefined);
  await client.connect();
  throw new Error('connected where nothing listens');
}

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('openWhenReachable', () => {
  it('retries a refused connection with growing delays, a log line each, then returns', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const slept: number[] = [];
    let calls = 0;
    const value = await openWhenReachable(
      async () => (++calls <= 5 ? refusedConnection(port) : 'open'),
      {
        where: 'PostgreSQL at here',
        log: (line) => lines.push(line),
        sleep: (ms) => (slept.push(ms), Promise.resolve()),
        signal: new AbortController().signal,
        firstDelayMs: 500,
        maxDelayMs: 4_000,
      },
    );
    expect(value).toBe('open');
    expect(slept).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(lines[0]).toBe(
      'PostgreSQL at here is not reachable (ECONNREFUSED); trying again in 500 ms (try 1)',
    );
    expect(lines[4]).toBe(
      'PostgreSQL at here is not reachable (ECONNREFUSED); trying again in 4 s (try 5)',
    );
  });

  it('waits out a server that is starting or shutting down (57P03)', () => {
    expect(isTransientConnectError(pgError('57P03', 'the database system is starting up'))).toBe(
      true,
    );
    expect(isTransientConnectError(pgError('57P01', 'terminating connection'))).toBe(true);
    expect(isTransientConnectError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('fails at once on what waiting cannot cure', async () => {
    for (const error of [
      pgError('28P01', 'password authentication failed for user "x"'),
      pgError('3D000', 'database "x" does not exist'),
      new Error('migration 0007 failed'),
    ]) {
      let calls = 0;
      await expect(
        openWhenReachable(
          () => {
            calls++;
            return Promise.reject(error);
          },
          {
            where: 'db',
            log: () => undefined,
            sleep: () => Promise.resolve(),
            signal: new AbortController().signal,
          },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('stops waiting when told to', async () => {
    const port = await closedPort();
    const stop = new AbortController();
    await expect(
      openWhenReachable(() => refusedConnection(port), {
        where: 'PostgreSQL at here',
        log: () => undefined,
        sleep: () => (stop.abort(), Promise.resolve()),
        signal: stop.signal,
      }),
    ).rejects.toThrow(new StoppedWaiting('stopped while waiting for PostgreSQL at here'));
  });
});
