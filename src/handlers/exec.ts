/**
 * The `exec` handler: runs a program for a step, so it owns exec's trust boundary (DESIGN.md
 * §4a): the operator's allow-list, argv without a shell, a minimal environment (the worker's own
 * holds secrets), a fresh working directory per attempt, bounded output capture, and, by
 * default, a sandbox of its own (src/handlers/sandbox) in which nothing of the server — its
 * environment, its memory, its data directory, other attempts — can be reached.
 */
import { constants } from 'node:os';
import { stat } from 'node:fs/promises';

import { execSpec } from './exec-spec.js';
import {
  badCwd,
  checkAllowed,
  checkEnabled,
  checkEnvNames,
  fatal,
  outputCap,
  SHELL,
  workingDirectory,
} from './exec-checks.js';
import { superviseProcess, type ProcessLaunch, type ProcessResult } from './exec-process.js';
import {
  folderOwner,
  sandboxIdentity,
  sandboxLaunch,
  setupOutcome,
  type SandboxIdentity,
} from './sandbox/launch.js';
import { buildSandboxRoot } from './sandbox/root-tree.js';
import {
  defaultSandboxSettings,
  SANDBOX_HOME,
  SANDBOX_WORKSPACE,
  type SandboxSettings,
} from './sandbox/settings.js';
import { createAttemptDir, removeTree, type AttemptDir } from './sandbox/workspace.js';
import type { Handler, HandlerContext } from './types.js';
import { checkoutInto, withOwnWorkingDirectory } from './checkout/fill.js';
import type { CheckoutRequest } from './checkout/request.js';
import type { CheckoutSource } from './checkout/source.js';
import { HandlerError } from '../contracts/errors.js';
import { shellWord } from '../common/shell-words.js';

export { DEFAULT_MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES } from './exec-spec.js';

export interface ExecInput {
  command?: string[];
  shell?: string;
  cwd?: string;
  env?: Record<string, string>;
  max_output_bytes?: number;
  /** Made by the job key `checkout:` (src/handlers/checkout). */
  checkout?: CheckoutRequest;
}

export interface ExecOutput {
  exit_code: number;
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
}

export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Worker variables a child inherits; everything else must come from the input's `env`. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;

export interface ExecHandlerOptions {
  /** Between SIGTERM and SIGKILL to the process group. */
  killGraceMs?: number;
  /**
   * How often a running program is reported alive (heartbeat); by default what the runtime
   * recommends for the node (a third of its heartbeat_timeout, 1–10 s).
   */
  heartbeatEveryMs?: number;
  /** Where `checkout:` gets the repository from; without it, a checkout fails CheckoutDenied. */
  checkout?: CheckoutSource;
}

export function createExecHandler(
  options: ExecHandlerOptions = {},
): Handler<ExecInput, ExecOutput> {
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return {
    spec: execSpec,
    run: async (input, context) => {
      // A program that is still running is alive: say so, so that heartbeat_timeout measures
      // a hung worker rather than a long build. Details show progress on the page. The beat
      // follows the node's heartbeat_timeout (a 3 s timeout beats every second, not every 10).
      const done = new AbortController();
      const beating = keepBeating(
        context,
        options.heartbeatEveryMs ?? context.heartbeatEveryMs,
        done.signal,
      );
      try {
        return await runExec(input, context, killGraceMs, options.checkout);
      } finally {
        done.abort();
        await beating;
      }
    },
  };
}

/** Heartbeats every `everyMs` of the runtime's clock until `done` (or the attempt) aborts. */
async function keepBeating(
  context: HandlerContext,
  everyMs: number,
  done: AbortSignal,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    await context.sleep(everyMs, done);
    if (done.aborted || context.signal.aborted) return;
    // A failed beat is the runtime's to report (it aborts the attempt on a lost lease).
    await context.heartbeat({ running_for_ms: Date.now() - started }).catch(() => undefined);
  }
}

export const execHandler: Handler<ExecInput, ExecOutput> = createExecHandler();

async function runExec(
  input: ExecInput,
  context: HandlerContext,
  killGraceMs: number,
  checkoutSource: CheckoutSource | undefined,
): Promise<ExecOutput> {
  const allow = checkEnabled(context.settings.execAllow);
  const argv = input.shell !== undefined ? [SHELL, '-c', input.shell] : input.command;
  const program = argv?.[0];
  if (
    argv === undefined ||
    program === undefined ||
    (input.shell !== undefined) === (input.command !== undefined)
  ) {
    throw fatal('ExecBadInput', 'exec needs exactly one of `command` (non-empty) or `shell`');
  }
  const cap = outputCap(input.max_output_bytes);
  checkEnvNames(input.env ?? {});
  const sandbox = context.settings.execSandbox ?? defaultSandboxSettings();
  const identity = sandbox.mode === 'namespaces' ? stepIdentity(sandbox) : undefined;
  if (context.signal.aborted) throw aborted(context.signal);

  const owner = identity && folderOwner(identity);
  const settings = input.checkout ? withOwnWorkingDirectory(sandbox) : sandbox;
  const attempt = await createAttemptDir(settings, owner).catch((error: Error) => {
    throw new HandlerError('ExecWorkspaceFailed', `no working directory: ${error.message}`);
  });
  try {
    const cwd = workingDirectory(identity ? SANDBOX_WORKSPACE : attempt.work, input.cwd);
    checkAllowed(program, cwd, input, allow);
    if (input.checkout) {
      const request = input.checkout;
      await checkoutInto({ request, source: checkoutSource, attempt, owner, context });
    }
    if (!identity && (await stat(cwd).catch(() => undefined))?.isDirectory() !== true) {
      throw badCwd(input.cwd ?? cwd);
    }
    const env = childEnv(input.env ?? {}, identity !== undefined);
    context.logger.info(
      { program, cwd, env: Object.keys(input.env ?? {}), sandbox: sandbox.mode },
      input.shell !== undefined ? 'exec: running a shell script' : 'exec: running a program',
    );
    const launch = identity
      ? await sandboxedLaunch(sandbox, attempt, identity, cwd, argv, env)
      : { command: program, args: argv.slice(1), env, cwd };
    if (context.signal.aborted) throw aborted(context.signal);
    context.log.line('system', `$ ${input.shell?.trimEnd() ?? argv.map(shellWord).join(' ')}`);
    const result = await superviseProcess(launch, {
      cap,
      signal: context.signal,
      killGraceMs,
      onLine: (stream, line) => context.log.line(stream, line),
    }).catch((error: NodeJS.ErrnoException) => {
      throw identity
        ? sandboxFailed(`could not start unshare: ${error.message}`)
        : spawnError(program, error);
    });
    if (context.signal.aborted) throw aborted(context.signal);
    return outcome(program, input, result, identity !== undefined);
  } finally {
    await removeTree(attempt.dir).catch((error: Error) =>
      context.logger.warn(
        { dir: attempt.dir, error: error.message },
        'exec: could not remove a working directory',
      ),
    );
  }
}

