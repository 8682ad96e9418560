/**
 * Where in an argv a value computed at run time would become code: read against the program
 * tables of exec-rules.ts. The caller describes each argument by its literal beginning and
 * whether a value is spliced into it (the compiler knows which arguments hold `${{ }}`); the
 * answer lists the arguments that must not hold one, and why (argv-findings.ts). This file finds
 * the program and walks wrappers, find, git-like and docker-like programs; an interpreter's own
 * argv is interpreter-argv.ts's. Bounded: every step moves along the argv, and nesting (a
 * wrapper running a wrapper) stops at MAX_NESTING.
 */
import {
  codeEnvReason,
  commandEnvReason,
  programName,
  programRule,
  type OptionCommandRule,
  type SubcommandRule,
  type WrapperRule,
} from './exec-rules.js';
import {
  couldBeOption,
  roleKind,
  SH_ENV,
  type Arg,
  type ArgShape,
  type Finding,
  type FindingKind,
} from './argv-findings.js';
import { analyzeInterpreter } from './interpreter-argv.js';
import { isOption, readOption } from './option-reading.js';

export type { ArgShape, Finding, FindingKind } from './argv-findings.js';

const MAX_NESTING = 32;

export function analyzeArgv(argv: readonly ArgShape[]): Finding[] {
  const findings: Finding[] = [];
  analyze(
    argv.map((arg, index) => ({ ...arg, index })),
    findings,
    0,
  );
  return findings;
}

function analyze(argv: readonly Arg[], findings: Finding[], nesting: number): void {
  const [program, ...rest] = argv;
  if (!program) return;
  if (program.dynamic) {
    findings.push({ index: program.index, kind: 'program', program: '', why: '', readEnv: SH_ENV });
    return;
  }
  const rule = programRule(program.prefix);
  const name = programName(program.prefix);
  if (!rule) return;
  if (nesting >= MAX_NESTING) {
    everything(rest, findings, name, 'it is nested too deeply to follow', SH_ENV);
    return;
  }
  switch (rule.kind) {
    case 'interpreter':
      return analyzeInterpreter(rule, name, rest, findings);
    case 'wrapper':
      return wrapper(rule, name, rest, findings, nesting);
    case 'everything':
      return everything(rest, findings, name, rule.why, rule.readEnv);
    case 'option-command':
      return optionCommand(rule, name, rest, findings);
    case 'multi-call':
      return analyze(rest, findings, nesting + 1);
    case 'find':
      return find(name, rest, findings, nesting);
    case 'subcommands':
      return subcommands(rule, name, rest, findings);
  }
}

function everything(
  args: readonly Arg[],
  findings: Finding[],
  program: string,
  why: string,
  readEnv: string,
): void {
  for (const arg of args)
    if (arg.dynamic) findings.push({ index: arg.index, kind: 'everything', program, why, readEnv });
}

// ---- wrappers ---------------------------------------------------------------------------------

function wrapper(
  rule: WrapperRule,
  name: string,
  args: readonly Arg[],
  findings: Finding[],
  nesting: number,
): void {
  const report = (arg: Arg, kind: FindingKind, shown = '', why = '') =>
    findings.push({
      index: arg.index,
      kind,
      program: shown === '' ? name : `${name} ${shown}`,
      why,
      readEnv: SH_ENV,
    });
  let leading = rule.leading ?? 0;
  let optionsOpen = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (optionsOpen && !arg.dynamic && arg.prefix === '--') {
      optionsOpen = false;
      continue;
    }
    if (optionsOpen && arg.dynamic && couldBeOption(arg, rule)) {
      // An option or the program: either way the value would decide what runs.
      report(arg, leading === 0 && arg.prefix === '' ? 'program' : 'option');
      return;
    }
    if (optionsOpen && !arg.dynamic && isOption(arg.prefix, rule)) {
      const read = readOption(arg.prefix, rule);
      if (read.shell) {
        // sudo -s: whatever follows becomes one shell command line.
        for (const rest of args.slice(i + 1)) if (rest.dynamic) report(rest, 'code', read.shell);
        return;
      }
      if (read.role === undefined) continue;
      const valueIndex = read.attached ? i : i + 1;
      const value = args[valueIndex];
      if (!read.attached) i++;
      if (read.role === 'split' && value) {
        if (value.dynamic) {
          report(value, 'code', read.shown);
          return;
        }
        // env -S 'sh -c': its words come before the rest of the argv.
        const words = splitWords(value.prefix.slice(read.attached ? (read.valueAt ?? 0) : 0));
        const nested = [
          ...words.map((word) => ({ prefix: word, dynamic: false, index: value.index })),
          ...args.slice(i + 1),
        ];
        return analyze(nested, findings, nesting + 1);
      }
      if (value?.dynamic && read.role !== 'data') report(value, roleKind(read.role), read.shown);
      continue;
    }
    if (leading > 0) {
      leading--;
      if (arg.dynamic && couldBeOption(arg)) report(arg, 'option');
      continue;
    }
    if (rule.assignments === true && isAssignment(arg)) {
      assignment(arg, name, findings);
      continue;
    }
    if (rule.assignments === true && arg.dynamic && !arg.prefix.includes('/')) {
      // `env "${{ x }}" …`: a variable (BASH_ENV=…) or the program; either way not checkable.
      report(arg, 'assignment');
      return;
    }
    return analyze(args.slice(i), findings, nesting + 1);
  }
}

function isAssignment(arg: ArgShape): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(%%)?=/.test(arg.prefix);
}

