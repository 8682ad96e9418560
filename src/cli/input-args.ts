/**
 * `--input NAME=VALUE` (repeatable) of `run`, `plan` and `runs start`: a manual run's inputs, as
 * text. The compiler's resolver (compiler/inputs/resolve.ts) reads the text as the declared type
 * and says what is wrong, locally or on the server: nothing is checked twice here.
 */
import type { InputProblem } from '../contracts/inputs.js';
import { UsageError } from './io.js';
import { printable } from './terminal-text.js';

export const INPUT_OPTION = { input: { type: 'string', multiple: true } } as const;

/** The inputs given, by name; undefined when none. A name given twice is a usage error. */
export function parseInputArgs(
  given: readonly string[] | undefined,
): Record<string, string> | undefined {
  if (given === undefined || given.length === 0) return undefined;
  const inputs: Record<string, string> = {};
  for (const text of given) {
    const at = text.indexOf('=');
    if (at <= 0) throw new UsageError(`--input ${printable(text)}: write NAME=VALUE`);
    const name = text.slice(0, at);
    if (Object.hasOwn(inputs, name))
      throw new UsageError(`--input ${printable(name)} is given twice`);
    inputs[name] = text.slice(at + 1);
  }
  return inputs;
}

/** `  input "debug": "debug" must be true or false; got "yes"`, one line each, printed inert. */
export function formatInputProblems(errors: readonly InputProblem[]): string {
  return errors
    .map(
      (e) =>
        `  ${e.input === '' ? 'inputs' : `input ${JSON.stringify(printable(e.input))}`}: ${printable(e.message)}\n`,
    )
    .join('');
}
