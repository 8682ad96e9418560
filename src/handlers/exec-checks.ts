/**
 * What `exec` checks before anything runs: that the operator enabled it and allows the program,
 * that env names are ones a shell can hold (and not the sandbox's own), that the output cap is
 * within bounds, and that the working directory stays inside the attempt's own.
 */
import path from 'node:path';

import { refusedEnv } from '../common/exec-rules.js';
import { ENV_NAME_PATTERN } from '../compiler/schema/common.js';
import { DEFAULT_MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES, MIN_OUTPUT_BYTES } from './exec-spec.js';
import { RESERVED_ENV_PREFIX } from './sandbox/scripts.js';
import { HandlerError } from '../contracts/errors.js';
import type { ErrorType } from '../contracts/error-types.js';

export const SHELL = '/bin/sh';
/** Variables that would change which code runs, so an allow-list forbids setting them. */
const PROGRAM_CHANGING_ENV = /^(PATH|LD_[A-Z_]+|DYLD_[A-Z_]+)$/;
const ENV_NAME = new RegExp(ENV_NAME_PATTERN);

export interface CheckedInput {
  shell?: string;
  env?: Record<string, string>;
}

/**
 * The working directory, inside the attempt's own: a relative `cwd` is taken from it, and
 * neither `..` nor an absolute path may leave it.
 */
export function workingDirectory(base: string, cwd: string | undefined): string {
  const target = path.resolve(base, cwd ?? '.');
  const relative = path.relative(base, target);
  if (relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) {
    throw fatal(
      'ExecBadCwd',
      `working directory ${cwd ?? ''} is outside the attempt's own (${base}): give a folder inside it`,
    );
  }
  return target;
}

export function outputCap(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_OUTPUT_BYTES;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_OUTPUT_BYTES ||
    value > MAX_OUTPUT_BYTES
  ) {
    throw fatal(
      'ExecBadInput',
      `max_output_bytes must be a whole number from ${MIN_OUTPUT_BYTES} to ${MAX_OUTPUT_BYTES}, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function checkEnvNames(env: Record<string, string>): void {
  // The compiler refuses these already; a graph stored before that rule, or a handler input
  // built some other way, must not get past the handler either.
  const refused = refusedEnv(Object.keys(env));
  if (refused !== undefined)
    throw fatal('ExecNotAllowed', `exec may not set ${refused.name}: ${refused.why}`);
  for (const name of Object.keys(env)) {
    if (!ENV_NAME.test(name)) {
      throw fatal(
        'ExecBadInput',
        `env name "${name}" may use only letters, digits and "_", and must not start with a digit`,
      );
    }
    if (name.startsWith(RESERVED_ENV_PREFIX)) {
      throw fatal(
        'ExecBadInput',
        `env names starting with ${RESERVED_ENV_PREFIX} are forgeflow's own`,
      );
    }
  }
}

export function checkEnabled(allow: readonly string[] | null): readonly string[] {
  if (allow === null) {
    throw fatal(
      'ExecDisabled',
      'exec is disabled on this server; the operator enables it with FORGEFLOW_EXEC_ALLOW=… (comma-separated program names or absolute paths)',
    );
  }
  return allow;
}

export function checkAllowed(
  program: string,
  cwd: string,
  input: CheckedInput,
  allow: readonly string[],
): void {
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

export function badCwd(cwd: string): HandlerError {
  return fatal('ExecBadCwd', `working directory ${cwd} does not exist or is not a directory`);
}

/** An error a retry cannot fix. */
export function fatal(type: ErrorType, message: string, cause?: unknown): HandlerError {
  return new HandlerError(type, message, { nonRetryable: true, cause });
}