function assignment(arg: Arg, program: string, findings: Finding[]): void {
  const name = arg.prefix.slice(0, arg.prefix.indexOf('='));
  const code = codeEnvReason(name);
  const command = arg.dynamic ? commandEnvReason(name) : undefined;
  const why =
    code !== undefined
      ? `"${name}" ${code}; ${program} may not set it, whatever its value`
      : command !== undefined
        ? `"${name}" ${command}, so its value may not come from an expression`
        : undefined;
  if (why !== undefined)
    findings.push({ index: arg.index, kind: 'assignment', program, why, readEnv: SH_ENV });
}

/** `env -S` words: split on blanks, with single and double quotes and backslash escapes. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

// ---- git, tar, rsync: options that run commands ------------------------------------------------

function optionCommand(
  rule: OptionCommandRule,
  name: string,
  args: readonly Arg[],
  findings: Finding[],
): void {
  const report = (arg: Arg, kind: FindingKind) =>
    findings.push({ index: arg.index, kind, program: name, why: rule.example, readEnv: SH_ENV });
  const codeLong = (text: string) => rule.longCode.includes(text.replace(/=.*$/s, ''));
  const dataLong = (text: string) => rule.longData?.includes(text) === true;
  const letters = (text: string) => (/^-[^-]/.test(text) ? text.slice(1) : '');
  const dataLetter = (text: string) => text.length === 1 && (rule.data ?? '').includes(text);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.dynamic) {
      if (arg.prefix === '--' || arg.prefix === '--end-of-options') return;
      const takesNext = /^--[^=]+$/.test(arg.prefix) || /^-[^-]$/.test(arg.prefix);
      const next = args[i + 1];
      if (!takesNext || !next?.dynamic) continue;
      if (codeLong(arg.prefix) || [...letters(arg.prefix)].some((l) => rule.code.includes(l))) {
        report(next, 'code');
        i++;
      } else if (dataLong(arg.prefix) || dataLetter(letters(arg.prefix))) {
        i++; // `git commit -m "${{ … }}"`: the option takes it as its value, whatever it is
      }
      continue;
    }
    if (arg.prefix === '') {
      report(arg, 'option');
    } else if (arg.prefix.startsWith('--')) {
      if (!arg.prefix.includes('=')) report(arg, 'option');
      else if (codeLong(arg.prefix)) report(arg, 'code');
    } else if (arg.prefix.startsWith('-')) {
      if ([...letters(arg.prefix)].some((l) => rule.code.includes(l))) report(arg, 'code');
    }
  }
}

// ---- docker run, kubectl exec ----------------------------------------------------------------

function subcommands(
  rule: SubcommandRule,
  name: string,
  args: readonly Arg[],
  findings: Finding[],
): void {
  let choices = rule.running;
  let shown = name;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.dynamic) {
      // A global option or the subcommand: either could make what follows a command.
      findings.push({ index: arg.index, kind: 'option', program: shown, why: '', readEnv: SH_ENV });
      return;
    }
    if (isOption(arg.prefix, rule)) {
      const read = readOption(arg.prefix, rule);
      if (read.role !== undefined && !read.attached) {
        const value = args[++i];
        if (value?.dynamic)
          findings.push({
            index: value.index,
            kind: 'option',
            program: shown,
            why: '',
            readEnv: SH_ENV,
          });
      }
      continue;
    }
    const step = choices.get(arg.prefix);
    if (step === undefined) return; // a subcommand that runs nothing: its arguments are data
    shown = `${shown} ${arg.prefix}`;
    if (step === true) return everything(args.slice(i + 1), findings, shown, rule.why, SH_ENV);
    choices = new Map(step.map((word) => [word, true] as const));
  }
}

// ---- find ----------------------------------------------------------------------------------------

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** Predicates whose one value is a pattern, a number or a name: data. */
const FIND_DATA = new Set(
  (
    '-name -iname -path -ipath -wholename -iwholename -regex -iregex -lname -ilname -newer ' +
    '-anewer -cnewer -user -group -type -xtype -size -mtime -mmin -atime -amin -ctime -cmin ' +
    '-perm -maxdepth -mindepth -samefile -inum -links -uid -gid -fstype -used -printf ' +
    '-regextype -context'
  ).split(' '),
);
/** Predicates with values that are not data (files written or read). */
const FIND_VALUES = new Map([
  ['-fprint', 1],
  ['-fprint0', 1],
  ['-fls', 1],
  ['-fprintf', 2],
  ['-files0-from', 1],
  ['-D', 1],
]);

function find(name: string, args: readonly Arg[], findings: Finding[], nesting: number): void {
  const report = (arg: Arg) =>
    findings.push({
      index: arg.index,
      kind: 'option',
      program: name,
      why: '-exec COMMAND or -delete',
      readEnv: SH_ENV,
    });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.dynamic) {
      if (arg.prefix === '' || /^[-(!]/.test(arg.prefix)) report(arg);
      continue;
    }
    if (FIND_EXEC.has(arg.prefix)) {
      let end = i + 1;
      while (end < args.length && !(args[end]!.prefix === ';' || args[end]!.prefix === '+')) end++;
      analyze(args.slice(i + 1, end), findings, nesting + 1);
      i = end;
      continue;
    }
    if (FIND_DATA.has(arg.prefix) || /^-newer[a-zA-Z]{2}$/.test(arg.prefix)) {
      i++; // its value may be anything: find takes it as the pattern
      continue;
    }
    const values = FIND_VALUES.get(arg.prefix);
    if (values !== undefined) {
      for (let k = 1; k <= values && i + 1 < args.length; k++) {
        const value = args[++i]!;
        if (value.dynamic) report(value);
      }
    }
  }
}