function stepIdentity(sandbox: SandboxSettings): SandboxIdentity {
  try {
    return sandboxIdentity(sandbox);
  } catch (error) {
    throw sandboxFailed((error as Error).message);
  }
}

async function sandboxedLaunch(
  sandbox: SandboxSettings,
  attempt: AttemptDir,
  identity: SandboxIdentity,
  cwd: string,
  argv: readonly string[],
  env: Record<string, string>,
): Promise<ProcessLaunch> {
  const tree = await buildSandboxRoot(sandbox, attempt).catch((error: Error) => {
    throw sandboxFailed(error.message);
  });
  return sandboxLaunch(tree, identity, cwd, argv, env, attempt.dir, sandbox);
}

/** The output, or the error that says how the program (or its sandbox) ended. */
function outcome(
  program: string,
  input: ExecInput,
  { exit, stdout, stderr, setup }: ProcessResult,
  sandboxed: boolean,
): ExecOutput {
  const tails = { stdout_tail: stdout.tailText(), stderr_tail: stderr.tailText() };
  let { code, signal } = exit;
  if (sandboxed) {
    const setupEnd = setupOutcome(setup);
    if (setupEnd.kind === 'no-cwd') throw badCwd(input.cwd ?? '.');
    if (setupEnd.kind === 'not-found') throw notFound(program);
    if (setupEnd.kind === 'not-executable')
      throw fatal('ExecSpawnFailed', `could not start ${program}: it is not an executable file`);
    if (setupEnd.kind === 'failed' && code !== null) throw sandboxFailed(setupEnd.detail);
    // The sandbox's init reports a program killed by signal n as 128+n, as shells do.
    const killedBy = code !== null && code > 128 ? signalName(code - 128) : undefined;
    if (killedBy !== undefined) [code, signal] = [null, killedBy];
  }
  if (signal !== null) {
    throw new HandlerError('Signal', `${program} was killed by signal ${signal}`, {
      details: { signal, ...tails },
    });
  }
  const output: ExecOutput = {
    exit_code: code ?? -1,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdout_truncated: stdout.truncated,
    stderr_truncated: stderr.truncated,
  };
  if (output.exit_code !== 0) {
    throw new HandlerError('ExitCode', `exited with code ${output.exit_code}`, {
      details: { exit_code: output.exit_code, ...tails },
    });
  }
  return output;
}

function signalName(number: number): NodeJS.Signals | undefined {
  const names = Object.entries(constants.signals) as [NodeJS.Signals, number][];
  return names.find(([, value]) => value === number)?.[0];
}

/** The worker's few harmless variables and the input's; in the sandbox, HOME is its own. */
function childEnv(extra: Record<string, string>, sandboxed: boolean): Record<string, string> {
  const inherited = INHERITED_ENV.flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    ...Object.fromEntries(inherited),
    ...(sandboxed ? { HOME: SANDBOX_HOME } : {}),
    ...extra,
  };
}

function spawnError(program: string, error: NodeJS.ErrnoException): HandlerError {
  if (error.code === 'ENOENT') return notFound(program, error);
  const permanent = error.code === 'EACCES' || error.code === 'ENOEXEC' || error.code === 'ENOTDIR';
  return new HandlerError('ExecSpawnFailed', `could not start ${program}: ${error.message}`, {
    nonRetryable: permanent,
    cause: error,
  });
}

function notFound(program: string, cause?: unknown): HandlerError {
  return fatal('ExecNotFound', `program not found: ${program} (or its interpreter)`, cause);
}

/** The sandbox could not be set up: a machine problem, which a later attempt may not have. */
function sandboxFailed(detail: string): HandlerError {
  return new HandlerError('ExecSandboxFailed', `exec's sandbox could not be set up: ${detail}`);
}

function aborted(signal: AbortSignal): HandlerError {
  const reason: unknown = signal.reason;
  const why =
    typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
  return new HandlerError('Aborted', why === undefined ? 'exec aborted' : `exec aborted: ${why}`, {
    cause: reason,
  });
}
