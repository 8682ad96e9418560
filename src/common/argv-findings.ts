/**
 * What an argv analysis (argv-analysis.ts) is given and reports: the shape of each argument and
 * the findings, plus the small readings every program's walk of an argv shares.
 */
import type { OptionSyntax } from './exec-rules.js';
import { isOption, type Role } from './option-reading.js';

/** One argument: its text up to the first spliced value (all of it when there is none). */
export interface ArgShape {
  prefix: string;
  /** Whether a value computed at run time is part of it. */
  dynamic: boolean;
}

export type FindingKind =
  /** The program itself would be chosen by the value. */
  | 'program'
  /** The value would be code the program runs. */
  | 'code'
  /** The value would choose a script, module or library the program runs. */
  | 'script'
  /** The value stands where the program still reads options, which can run code. */
  | 'option'
  /** A NAME=VALUE operand (env, sudo) that sets a variable making programs run code. */
  | 'assignment'
  /** The program reads every argument as code of its own. */
  | 'everything';

export interface Finding {
  /** Index in the argv given. */
  index: number;
  kind: FindingKind;
  /** The program as the diagnostic names it: `sh -c`, `python3 -c`, `node`, `make`. */
  program: string;
  /** What makes it dangerous, in words: the reason of an `everything` program or a variable. */
  why: string;
  /** How code of that program reads an environment variable NAME: the safe pattern. */
  readEnv: string;
}

/** An argument with its index in the caller's argv (split words of `env -S` share one). */
export interface Arg extends ArgShape {
  index: number;
}

/** How a shell command reads an environment variable: what most findings suggest instead. */
export const SH_ENV = '"$NAME"';

/** A spliced value that begins an argument, or follows a dash, could be any option. */
export function couldBeOption(arg: ArgShape, syntax: OptionSyntax = {}): boolean {
  return arg.dynamic && (arg.prefix === '' || isOption(arg.prefix + 'x', syntax));
}

/** What a spliced value given to an option of that role would be. */
export function roleKind(role: Role | 'option'): FindingKind {
  if (role === 'code' || role === 'split' || role === 'shell-code') return 'code';
  if (role === 'script') return 'script';
  return 'option';
}
