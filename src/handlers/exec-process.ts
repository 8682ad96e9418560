/**
 * Running one process for `exec` and seeing it end: bounded capture of its output, and its whole
 * process group killed (SIGTERM, then SIGKILL after a grace period) on abort or once it exits,
 * so nothing it started outlives the attempt. A sandboxed launch has two more channels: the
 * environment written to its stdin, and its own setup messages on fd 2 apart from the
 * program's stderr on fd 3.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

import { Capture } from './capture.js';
import { LineSplitter } from './line-splitter.js';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface ProcessLaunch {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  /** The sandbox's channels: `stdin` is written and closed; fd 2 is setup text, fd 3 stderr. */
  sandbox?: { stdin: string };
}

export interface ProcessResult {
  exit: Exit;
  stdout: Capture;
  stderr: Capture;
  /** What the sandbox's setup said (empty for a plain launch). */
  setup: string;
}

/** Enough for any message of the setup; a runaway writer is cut there. */
const SETUP_TEXT_CAP = 16 * 1024;

export function superviseProcess(
  launch: ProcessLaunch,
  options: {
    cap: number;
    signal: AbortSignal;
    killGraceMs: number;
    /** Each line of the program's stdout and stderr, as it comes (the node's live log). */
    onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  },
): Promise<ProcessResult> {
  const onLine = options.onLine;
  const lines = onLine && {
    stdout: new LineSplitter((line) => onLine('stdout', line)),
    stderr: new LineSplitter((line) => onLine('stderr', line)),
  };
  const stdout = new Capture(options.cap, lines?.stdout);
  const stderr = new Capture(options.cap, lines?.stderr);
  const setup = new Capture(SETUP_TEXT_CAP);
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(launch.command, [...launch.args], {
      ...(launch.cwd !== undefined ? { cwd: launch.cwd } : {}),
      env: launch.env,
      shell: false,
      detached: true,
      stdio: launch.sandbox ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
    const input = child.stdio[0];
    const out = child.stdio[1] as Readable;
    const err = child.stdio[2] as Readable;
    const programErr = child.stdio[3] as Readable | null | undefined;
    let exit: Exit | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const killGroup = (): void => {
      if (killTimer !== undefined || child.pid === undefined) return;
      const pgid = child.pid;
      if (signalGroup(pgid, 'SIGTERM')) {
        killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), options.killGraceMs);
      }
    };
    const onAbort = (): void => killGroup();
    options.signal.addEventListener('abort', onAbort, { once: true });
    out.on('data', (chunk: Buffer) => stdout.push(chunk));
    if (launch.sandbox && programErr) {
      err.on('data', (chunk: Buffer) => setup.push(chunk));
      programErr.on('data', (chunk: Buffer) => stderr.push(chunk));
    } else {
      err.on('data', (chunk: Buffer) => stderr.push(chunk));
    }
    if (launch.sandbox && input) {
      // A sandbox that fails before reading its environment closes the pipe: not our error.
      input.on('error', () => undefined);
      input.end(launch.sandbox.stdin);
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the program left running in its group goes too, and a descendant that left
      // the group while holding our pipes may delay their end only up to the SIGKILL.
      killGroup();
      drainTimer = setTimeout(() => {
        for (const stream of [out, err, programErr]) stream?.destroy();
      }, options.killGraceMs + 500);
    });
    child.once('close', () => {
      options.signal.removeEventListener('abort', onAbort);
      clearTimeout(drainTimer);
      lines?.stdout.finish();
      lines?.stderr.finish();
      // Keep the SIGKILL pending only while something of the group is still alive.
      if (child.pid !== undefined && !signalGroup(child.pid, 0)) clearTimeout(killTimer);
      if (exit !== undefined) resolve({ exit, stdout, stderr, setup: setup.text() });
    });
  });
}

/** False when no process of the group is left (ESRCH). */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
