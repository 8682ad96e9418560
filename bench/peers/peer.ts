/**
 * What the peers bench needs of each system in its main process (forgeflow.ts, graphile.ts,
 * dbos.ts): put work in a fresh database, say when the database shows it finished, and name the
 * worker process that runs it. measure.ts drives all three the same way through this.
 */
import { readFileSync } from 'node:fs';
import type { DbCost } from '../support.js';

export interface PeerSession {
  /** Puts `count` single-step items in the queue with no worker running. */
  preStart(count: number): Promise<void>;
  /** Starts one single-step item; resolves with the key its handler will report. */
  startOne(index: number): Promise<string>;
  /** Starts one chain of `steps` steps in sequence. */
  startChain(steps: number): Promise<void>;
  /** Whether the database shows `expected` items (a chain is one) finished; throws on a failed one. */
  finished(expected: number): Promise<boolean>;
  /** The compiled worker file to fork and its config (argv[2]). */
  worker(report: boolean): { file: string; config: object };
  /** forgeflow only: the round trips of the main process's starts since the last call. */
  takeStartCost?(): DbCost;
  close(): Promise<void>;
}

export interface Peer {
  name: string;
  /** The package version measured (forgeflow: the commit). */
  version: string;
  /** Readies a fresh (empty) database for the system and opens its main-process side. */
  open(url: string): Promise<PeerSession>;
}

/** The version of an installed package (run from the repository root, as `npm run bench` is). */
export function installedVersion(pkg: string): string {
  const file = `${process.cwd()}/node_modules/${pkg}/package.json`;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Whether at least `expected` items succeeded, read with `sql`, which counts them as `ok` and
 * those that ended otherwise as `bad`; any bad one stops the bench (the figures would be wrong).
 */
export async function succeededAtLeast(
  q: { query<R>(sql: string): Promise<{ rows: R[] }> },
  sql: string,
  what: string,
  expected: number,
): Promise<boolean> {
  const { rows } = await q.query<{ ok: number; bad: number }>(sql);
  const { ok, bad } = rows[0]!;
  if (bad > 0) throw new Error(`${what} did not succeed: ${bad}`);
  return ok >= expected;
}
