/**
 * The one check of the values a manual run is started with, wherever it is started (the API,
 * `forgeflow runs start --input`, `forgeflow run --input`, the page's form): unknown names
 * refused, text coerced to the declared type (`--input n=3` is the number 3), a choice held to
 * its options, defaults applied, required inputs enforced, sizes bounded; every problem at once.
 */
import type { InputProblem, InputValue, InputValues } from '../../contracts/inputs.js';
import { isStorableText } from '../../events/storable-json.js';
import { COMPILE_LIMITS, count } from '../limits.js';
import { didYouMean } from '../suggest.js';
import type { DeclaredInput } from './declared.js';

export type InputResolution =
  { ok: true; values: InputValues } | { ok: false; errors: InputProblem[] };

/**
 * The values a run of any other trigger (push, pull_request, …) reads: each input's default,
 * `false` for a boolean without one, null otherwise. GitHub Actions gives such runs an empty
 * `inputs`; forgeflow gives the defaults, so a pipeline reads the same typed values whatever
 * started it.
 */
export function defaultInputs(declared: readonly DeclaredInput[]): InputValues {
  return Object.fromEntries(declared.map((input) => [input.name, fallback(input)]));
}

function fallback(input: DeclaredInput): InputValue | null {
  return input.default ?? (input.type === 'boolean' ? false : null);
}

/** `given` is what the caller sent: a mapping of names to strings, numbers or booleans. */
export function resolveInputs(declared: readonly DeclaredInput[], given: unknown): InputResolution {
  const mapping = given ?? {};
  if (typeof mapping !== 'object' || Array.isArray(mapping))
    return problems([{ input: '', message: 'inputs are a mapping of names to values' }]);
  const entries = Object.entries(mapping);
  const names = declared.map((d) => d.name);
  if (entries.length > COMPILE_LIMITS.maxInputs)
    return problems([
      {
        input: '',
        message: `${count(entries.length)} inputs given; a pipeline declares at most ${COMPILE_LIMITS.maxInputs}`,
      },
    ]);
  const errors: InputProblem[] = [];
  const byName = new Map<string, unknown>(entries);
  for (const [name] of entries) {
    if (!names.includes(name))
      errors.push({
        input: shorten(name),
        message:
          names.length === 0
            ? `the pipeline declares no inputs (on.manual.inputs)`
            : `no input "${shorten(name)}" is declared${didYouMean(name, names)}; declared: ${names.join(', ')}`,
      });
  }
  const values: InputValues = {};
  for (const input of declared) {
    const raw = byName.get(input.name);
    const value = raw === undefined ? undefined : coerce(input, raw);
    if (typeof value === 'object' && value !== null) {
      errors.push({ input: input.name, message: value.problem });
      continue;
    }
    // An empty field of the page's form, or `--input name=`, is "not given" for every type
    // but string, where '' is a value (unless the input is required, as GitHub's form has it).
    const missing = value === undefined || value === null || (value === '' && input.required);
    if (missing && input.required && input.default === null)
      errors.push({ input: input.name, message: `"${input.name}" is required` });
    else values[input.name] = missing ? fallback(input) : value;
  }
  return errors.length > 0 ? problems(errors) : { ok: true, values };
}

function problems(errors: InputProblem[]): InputResolution {
  return { ok: false, errors };
}

type Coerced = InputValue | null | undefined | { problem: string };

/** A given value as the input's type; text is read as the type (the CLI and forms send text). */
function coerce(input: DeclaredInput, raw: unknown): Coerced {
  const { name, type } = input;
  if (raw === null) return null;
  if (typeof raw === 'string') {
    if (raw.length > COMPILE_LIMITS.maxInputChars)
      return {
        problem: `"${name}" is ${count(raw.length)} characters long; at most ${count(COMPILE_LIMITS.maxInputChars)}`,
      };
    // The API's body parser already replaced them; the CLI's and other callers' text is checked.
    if (!isStorableText(raw))
      return {
        problem: `"${name}" contains a NUL character or a lone UTF-16 surrogate, which cannot be stored`,
      };
  }
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? raw : wrongType(name, 'a string', raw);
    case 'number':
      return numberOf(name, raw);
    case 'boolean':
      return booleanOf(name, raw);
    case 'choice': {
      if (typeof raw !== 'string') return wrongType(name, 'one of its options', raw);
      const options = input.options ?? [];
      if (raw === '' && !options.includes('')) return undefined;
      return options.includes(raw)
        ? raw
        : {
            problem: `"${name}" must be ${optionList(options)}; got ${JSON.stringify(shorten(raw))}${didYouMean(raw, options)}`,
          };
    }
  }
}

function numberOf(name: string, raw: unknown): Coerced {
  if (typeof raw === 'number')
    return Number.isFinite(raw) ? raw : { problem: `"${name}" must be a finite number` };
  if (typeof raw !== 'string') return wrongType(name, 'a number', raw);
  const text = raw.trim();
  if (text === '') return undefined;
  const value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
  return Number.isFinite(value)
    ? value
    : { problem: `"${name}" must be a number; got ${JSON.stringify(shorten(raw))}` };
}

function booleanOf(name: string, raw: unknown): Coerced {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw !== 'string') return wrongType(name, 'true or false', raw);
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return { problem: `"${name}" must be true or false; got ${JSON.stringify(shorten(raw))}` };
}

function wrongType(name: string, wanted: string, raw: unknown): { problem: string } {
  const got = Array.isArray(raw) ? 'a list' : raw === null ? 'null' : `a ${typeof raw}`;
  return { problem: `"${name}" must be ${wanted}; got ${got}` };
}

/** The options in a message: all of a short list, the count of a long one. */
export function optionList(options: readonly string[]): string {
  if (options.length > 10) return `one of its ${options.length} options`;
  return `one of ${options.map((o) => JSON.stringify(shorten(o))).join(', ')}`;
}

function shorten(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}
