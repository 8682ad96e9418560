/**
 * One sandbox: a child process (fuzz/sandbox/child.ts under tsx) that runs cases of one target
 * under a watchdog. A case that takes longer than the time limit is a hang and the child is
 * killed; one that outgrows the RSS cap is killed too; a child that dies on its own (the V8
 * heap limit, a native crash, an uncaught exception) is a crash. Either way the next case gets
 * a fresh child: nothing a case does can take the fuzzer down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rssOfKb } from './memory.js';
import type { FromChild, ToChild } from './protocol.js';

export interface SandboxOptions {
  /** Path of the runner module the child loads (it exports `prepare`). */
  runner: string;
  /** Given to the runner's `prepare` in every new child. */
  init: unknown;
  /** A case running longer than this is a hang. */
  timeoutMs: number;
  /** The child's V8 heap limit (--max-old-space-size). */
  heapMb: number;
  /** A child whose RSS goes over this is stopped (memory outside the V8 heap counts too). */
  rssCapMb: number;
  /** How long a new child may take to prepare its runner. */
  startTimeoutMs?: number;
  /** Extra environment for the child. */
  env?: Record<string, string>;
}

/** How one case ended, as the sandbox saw it. */
export type CaseRun =
  | { kind: 'result'; result: unknown; ms: number; peakRssKb: number }
  | { kind: 'thrown'; error: string; ms: number; peakRssKb: number }
  | { kind: 'hang'; ms: number; peakRssKb: number }
  | { kind: 'out-of-memory'; detail: string; ms: number; peakRssKb: number }
  | { kind: 'crash'; detail: string; ms: number; peakRssKb: number };

export interface LateDeath {
  tag: number | null;
  detail: string;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SAMPLE_MS = 50;
const STDERR_TAIL = 8 * 1024;

/** A child gone: killed or dead during a case, or dead after answering (`late`). */
export interface ChildGone {
  pid: number | undefined;
  late: boolean;
}

export class Sandbox extends EventEmitter<{ 'child-gone': [ChildGone] }> {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private stderr = '';
  private nextId = 0;
  /** What the runner told at its last start. */
  info: unknown = null;
  /** How many children a case killed or had to be stopped (hangs, crashes, memory). */
  lost = 0;
  /** Children that died between cases: the case before (its tag) left something behind. */
  private lateDeaths: LateDeath[] = [];
  private stopping = false;
  private lastTag: number | null = null;
  /** Children whose death a case reported (the rest died after answering). */
  private readonly accounted = new WeakSet<ChildProcess>();

  constructor(private readonly options: SandboxOptions) {
    super();
  }

  async start(): Promise<unknown> {
    await this.ensureStarted();
    return this.info;
  }

  private ensureStarted(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    return (this.starting ??= this.spawn().finally(() => {
      this.starting = null;
    }));
  }

  private spawn(): Promise<ChildProcess> {
    const { options } = this;
    this.stderr = '';
    const child = fork(CHILD, [options.runner], {
      execArgv: ['--import', TSX, `--max-old-space-size=${options.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Its own process group: Ctrl-C stops the fuzzer's loop, not the cases running (the
      // child still exits with the fuzzer: it leaves when the IPC channel closes).
      detached: true,
      env: { ...process.env, ...options.env },
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    return new Promise<ChildProcess>((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`the ${options.runner} sandbox did not start: ${why}`));
      };
      const onMessage = (message: FromChild) => {
        if (message.type === 'ready') {
          cleanup();
          this.info = message.info;
          this.child = child;
          child.once('exit', () => {
            if (this.child === child) this.child = null;
          });
          child.once('close', (code: number | null, signal: string | null) => {
            // After every other 'close' listener: a case running on it accounts for it.
            queueMicrotask(() => {
              if (this.stopping || this.accounted.has(child)) return;
              this.lost++;
              this.lateDeaths.push({
                tag: this.lastTag,
                detail: `exited (${code ?? signal}) after answering: ${this.tail()}`,
              });
              this.emit('child-gone', { pid: child.pid, late: true });
            });
          });
          resolve(child);
        } else if (message.type === 'failed-to-start') fail(message.error);
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(`exited (${code ?? signal}) while starting\n${this.stderr}`);
      const timer = setTimeout(
        () => fail(`not ready after ${options.startTimeoutMs ?? 120_000} ms`),
        options.startTimeoutMs ?? 120_000,
      );
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ type: 'init', init: options.init } satisfies ToChild);
    });
  }

  private tail(): string {
    return this.stderr.trim().split('\n').slice(-12).join('\n');
  }

  /** The deaths between cases since the last call. */
  drainLateDeaths(): LateDeath[] {
    return this.lateDeaths.splice(0);
  }

  /** Runs one case; `tag` names it if the child dies after answering. */
  async run(input: unknown, tag: number | null = null): Promise<CaseRun> {
    const child = await this.ensureStarted();
    const id = ++this.nextId;
    this.lastTag = tag;
    const { timeoutMs, rssCapMb } = this.options;
    return new Promise<CaseRun>((resolve) => {
      const started = performance.now();
      let sampledKb = 0;
      let killedFor: 'hang' | 'rss' | null = null;
      let done = false;
      const elapsed = () => performance.now() - started;
      const finish = (run: CaseRun) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(sampler);
        child.off('message', onMessage);
        child.off('close', onExit);
        resolve(run);
      };
      const onMessage = (message: FromChild) => {
        if ((message.type !== 'result' && message.type !== 'thrown') || message.id !== id) return;
        const peakRssKb = Math.max(message.peakRssKb, sampledKb);
        if (message.type === 'result')
          finish({ kind: 'result', result: message.result, ms: message.ms, peakRssKb });
        else finish({ kind: 'thrown', error: message.error, ms: message.ms, peakRssKb });
      };
      const onExit = (code: number | null, signal: string | null) => {
        if (done) return;
        this.lost++;
        this.accounted.add(child);
        queueMicrotask(() => this.emit('child-gone', { pid: child.pid, late: false }));
        const ms = elapsed();
        const peakRssKb = sampledKb;
        if (killedFor === 'hang') return finish({ kind: 'hang', ms, peakRssKb });
        const tail = this.tail();
        if (killedFor === 'rss')
          return finish({
            kind: 'out-of-memory',
            detail: `RSS over the ${rssCapMb} MB cap`,
            ms,
            peakRssKb,
          });
        if (/heap out of memory|Reached heap limit|Allocation failed/i.test(this.stderr))
          return finish({
            kind: 'out-of-memory',
            detail: `the ${this.options.heapMb} MB heap limit: ${tail}`,
            ms,
            peakRssKb,
          });
        finish({ kind: 'crash', detail: `exited (${code ?? signal}): ${tail}`, ms, peakRssKb });
      };
      const kill = (why: 'hang' | 'rss') => {
        killedFor ??= why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill('hang'), timeoutMs);
      const sampler = setInterval(() => {
        const rss = child.pid === undefined ? null : rssOfKb(child.pid);
        if (rss === null) return;
        sampledKb = Math.max(sampledKb, rss);
        if (rss > rssCapMb * 1024) kill('rss');
      }, SAMPLE_MS);
      child.on('message', onMessage);
      child.on('close', onExit);
      child.send({ type: 'case', id, input } satisfies ToChild, (error) => {
        if (!error) return;
        // The child died after the last case answered: its exit tells how.
        if (child.exitCode !== null || child.signalCode !== null)
          onExit(child.exitCode, child.signalCode);
        else child.kill('SIGKILL');
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child ?? (this.starting ? await this.starting.catch(() => null) : null);
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
