/**
 * src/db — the one small database interface the runtime uses, with two backends: real
 * PostgreSQL (`pg.ts`) and embedded PGlite (`pglite.ts`). Both return the same JS types
 * (`TYPE_PARSERS` below), so runtime code and its tests cannot tell them apart.
 *
 * Conventions both backends keep:
 * - `query` runs exactly one statement (pg is forced onto the extended protocol, which is all
 *   PGlite's `query` speaks); several statements go through `exec`, without parameters.
 * - jsonb/json parameters are passed as `JSON.stringify(value)`: pg would send a JS array as
 *   a Postgres array literal, PGlite as JSON.
 * - Channel names for `listen` are plain identifiers (`[a-z_][a-z0-9_]*`), which LISTEN and
 *   `pg_notify` spell the same way on both backends.
 */

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/** What `tx` hands its callback: a Queryable that can also run multi-statement text. */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Commits when `fn` resolves, rolls back when it throws. */
  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T>;
  /** Multi-statement SQL, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Resolves once LISTEN is in effect; the returned function unsubscribes. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Text parsers both backends install per connection (never on the global `pg.types`), where
 * their defaults differ: int8 is a bigint/string, numeric a string, date a Date at local or
 * UTC midnight, interval an object or a string. int8 ids and counters stay far below 2^53.
 * Arrays of these follow (PGlite derives them; pg.ts maps int8[] itself).
 */
export const TYPE_PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  20: Number, // int8
  1700: Number, // numeric
  1082: (text) => text, // date: 'YYYY-MM-DD'
  1186: (text) => text, // interval: Postgres' own text
};

/** How a backend reports what it survives (a lost connection, a listener that threw). */
export type ErrorLogger = (error: Error, context: string) => void;

export const logToStderr: ErrorLogger = (error, context) => {
  process.stderr.write(`forgeflow db: ${context}: ${error.message}\n`);
};

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `channel` is a lowercase identifier, so it needs no quoting anywhere. */
export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel))
    throw new Error(`invalid channel name "${channel}": use lowercase letters, digits and _`);
  return channel;
}
