/**
 * The program rules of shells (POSIX shells and bash, zsh, fish, csh): where their argv holds
 * code, for exec-rules.ts's table.
 */
import { SH_ENV, type InterpreterRule, type ProgramEntry } from './rule-types.js';

/** POSIX shells and bash: -c makes the first operand the code; only -o and -O take values. */
const POSIX_SHELL: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  operandCode: 'c',
  value: 'oO',
  plus: true,
  unknownLettersAreFlags: true,
  longValue: ['--rcfile', '--init-file'],
  longFlags: [
    '--login',
    '--noprofile',
    '--norc',
    '--posix',
    '--restricted',
    '--verbose',
    '--version',
    '--debugger',
    '--dump-strings',
    '--dump-po-strings',
    '--help',
    '--noediting',
    '--pretty-print',
  ],
};

/** fish: -c and -C (an init command) take the code as their value. */
const FISH: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  code: 'cC',
  value: 'dfop',
  flags: 'hilnNPv',
  longCode: ['--command', '--init-command'],
  longValue: ['--debug', '--debug-output', '--features', '--profile', '--profile-startup'],
  longFlags: [
    '--interactive',
    '--login',
    '--no-execute',
    '--no-config',
    '--private',
    '--print-rusage-self',
    '--print-debug-categories',
    '--help',
    '--version',
  ],
};

/** csh and tcsh: -c makes the first operand the code. */
const CSH: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  operandCode: 'c',
  unknownLettersAreFlags: true,
};

export const SHELLS: readonly ProgramEntry[] = [
  ...['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'pdksh', 'ksh93', 'lksh', 'oksh', 'posh'].map(
    (name) => [name, POSIX_SHELL] as const,
  ),
  ...['zsh', 'yash', 'rbash', 'hush', 'loksh'].map((name) => [name, POSIX_SHELL] as const),
  ['fish', FISH],
  ['csh', CSH],
  ['tcsh', CSH],
];
