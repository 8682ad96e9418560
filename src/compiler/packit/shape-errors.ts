/**
 * ajv's errors on a Packit file, as diagnostics: forgeflow's words, the place the value is
 * written, then Packit's own words. Built from the pipeline front-end's parts (union
 * collapsing, suggestions, wording); its schemaDiagnostics is not reused as is because Packit's
 * jobs are a list (messages count them from 1 and name their type) and each message here ends
 * with what Packit says.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics.js';
import { pointerToPath, valueAt } from '../paths.js';
import { suggestKey } from '../suggest.js';
import { collapseUnions } from '../union-errors.js';
import { joinOr, jsonType, typeName } from '../wording.js';
import { makeDiagnostic, type Path } from '../yaml-source.js';
import type { PackitLocator } from './locate.js';
import { subjectAt } from './places.js';
import { kindOf } from './schema/fields.js';
import { unknownKeyMessage } from './unknown-keys.js';
import { packitTypeWords } from './type-words.js';
import { PACKIT_WORDS, packitSays, pythonRepr } from './words.js';

type Schema = Record<string, unknown>;

export function shapeDiagnostics(
  errors: readonly ErrorObject[],
  data: unknown,
  file: string,
  locator: PackitLocator,
): Diagnostic[] {
  const kept = collapseUnions(errors, data).filter((e) => !checkedInCode(e));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of kept) {
    const path = pointerToPath(error.instancePath);
    const { message, at, part } = describe(error, path, data);
    const span = locator.span(at, part);
    // One anchor merged into several jobs is one mistake, written once.
    const key = `${span.line}:${span.column}:${error.keyword}:${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(makeDiagnostic(file, span, 'schema', message));
  }
  return out;
}

/** `job` and `trigger` are checked by checks/jobs.ts, which can say more (split triggers). */
function checkedInCode(error: ErrorObject): boolean {
  if (/^\/jobs\/\d+\/(job|trigger)$/.test(error.instancePath)) return true;
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return (
    error.keyword === 'required' &&
    /^\/jobs\/\d+$/.test(error.instancePath) &&
    (missing === 'job' || missing === 'trigger')
  );
}

interface Described {
  message: string;
  at: Path;
  part: 'key' | 'value';
}

function describe(error: ErrorObject, path: Path, data: unknown): Described {
  const value = valueAt(data, path);
  const parent = (error.parentSchema ?? {}) as Schema;
  const what = subjectAt(path, data);
  if (kindOf(parent) !== 'other' && error.keyword !== 'required')
    return { message: typeMessage(error, path, value, data), at: path, part: 'value' };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      return {
        message: unknownKeyMessage(key, path, data, known),
        at: [...path, key],
        part: 'key',
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        message: `${what} has no "${missing}"${packitSays(PACKIT_WORDS.missing)}`,
        at: path,
        part: 'value',
      };
    }
    case 'enum': {
      const allowed = ((parent.enum as unknown[]) ?? []).map(String);
      const suggestion = typeof value === 'string' ? suggestKey(value, allowed) : undefined;
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : `; use one of: ${allowed.join(', ')}`;
      const quote =
        typeof value === 'boolean'
          ? `; YAML reads unquoted on/off/yes/no as ${String(value)}: quote the word`
          : '';
      return {
        message: `${what}: ${JSON.stringify(value)} is not allowed${hint}${quote}${packitSays(`Must be one of: ${allowed.join(', ')}.`)}`,
        at: path,
        part: 'value',
      };
    }
    case 'not': // the only `not` is "not null", on a key Packit accepts anything else for
      return {
        message: `${what} is written with no value; give it one or remove the key${packitSays('Field may not be null.')}`,
        at: path,
        part: 'value',
      };
    case 'pattern': // the only pattern left to ajv: upstream_package_name's
      return {
        message: `${what} must be a name, not a path: no "/"${packitSays(PACKIT_WORDS.repoName)}`,
        at: path,
        part: 'value',
      };
    default:
      return { message: typeMessage(error, path, value, data), at: path, part: 'value' };
  }
}

function typeMessage(error: ErrorObject, path: Path, value: unknown, data: unknown): string {
  const schema = (error.parentSchema ?? {}) as Schema;
  const kind = kindOf(schema);
  const got = describeValue(value);
  const what = subjectAt(path, data);
  if (kind === 'bool')
    return `${what} must be true or false, not ${got}${packitSays(nullOr(value, 'Not a valid boolean.'))}`;
  if (kind === 'int') {
    const minimum = schema.minimum as number | undefined;
    const bound = minimum === undefined ? '' : ` of at least ${minimum}`;
    // A whole number below the minimum fails Packit's validator, not its type check.
    const words = Number.isInteger(value) ? 'Invalid value.' : 'Not a valid integer.';
    return `${what} must be a whole number${bound}, not ${got}${packitSays(nullOr(value, words))}`;
  }
  const expected = expectedTypes(schema);
  return `${what} must be ${joinOr(expected.map(typeName))}, not ${got}${packitSays(
    nullOr(value, packitTypeWords(path, value, data, expected, schema)),
  )}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (value instanceof Date)
    return `a date (${value.toISOString().slice(0, 10)}; quote it to keep it a string)`;
  return `${typeName(jsonType(value))} (${pythonRepr(value, 30)})`;
}

function nullOr(value: unknown, words: string): string {
  return value === null ? 'Field may not be null.' : words;
}

function expectedTypes(schema: Schema): string[] {
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
  const types = branches.flatMap((b) =>
    typeof b.type === 'string'
      ? [b.type]
      : Array.isArray(b.type)
        ? (b.type as string[])
        : b.$ref
          ? ['object']
          : b.enum
            ? ['string']
            : [],
  );
  return [...new Set(types.filter((t) => t !== 'null'))];
}
