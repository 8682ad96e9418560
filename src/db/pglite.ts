/**
 * The embedded backend: PGlite (Postgres in WebAssembly, in this process), for a machine with
 * no database. One session, so statements are serialized: PGlite's public query/exec wait on
 * the same mutex as transaction(), so a plain query never lands inside another caller's
 * transaction. A data directory is guarded by a pid lock file (`dir-lock.ts`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import {
  checkChannel,
  TYPE_PARSERS,
  type Db,
  type ErrorLogger,
  type QueryResult,
  type Tx,
  logToStderr,
} from './db.js';
import { lockDataDir, type DirLock } from './dir-lock.js';

export interface PgliteOptions {
  /** A directory; in memory when undefined. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests: skips the 5–10 s initdb). */
  loadDataDir?: Blob | File;
  onError?: ErrorLogger;
}

export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  /** The underlying instance, for `dumpDataDir()` and tests; the runtime uses the Db methods. */
  readonly pglite: PGlite;
}

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDb> {
  const { dataDir, loadDataDir } = options;
  const onError = options.onError ?? logToStderr;
  let lock: DirLock | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: dataDir ?? 'memory://',
      loadDataDir,
      parsers: { ...TYPE_PARSERS },
    });
  } catch (error) {
    lock?.release();
    throw error;
  }

  // db.query inside db.tx waits for the transaction that waits for it: say so instead of hanging.
  const inTx = new AsyncLocalStorage<{ open: boolean }>();
  const outsideTx = (what: string) => {
    if (inTx.getStore()?.open)
      throw new Error(`db.${what}() inside db.tx() deadlocks on PGlite: use the tx's handle`);
  };
  let closing: Promise<void> | undefined;

  return {
    kind: 'pglite',
    pglite,
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      outsideTx('query');
      return result(await pglite.query<R>(sql, [...params]));
    },
    async exec(sql) {
      outsideTx('exec');
      await pglite.exec(sql);
    },
    async tx<T>(fn: (q: Tx) => Promise<T>): Promise<T> {
      outsideTx('tx');
      return await pglite.transaction(async (t) => {
        const state = { open: true };
        try {
          return await inTx.run(state, () =>
            fn({
              query: async <R>(sql: string, params: readonly unknown[] = []) =>
                result(await t.query<R>(sql, [...params])),
              exec: async (sql) => {
                await t.exec(sql);
              },
            }),
          );
        } finally {
          state.open = false;
        }
      });
    },
    async listen(channel, onNotify) {
      outsideTx('listen');
      // PGlite calls listeners from a microtask: a throw there would be an uncaught exception.
      const unlisten = await pglite.listen(checkChannel(channel), (payload) => {
        try {
          onNotify(payload);
        } catch (error) {
          onError(error as Error, `a listener on "${channel}" threw`);
        }
      });
      let done = false;
      return async () => {
        if (done || pglite.closed) return;
        done = true;
        await unlisten();
      };
    },
    close() {
      closing ??= pglite.close().finally(() => lock?.release());
      return closing;
    },
  };
}

function result<R>(r: { rows: R[]; rowCount?: number; affectedRows?: number }): QueryResult<R> {
  return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? 0 };
}
