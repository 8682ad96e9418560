/**
 * How the peers bench's main process and a system's worker process talk (over fork's IPC
 * channel), and the clock both sides stamp with. A worker process loads everything, says
 * `ready`, starts its worker on `go` (so module loading stays outside the clock), reports each
 * handler entry when asked to, and on `stop` stops, sends what it counted and exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { DbCost } from '../support.js';

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on a machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export type ToWorker = { type: 'go' } | { type: 'stop' };

export interface Stopped {
  type: 'stopped';
  /** Warnings and errors the system logged, and the first of them. */
  errors: number;
  firstError: string | null;
  /** forgeflow only: every round trip its worker made, from `go` to `stop`. */
  cost: DbCost | null;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'started'; at: number }
  | { type: 'entered'; key: string; at: number }
  | Stopped
  | { type: 'failed'; message: string };

// ─── in the worker process ──────────────────────────────────────────────────────────────────

export function configOf<T>(): T {
  const text = process.argv[2];
  if (!text) throw new Error('a peers worker is started with its JSON config as argv[2]');
  return JSON.parse(text) as T;
}

function send(message: FromWorker): void {
  process.send?.(message);
}

/** Called by a handler as it is entered (only when the round asked for reports). */
export function reportEntered(key: string): void {
  send({ type: 'entered', key, at: wallNow() });
}

/**
 * In a worker process: an error nothing caught (or `fail` called) is reported to the main
 * process as `failed`, and the process leaves. Returns `fail`.
 */
export function failOnUncaught(
  send: (message: { type: 'failed'; message: string }) => void,
): (error: unknown) => void {
  const fail = (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  return fail;
}

/** Runs a worker process's side of the protocol around a system's start and stop. */
export function serveWorker(worker: {
  start: () => Promise<void>;
  stop: () => Promise<Omit<Stopped, 'type'>>;
}): void {
  const fail = failOnUncaught(send);
  process.on('message', (message: ToWorker) => {
    if (message.type === 'go')
      worker.start().then(() => send({ type: 'started', at: wallNow() }), fail);
    else
      worker.stop().then((stopped) => {
        send({ type: 'stopped', ...stopped });
        // Once the channel is closed nothing keeps a process whose pools are closed.
        process.disconnect?.();
      }, fail);
  });
  send({ type: 'ready' });
}

// ─── in the main process ────────────────────────────────────────────────────────────────────

/** A worker process: its handler entries by key, and the protocol's steps as promises. */
export class WorkerProcess {
  readonly entered = new Map<string, number>();
  private readonly child: ChildProcess;
  private waiting = new Map<FromWorker['type'], (m: FromWorker) => void>();
  private failure: Error | undefined;
  private onFailure: ((e: Error) => void)[] = [];
  private readonly exited: Promise<void>;
  private stderr = '';

  constructor(file: string, config: object) {
    // stdout and stderr piped: a system's own log lines must not interleave with the table.
    this.child = fork(file, [JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child.stdout?.resume();
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.child.on('message', (message: FromWorker) => this.receive(message));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.once('exit', (code, signal) => {
      if (this.waiting.size > 0 || code !== 0)
        this.fail(
          new Error(
            `${file} exited (${signal ?? code}) ${this.stderr ? `: ${this.stderr.trim()}` : ''}`,
          ),
        );
    });
  }

  private receive(message: FromWorker): void {
    if (message.type === 'entered') {
      this.entered.set(message.key, message.at);
      return;
    }
    if (message.type === 'failed') {
      this.fail(new Error(`worker process failed: ${message.message}`));
      return;
    }
    const resolve = this.waiting.get(message.type);
    this.waiting.delete(message.type);
    resolve?.(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const reject of this.onFailure.splice(0)) reject(this.failure);
  }

  /** Rejects as soon as the worker process fails; for racing a wait in the main process. */
  failed(): Promise<never> {
    return new Promise((_, reject) => {
      if (this.failure) reject(this.failure);
      else this.onFailure.push(reject);
    });
  }

  private next<T extends FromWorker['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> {
    const arrived = new Promise<FromWorker>((resolve) => this.waiting.set(type, resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no '${type}' from the worker process in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([arrived, this.failed(), timeout]).finally(() =>
      clearTimeout(timer),
    ) as Promise<Extract<FromWorker, { type: T }>>;
  }

  ready(): Promise<unknown> {
    return this.next('ready', 60_000);
  }

  /** Tells the worker to start; resolves with when its start call returned. */
  async go(): Promise<number> {
    const started = this.next('started', 60_000);
    this.child.send({ type: 'go' } satisfies ToWorker);
    return (await started).at;
  }

  async stop(): Promise<Stopped> {
    const stopped = this.next('stopped', 60_000);
    this.child.send({ type: 'stop' } satisfies ToWorker);
    const result = await stopped;
    // Its pools are closed by now; a handle left open must not hang the bench.
    const lingering = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(lingering);
    return result;
  }

  /** After a failure: ends the process if it is still there (it is ours: we forked it). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
