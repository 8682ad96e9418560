/**
 * LISTEN for the pg backend: ONE dedicated connection per Db carries every channel (a pooled
 * connection would be handed to someone else), dispatching notifications by channel. When
 * the connection drops (a server restart, say) it reconnects with exponential backoff up to
 * 5 s and LISTENs every channel again. Notifications sent while it was down are lost: NOTIFY
 * is only a wake-up hint and the runtime polls as well (DESIGN.md §4).
 */
import pg from 'pg';
import { checkChannel, type ErrorLogger } from './db.js';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

type Callback = (payload: string) => void;

export class PgListener {
  readonly #channels = new Map<string, Set<Callback>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #delay = FIRST_DELAY_MS;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onError: ErrorLogger,
  ) {}

  async listen(channel: string, onNotify: Callback): Promise<() => Promise<void>> {
    checkChannel(channel);
    if (this.#closed) throw new Error('the database is closed');
    let callbacks = this.#channels.get(channel);
    if (!callbacks) this.#channels.set(channel, (callbacks = new Set()));
    callbacks.add(onNotify);
    try {
      // A reconnect in between LISTENs every channel anyway; a second LISTEN is a no-op.
      await (await this.#connect()).query(`LISTEN ${channel}`);
    } catch (error) {
      this.#forget(channel, onNotify);
      throw error;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      // UNLISTEN is queued synchronously here, so a later listen()'s LISTEN runs after it.
      if (this.#forget(channel, onNotify) && this.#client)
        await this.#client
          .query(`UNLISTEN ${channel}`)
          .catch((error: Error) => this.onError(error, `UNLISTEN ${channel} failed`));
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Removes a callback; true when that left its channel with no callbacks. */
  #forget(channel: string, onNotify: Callback): boolean {
    const callbacks = this.#channels.get(channel);
    if (!callbacks?.delete(onNotify) || callbacks.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    if (!this.#connecting) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
      this.#connecting = this.#open().finally(() => (this.#connecting = undefined));
    }
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    // Attached before connect(): an 'error' event with no listener would crash the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('listener connection ended')));
    client.on('notification', (message) => this.#dispatch(message.channel, message.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.#channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.#scheduleReconnect();
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new Error('the database is closed');
    }
    this.#client = client;
    this.#delay = FIRST_DELAY_MS;
    return client;
  }

  #dispatch(channel: string, payload: string): void {
    for (const callback of this.#channels.get(channel) ?? []) {
      try {
        callback(payload);
      } catch (error) {
        this.onError(error as Error, `a listener on "${channel}" threw`);
      }
    }
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client) return; // still connecting, already replaced, or closing
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.onError(error, 'LISTEN connection lost; reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry || this.#channels.size === 0) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed || this.#channels.size === 0) return;
      this.#connect().catch((error: Error) => this.onError(error, 'LISTEN reconnect failed'));
    }, this.#delay);
    this.#retry.unref();
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
  }
}
