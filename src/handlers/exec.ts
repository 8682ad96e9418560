/**
 * The `exec` handler: runs a program on the worker's host, so it owns exec's trust boundary
 * (DESIGN.md §4a): the operator's allow-list, argv without a shell, a minimal environment (the
 * worker's own holds secrets), bounded output capture, and killing the child's whole process
 * group on abort or exit so nothing it started outlives the attempt.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';

import { execSpec } from './catalog.js';
import type { Handler, HandlerContext } from './types.js';
import { HandlerError } from './types.js';

export interface ExecInput {
  command?: string[];
  shell?: string;
  cwd?: string;
  env?: Record<string, string>;
  max_output_bytes?: number;
}

export interface ExecOutput {
  exit_code: number;
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export const DEFAULT_KILL_GRACE_MS = 2_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_HEARTBEAT_EVERY_MS = 10_000;
const TAIL_BYTES = 4096;
const SHELL = '/bin/sh';
/** Worker variables a child inherits; everything else must come from the input's `env`. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;
/** Variables that would change which code runs, so an allow-list forbids setting them. */
const PROGRAM_CHANGING_ENV = /^(PATH|LD_[A-Z_]+|DYLD_[A-Z_]+)$/;

export interface ExecHandlerOptions {
  /** Between SIGTERM and SIGKILL to the process group. */
  killGraceMs?: number;
  /** How often a running program is reported alive (heartbeat); default 10 s. */
  heartbeatEveryMs?: number;
}

