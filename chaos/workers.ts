/**
 * The chaos suite's workers: real `forgeflow worker` processes (bin/forgeflow.js, so dist/ must
 * be built) loading the recording handlers with `--handlers`, as an operator would run them.
 * A slot holds one process at a time; `kill` SIGKILLs it and starts a new one in its place.
 * Each process's output goes to <dir>/worker-<pid>.log for the post-mortem.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANDLERS_FILE } from './workload.js';

const BIN = fileURLToPath(new URL('../bin/forgeflow.js', import.meta.url));

export interface WorkerSettings {
  databaseUrl: string;
  /** Where the ledger files and the worker logs go. */
  dir: string;
  concurrency: number;
  /** FORGEFLOW_WORKER_DEAD_AFTER, e.g. `10s`. */
  deadAfter: string;
}

export interface Kill {
  /** Date.now() just before the SIGKILL. */
  at: number;
  pid: number;
  slot: number;
}

interface Slot {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Resolves when the worker says it runs (it is registered and claiming). */
  ready: Promise<unknown>;
}

/** A kill waits this long at most for its victim to be up. */
const READY_WITHIN_MS = 60_000;

export class WorkerProcesses {
  private readonly slots: Slot[] = [];
  readonly kills: Kill[] = [];
  /** Processes started, the first ones and those started in place of the killed. */
  spawned = 0;

  constructor(private readonly settings: WorkerSettings) {}

  start(count: number): void {
    for (let i = 0; i < count; i++) this.slots.push(this.spawnOne());
  }

  get size(): number {
    return this.slots.length;
  }

  /** The process in `slot` once it says it runs (at most a minute later), and its pid. */
  async up(slot: number): Promise<number> {
    const { child, ready } = this.slots[slot]!;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, READY_WITHIN_MS)));
    await Promise.race([ready, late]);
    clearTimeout(timer);
    return child.pid!;
  }

  /** SIGKILLs the process in `slot`, waits until it is gone, and starts another one there. */
  async kill(slot: number): Promise<Kill> {
    const { child, exited } = this.slots[slot]!;
    const kill = { at: Date.now(), pid: child.pid!, slot };
    child.kill('SIGKILL');
    await exited;
    this.kills.push(kill);
    this.slots[slot] = this.spawnOne();
    return kill;
  }

  /** SIGTERM to all (nothing should be running by then), SIGKILL to any still there after 10 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.slots.map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawnOne(): Slot {
    const { databaseUrl, dir, concurrency, deadAfter } = this.settings;
    const args = [
      BIN,
      'worker',
      '--database-url',
      databaseUrl,
      '--concurrency',
      String(concurrency),
    ];
    args.push('--grace', '0', '--handlers', fileURLToPath(HANDLERS_FILE));
    const child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        CHAOS_LEDGER_DIR: dir,
        FORGEFLOW_WORKER_DEAD_AFTER: deadAfter,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<unknown>((resolve) => {
      child.once('exit', resolve);
      child.once('error', resolve); // could not start: as good as dead
    });
    const log = createWriteStream(join(dir, `worker-${child.pid}.log`));
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    void exited.then(() => log.end());
    const ready = new Promise((resolve) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        if (!/^worker \S+ running on/m.test(seen)) return;
        child.stdout.off('data', onData);
        resolve(undefined);
      };
      child.stdout.on('data', onData);
      void exited.then(resolve);
    });
    this.spawned++;
    return { child, exited, ready };
  }
}
