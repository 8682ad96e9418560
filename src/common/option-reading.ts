/**
 * Reading one option argument against a program's OptionSyntax (exec-rules.ts): clusters of
 * letters (`-ec` is -e and -c; a letter that takes a value takes the rest of the cluster), long
 * names with an attached `=value`, and what role the value that follows has (code, a script, data,
 * a plain value). argv-analysis.ts and interpreter-argv.ts walk an argv with it.
 */
import type { OptionSyntax, WrapperRule } from './exec-rules.js';

export type Role = 'code' | 'script' | 'data' | 'value' | 'split' | 'shell-code';

/** What one option argument says. */
export interface OptionRead {
  /** The option (and its spelling) whose value follows or is attached. */
  role?: Role;
  shown?: string;
  /** The value is in this argument (attached), not in the next one. */
  attached?: boolean;
  /** Where the value starts in the argument, when attached. */
  valueAt?: number;
  /** A shell's -c: the first operand is the code. */
  operandCode?: string;
  /** sudo -s: the rest of the argv is a shell command line. */
  shell?: string;
  /** The argument ended inside the option letters or name (a spliced value would extend them). */
  open?: boolean;
}

export function isOption(text: string, syntax: OptionSyntax): boolean {
  if (text.length < 2) return false;
  return text.startsWith('-') || (syntax.plus === true && text.startsWith('+'));
}

/** Reads `text` (a literal argument, or the literal beginning of one) as an option. */
export function readOption(text: string, syntax: OptionSyntax): OptionRead {
  // A listed word is read as one option (java's -jar, node's -pe, which is -p and -e).
  if (text.startsWith('--') || syntax.singleDashWords === true || isListed(text, syntax))
    return readLong(text, syntax);
  const read: OptionRead = {};
  const letters = text.slice(1);
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i]!;
    const shown = `${text[0]}${letter}`;
    const role = letterRole(letter, syntax);
    if (role === 'operand-code') {
      read.operandCode = shown;
      continue;
    }
    if (role === 'shell') {
      read.shell = shown;
      continue;
    }
    if (role === 'flag') continue;
    if (role === 'glued') return read; // the rest of the cluster is its value
    if (role === 'digits') {
      while (i + 1 < letters.length && /[0-9a-fA-Fx]/.test(letters[i + 1]!)) i++;
      continue;
    }
    const attached = i + 1 < letters.length;
    return { ...read, role, shown, attached, valueAt: i + 2 };
  }
  return { ...read, open: true };
}

function isListed(text: string, syntax: OptionSyntax): boolean {
  const name = text.replace(/[=:].*$/s, '');
  return [
    syntax.longCode,
    syntax.longScript,
    syntax.longData,
    syntax.longValue,
    syntax.longFlags,
    syntax.longShell,
  ].some((list) => list?.includes(name) === true);
}

function letterRole(
  letter: string,
  syntax: OptionSyntax,
): Role | 'flag' | 'glued' | 'digits' | 'operand-code' | 'shell' {
  if ((syntax.operandCode ?? '').includes(letter)) return 'operand-code';
  if ((syntax.shell ?? '').includes(letter)) return 'shell';
  if ((syntax.code ?? '').includes(letter)) return 'code';
  if ((syntax.script ?? '').includes(letter)) return 'script';
  if ((syntax.data ?? '').includes(letter)) return 'data';
  if ((syntax.value ?? '').includes(letter)) return 'value';
  if (((syntax as WrapperRule).split ?? '').includes(letter)) return 'split';
  if ((syntax.glued ?? '').includes(letter)) return 'glued';
  if ((syntax.digits ?? '').includes(letter)) return 'digits';
  if ((syntax.flags ?? '').includes(letter) || syntax.unknownLettersAreFlags) return 'flag';
  return 'value'; // unknown: taken to have a value, which refuses more, never less
}

function readLong(text: string, syntax: OptionSyntax): OptionRead {
  const equals = text.search(/[=:]/);
  const name = equals === -1 ? text : text.slice(0, equals);
  const attached = equals !== -1;
  const valueAt = equals + 1;
  const has = (list: readonly string[] | undefined) => list?.includes(name) === true;
  const role: Role | undefined = has(syntax.longCode)
    ? 'code'
    : has(syntax.longScript)
      ? 'script'
      : has(syntax.longData)
        ? 'data'
        : has(syntax.longValue)
          ? 'value'
          : has((syntax as WrapperRule).longSplit)
            ? 'split'
            : undefined;
  if (has(syntax.longShell)) return { shell: name };
  if (role) return { role, shown: name, attached, valueAt };
  if (attached) return { role: 'value', shown: name, attached, valueAt };
  if (has(syntax.longFlags) || syntax.unknownLongsAreFlags) return {};
  return { role: 'value', shown: name, attached: false };
}

/** What a spliced value glued to the end of this option argument would be. */
export function dynamicOption(
  prefix: string,
  syntax: OptionSyntax,
): { role: Role | 'option'; shown?: string } {
  const long = prefix.startsWith('--') || syntax.singleDashWords === true;
  // `--ev${{ x }}`: the value would finish the option's name.
  if (long && !/[=:]/.test(prefix)) return { role: 'option' };
  const read = readOption(prefix, syntax);
  if (read.open || read.role === undefined) return { role: 'option' };
  return { role: read.role, shown: read.shown ?? '' };
}