export function createExecHandler(
  options: ExecHandlerOptions = {},
): Handler<ExecInput, ExecOutput> {
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const heartbeatEveryMs = options.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_EVERY_MS;
  return {
    spec: execSpec,
    run: async (input, context) => {
      // A program that is still running is alive: say so, so that heartbeat_timeout measures
      // a hung worker rather than a long build. Details show progress on the page.
      const beat = setInterval(() => {
        void context.heartbeat({ running_for_ms: Date.now() - started }).catch(() => undefined);
      }, heartbeatEveryMs);
      const started = Date.now();
      try {
        return await runExec(input, context, killGraceMs);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export const execHandler: Handler<ExecInput, ExecOutput> = createExecHandler();

async function runExec(
  input: ExecInput,
  context: HandlerContext,
  killGraceMs: number,
): Promise<ExecOutput> {
  const argv = input.shell !== undefined ? [SHELL, '-c', input.shell] : input.command;
  const program = argv?.[0];
  if (
    argv === undefined ||
    program === undefined ||
    (input.shell !== undefined) === (input.command !== undefined)
  ) {
    throw fatal('ExecBadInput', 'exec needs exactly one of `command` (non-empty) or `shell`');
  }
  const cwd = path.resolve(input.cwd ?? '.');
  checkAllowed(program, cwd, input, context.settings.execAllow);
  if ((await stat(cwd).catch(() => undefined))?.isDirectory() !== true) {
    throw fatal('ExecBadCwd', `working directory ${cwd} does not exist or is not a directory`);
  }
  if (context.signal.aborted) throw aborted(context.signal);

  const inherited = INHERITED_ENV.flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  const env = { ...Object.fromEntries(inherited), ...input.env };
  context.logger.info(
    { program, cwd, env: Object.keys(input.env ?? {}) },
    input.shell !== undefined ? 'exec: running a shell script' : 'exec: running a program',
  );

  const cap = input.max_output_bytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new Capture(cap);
  const stderr = new Capture(cap);
  const result = await new Promise<Exit>((resolve, reject) => {
    const child = spawn(program, argv.slice(1), {
      cwd,
      env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let exit: Exit | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const killGroup = (): void => {
      if (killTimer !== undefined || child.pid === undefined) return;
      const pgid = child.pid;
      if (signalGroup(pgid, 'SIGTERM')) {
        killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), killGraceMs);
      }
    };
    const onAbort = (): void => killGroup();
    context.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      context.signal.removeEventListener('abort', onAbort);
      reject(spawnError(program, error));
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the program left running in its group goes too, and a descendant that left
      // the group while holding our pipes may delay their end only up to the SIGKILL.
      killGroup();
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, killGraceMs + 500);
    });
    child.once('close', () => {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(drainTimer);
      // Keep the SIGKILL pending only while something of the group is still alive.
      if (child.pid !== undefined && !signalGroup(child.pid, 0)) clearTimeout(killTimer);
      if (exit !== undefined) resolve(exit);
    });
  });

  if (context.signal.aborted) throw aborted(context.signal);
  const output: ExecOutput = {
    exit_code: result.code ?? -1,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdout_truncated: stdout.truncated,
    stderr_truncated: stderr.truncated,
  };
  const tails = { stdout_tail: stdout.tailText(), stderr_tail: stderr.tailText() };
  if (result.signal !== null) {
    throw new HandlerError('Signal', `${program} was killed by signal ${result.signal}`, {
      details: { signal: result.signal, ...tails },
    });
  }
  if (output.exit_code !== 0) {
    throw new HandlerError('ExitCode', `exited with code ${output.exit_code}`, {
      details: { exit_code: output.exit_code, ...tails },
    });
  }
  return output;
}

function checkAllowed(
  program: string,
  cwd: string,
  input: ExecInput,
  allow: readonly string[] | null,
): void {
  if (allow === null) {
    throw fatal(
      'ExecDisabled',
      'exec is disabled on this server; the operator enables it with FORGEFLOW_EXEC_ALLOW=… (comma-separated program names or absolute paths)',
    );
  }
  if (allow.includes('*')) return;
  const bare = !program.includes('/');
  const resolved = path.resolve(cwd, program);
  const listed =
    input.shell !== undefined
      ? allow.some((entry) => entry === 'sh' || entry === SHELL)
      : allow.some((entry) =>
          path.isAbsolute(entry)
            ? !bare && path.resolve(entry) === resolved
            : bare && entry === program,
        );
  if (!listed) {
    const what = input.shell !== undefined ? 'a shell script (/bin/sh)' : `"${program}"`;
    const add = input.shell !== undefined ? 'sh or /bin/sh' : bare ? program : resolved;
    throw fatal(
      'ExecNotAllowed',
      `exec may not run ${what} on this server: the operator allows ${allow.length === 0 ? 'nothing' : allow.join(', ')}; add ${add} to FORGEFLOW_EXEC_ALLOW to allow it`,
    );
  }
  const changing = Object.keys(input.env ?? {}).filter((name) => PROGRAM_CHANGING_ENV.test(name));
  if (changing.length > 0) {
    throw fatal(
      'ExecNotAllowed',
      `exec may not set ${changing.join(', ')} while FORGEFLOW_EXEC_ALLOW restricts programs: it would change which program runs`,
    );
  }
}

function spawnError(program: string, error: NodeJS.ErrnoException): HandlerError {
  if (error.code === 'ENOENT') {
    return fatal('ExecNotFound', `program not found: ${program} (or its interpreter)`, error);
  }
  const permanent = error.code === 'EACCES' || error.code === 'ENOEXEC' || error.code === 'ENOTDIR';
  return new HandlerError('ExecSpawnFailed', `could not start ${program}: ${error.message}`, {
    nonRetryable: permanent,
    cause: error,
  });
}

/** An error a retry cannot fix. */
function fatal(type: string, message: string, cause?: unknown): HandlerError {
  return new HandlerError(type, message, { nonRetryable: true, cause });
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

function aborted(signal: AbortSignal): HandlerError {
  const reason: unknown = signal.reason;
  const why =
    typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
  return new HandlerError('Aborted', why === undefined ? 'exec aborted' : `exec aborted: ${why}`, {
    cause: reason,
  });
}

/** Keeps the first `cap` bytes of a stream and its last TAIL_BYTES, never more. */
class Capture {
  private readonly head: Buffer[] = [];
  private size = 0;
  private tail = Buffer.alloc(0);
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.head.push(kept);
      this.size += kept.length;
    }
    this.tail =
      chunk.length >= TAIL_BYTES
        ? Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES))
        : Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
  }

  text(): string {
    const bytes = Buffer.concat(this.head);
    return (this.truncated ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes).toString('utf8');
  }

  tailText(): string {
    return this.tail.toString('utf8');
  }
}

/** The length of `bytes` without a multi-byte character cut off at its end. */
function completeUtf8Length(bytes: Buffer): number {
  let start = bytes.length - 1;
  while (start >= 0 && bytes.length - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  if (lead === undefined || lead < 0xc0) return bytes.length;
  const width = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return start + width > bytes.length ? start : bytes.length;
}
