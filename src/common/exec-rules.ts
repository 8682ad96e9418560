/**
 * Which programs read code from their arguments, where in their argv that code is, which
 * programs run another program, and which environment variables make a program load or run
 * code: the lists behind DESIGN.md §2's rule that no expression reaches a shell's or an
 * interpreter's code. One table shared by the compiler (which refuses `${{ }}` in those places,
 * src/compiler/checks/exec-injection.ts through argv-analysis.ts) and the exec handler (which
 * refuses the variables at run time, whatever produced them: `refusedEnv`).
 *
 * The tables, by program family, are in exec-rules/; this file assembles and reads them. At
 * the bottom of the house: imports nothing outside exec-rules/. Names are compared lower-case
 * after the directory, a Windows `.exe` and a version suffix are taken off
 * (`/usr/bin/python3.12` is `python`), so a path, a case-insensitive file system or a versioned
 * binary is no way around. Options are read as clusters (`-ec` is -e and -c; a letter that
 * takes a value takes the rest of the cluster or the next argument). Where a program's options
 * are not all known, an unknown one is taken to have a value: a wrong guess then refuses more,
 * never less.
 */
import { CONTAINERS_AND_SANDBOXES } from './exec-rules/containers.js';
import { EVERY_ARGUMENT_IS_CODE } from './exec-rules/every-argument-is-code.js';
import { INTERPRETERS } from './exec-rules/interpreters.js';
import { OPTION_COMMANDS } from './exec-rules/option-commands.js';
import { PACKAGE_MANAGERS } from './exec-rules/package-managers.js';
import type { ProgramRule } from './exec-rules/rule-types.js';
import { SHELLS } from './exec-rules/shells.js';
import { WRAPPERS } from './exec-rules/wrappers.js';

export type {
  EverythingRule,
  FindRule,
  InterpreterRule,
  MultiCallRule,
  OptionCommandRule,
  OptionSyntax,
  ProgramRule,
  SubcommandRule,
  WrapperRule,
} from './exec-rules/rule-types.js';
export { codeEnvReason, commandEnvReason, refusedEnv } from './exec-rules/env-variables.js';

/** Programs by name (lower-case, without directory, `.exe` or version). */
export const PROGRAMS: ReadonlyMap<string, ProgramRule> = new Map<string, ProgramRule>([
  ...SHELLS,
  ...INTERPRETERS,
  ...WRAPPERS,
  ...OPTION_COMMANDS,
  ...EVERY_ARGUMENT_IS_CODE,
  ...CONTAINERS_AND_SANDBOXES,
  ...PACKAGE_MANAGERS,
]);

/** `/usr/bin/Python3.12.exe` → `python3.12`: how a program is looked up and shown. */
export function programName(program: string): string {
  const base = program.slice(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1);
  return base.toLowerCase().replace(/\.exe$/, '');
}

/** The rule for a program (by its argv[0]), or undefined for one that runs no code of its arguments. */
export function programRule(program: string): ProgramRule | undefined {
  const name = programName(program);
  // python3.12, perl5.36, lua5.4, php8.2, tclsh8.6, pip3, bash5.2: the version comes off.
  return PROGRAMS.get(name) ?? PROGRAMS.get(name.replace(/[-_]?[\d.]+$/, ''));
}
