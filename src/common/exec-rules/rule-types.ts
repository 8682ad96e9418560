/**
 * The shapes of the program rules (exec-rules.ts): how a program's options are written and, by
 * kind, where its argv holds code. Also the default safe pattern and the builder the tables of
 * programs that read every argument as code share.
 */

/** How a program's options are written: letters after one dash, long names after two. */
export interface OptionSyntax {
  /** Letters that take no value. */
  flags?: string;
  /** Letters whose value (the rest of the cluster, or the next argument) is code. */
  code?: string;
  /** Letters whose value names code to load or run (a module, a script, a library path). */
  script?: string;
  /** Letters whose value is plain data: an expression may be it (awk's -v). */
  data?: string;
  /** Other letters that take a value. */
  value?: string;
  /** Letters taking an optional value glued to them: the rest of the cluster (perl -i.bak). */
  glued?: string;
  /** Letters taking only digits glued to them (perl -l, -0). */
  digits?: string;
  /** Letters that make the first operand the code (a shell's -c). */
  operandCode?: string;
  /** Letters that make the rest of the argv a shell command line (sudo -s). */
  shell?: string;
  longFlags?: readonly string[];
  longCode?: readonly string[];
  longScript?: readonly string[];
  longData?: readonly string[];
  longValue?: readonly string[];
  longShell?: readonly string[];
  /** Letters not listed take no value (true for shells, whose only valued options are listed). */
  unknownLettersAreFlags?: boolean;
  /** Long options not listed take no value (node's, whose valued ones are listed). */
  unknownLongsAreFlags?: boolean;
  /** Options are words after one dash (`-jar`, `-classpath`): java. */
  singleDashWords?: boolean;
  /** `+o` is an option too (shells). */
  plus?: boolean;
}

/** A shell or a language interpreter: code in an option's value or in its first operand. */
export interface InterpreterRule extends OptionSyntax {
  kind: 'interpreter';
  /** How a script of this language reads an environment variable: the safe pattern. */
  readEnv: string;
  /** What the first operand is when no code option came: a script file, or the program text. */
  firstOperand: 'script' | 'code';
  /** After a code option's value the rest of argv is data (python -c); else options go on. */
  codeEndsOptions?: boolean;
  /** GNU getopt permutes: options may follow operands, so only `--` ends them (sed). */
  permutes?: boolean;
}

/** A program that runs another one: `env`, `timeout`, `sudo`, `xargs`, … */
export interface WrapperRule extends OptionSyntax {
  kind: 'wrapper';
  /** Operands before the program (timeout's DURATION, chroot's NEWROOT). */
  leading?: number;
  /** NAME=VALUE operands set variables for the program (env, sudo). */
  assignments?: boolean;
  /** A letter whose value is split into words put before the program (env -S). */
  split?: string;
  longSplit?: readonly string[];
}

/** A program that reads every argument as code of its own (make, ssh, PowerShell, …). */
export interface EverythingRule {
  kind: 'everything';
  /** Why, shown in the diagnostic: what the program does with its arguments. */
  why: string;
  readEnv: string;
}

/**
 * A program that runs commands named in some of its options (git's --upload-pack, tar's
 * --to-command): a value that begins an argument could become such an option, until `--`.
 */
export interface OptionCommandRule {
  kind: 'option-command';
  /** Letters and long options whose value runs a command (or sets config that can). */
  code: string;
  longCode: readonly string[];
  /** Options whose next argument is taken as their value, whatever it looks like. */
  data?: string;
  longData?: readonly string[];
  /** An example of an option that runs a command, for the diagnostic. */
  example: string;
}

/** `busybox sh -c …`: the first argument names the program (an applet). */
export interface MultiCallRule {
  kind: 'multi-call';
}

/** `find … -exec PROGRAM … ;`: predicates, of which some run a program. */
export interface FindRule {
  kind: 'find';
}

/**
 * A program with subcommands, some of which run a command (`docker run IMAGE COMMAND…`): after
 * one of those every argument is code; the others take their arguments as data.
 */
export interface SubcommandRule extends OptionSyntax {
  kind: 'subcommands';
  /** Subcommands after which every argument may be code; a word leading to another subcommand maps to its own list. */
  running: ReadonlyMap<string, readonly string[] | true>;
  why: string;
}

export type ProgramRule =
  | InterpreterRule
  | WrapperRule
  | EverythingRule
  | OptionCommandRule
  | MultiCallRule
  | FindRule
  | SubcommandRule;

/** One row of the program table: a program's name and its rule. */
export type ProgramEntry = readonly [string, ProgramRule];

/** How a shell command reads an environment variable: the safe pattern most rules suggest. */
export const SH_ENV = '"$NAME"';

/** Rows for programs that read every argument as code of their own, all for the same reason. */
export function everything(
  names: readonly string[],
  why: string,
  readEnv = SH_ENV,
): [string, EverythingRule][] {
  return names.map((name) => [name, { kind: 'everything', why, readEnv }]);
}
