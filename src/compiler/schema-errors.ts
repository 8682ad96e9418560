/**
 * Turns ajv's errors into diagnostics a person can act on.
 *
 * ajv reports every branch of a union (`on:` may be a name, a list or a mapping), which reads
 * as noise. We keep only the branch whose type matches the data the user wrote, and say "must
 * be a string or a list" when none does. Unknown keys get "did you mean".
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic, Rule } from './diagnostics.js';
import { DURATION_PATTERN } from './schema/common.js';
import { closest } from './suggest.js';
import { makeDiagnostic, type Locator, type Path } from './yaml-source.js';

export interface ErrorContext {
  file: string;
  locator: Locator;
  /** Where the validated value sits in the document (empty for the whole file). */
  base: Path;
  /** The rule for ordinary schema errors (`schema` for the pipeline, `input` for `with:`). */
  rule: Rule;
  /** Says where a path is, for messages: `in job "build"`. */
  describe: (path: Path) => string;
}

type Schema = Record<string, unknown>;

export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  data: unknown,
  ctx: ErrorContext,
): Diagnostic[] {
  return collapseUnions(errors, data).map((error) => toDiagnostic(error, data, ctx));
}

function toDiagnostic(error: ErrorObject, data: unknown, ctx: ErrorContext): Diagnostic {
  const path = [...ctx.base, ...pointerToPath(error.instancePath)];
  const where = ctx.describe(path);
  const value = valueAt(data, pointerToPath(error.instancePath));
  const at = (p: Path, part: 'key' | 'value' = 'value') => ctx.locator.span(p, part);
  const make = (rule: Rule, message: string, p: Path = path, part: 'key' | 'value' = 'value') =>
    makeDiagnostic(ctx.file, at(p, part), rule, message);
  const parent = (error.parentSchema ?? {}) as Schema;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const keyPath = [...path, key];
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      if (known.length === 0 && parent.patternProperties) {
        const pattern = Object.keys(parent.patternProperties)[0] ?? '';
        return make(
          ctx.rule,
          `"${key}" is not a valid name ${where} (it must match ${pattern})`,
          keyPath,
          'key',
        );
      }
      const suggestion = closest(key, known);
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : known.length > 0
          ? `; expected one of: ${known.join(', ')}`
          : '';
      return make(ctx.rule, `unknown key "${key}" ${where}${hint}`, keyPath, 'key');
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return make(
        ctx.rule,
        `missing key "${missing}" ${where}`,
        path,
        path.length === 0 ? 'value' : 'key',
      );
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type)
        .split(',')
        .map(typeName);
      return make(
        ctx.rule,
        `${subject(path)} must be ${joinOr(expected)}, not ${typeName(jsonType(value))}`,
      );
    }
    case 'pattern': {
      const pattern = String((error.params as { pattern: string }).pattern);
      if (pattern === DURATION_PATTERN) {
        return make(
          'duration',
          `${subject(path)}: "${String(value)}" is not a duration; write 500ms, 30s, 5m, 2h, 7d or 1h30m`,
        );
      }
      return make(ctx.rule, `${subject(path)}: "${String(value)}" must match ${pattern}`);
    }
    case 'const':
    case 'enum': {
      const allowed =
        error.keyword === 'const' ? [parent.const] : ((parent.enum as unknown[]) ?? []);
      return make(
        ctx.rule,
        `${subject(path)} must be ${joinOr(allowed.map((v) => JSON.stringify(v)))}, not ${JSON.stringify(value)}`,
      );
    }
    case 'oneOf':
    case 'anyOf': {
      // Left over after collapsing: no branch has the data's type, or all are constants.
      const branches = (error.schema as Schema[]) ?? [];
      const alternatives = branches.map(requiredOnly);
      if (alternatives.every((a) => a !== undefined) && alternatives.length > 0) {
        const exactly = error.keyword === 'oneOf' ? 'exactly ' : '';
        return make(
          ctx.rule,
          `${where}: give ${exactly}one of ${joinOr(alternatives.map((a) => `"${a}"`))}`,
        );
      }
      const constants = branches.map((b) => b.const).filter((c) => c !== undefined);
      if (constants.length === branches.length && constants.length > 0) {
        const names = constants.map(String);
        const suggestion = typeof value === 'string' ? closest(value, names) : undefined;
        const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
        return make(
          ctx.rule,
          `${subject(path)}: ${JSON.stringify(value)} is not one of ${names.join(', ')}${hint}`,
        );
      }
      const expected = [...new Set(branches.flatMap((b) => [...typesOf(b)]))].map(typeName);
      return make(
        ctx.rule,
        `${subject(path)} must be ${joinOr(expected)}, not ${typeName(jsonType(value))}`,
      );
    }
    case 'minItems':
      return make(ctx.rule, `${subject(path)} must not be empty`);
    case 'minProperties':
      return make(ctx.rule, `${subject(path)} must have at least one entry`);
    default:
      return make(ctx.rule, `${subject(path)} ${error.message ?? 'is invalid'}`);
  }
}

/** Keeps, for each union, only the errors of the branch that matches the data's type. */
function collapseUnions(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  let remaining = [...errors];
  const done = new Set<ErrorObject>();
  for (;;) {
    const union = remaining
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !done.has(e))
      .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
    if (!union) return remaining;
    done.add(union);
    const inBranch = (e: ErrorObject, i: number) =>
      e.schemaPath.startsWith(`${union.schemaPath}/${i}/`) &&
      (e.instancePath === union.instancePath ||
        e.instancePath.startsWith(`${union.instancePath}/`));
    const branches = (union.schema as Schema[]) ?? [];
    const type = jsonType(valueAt(data, pointerToPath(union.instancePath)));
    const matching = branches
      .map((branch, i) => ({ i, branch, count: remaining.filter((e) => inBranch(e, i)).length }))
      .filter(({ branch }) => typeMatches(typesOf(branch), type) && branch.const === undefined);
    const best = matching.sort((a, b) => a.count - b.count)[0];
    remaining = remaining.filter((e) => {
      const branchIndex = branches.findIndex((_, i) => inBranch(e, i));
      if (branchIndex === -1) return e !== union || !best;
      return best !== undefined && branchIndex === best.i;
    });
  }
}

/** The key a branch such as `{ required: ['command'] }` asks for, if that is all it does. */
function requiredOnly(schema: Schema): string | undefined {
  const keys = Object.keys(schema);
  const required = schema.required;
  return keys.length === 1 && Array.isArray(required) && required.length === 1
    ? String(required[0])
    : undefined;
}

function typesOf(schema: Schema): Set<string> {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type.map(String));
  if (schema.const !== undefined) return new Set([jsonType(schema.const)]);
  if (Array.isArray(schema.anyOf))
    return new Set((schema.anyOf as Schema[]).flatMap((s) => [...typesOf(s)]));
  return new Set(['any']);
}

function typeMatches(types: Set<string>, type: string): boolean {
  return types.has('any') || types.has(type) || (type === 'integer' && types.has('number'));
}

export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'empty',
  };
  return names[type] ?? type;
}

function joinOr(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** How a message names the value at a path: `"timeout" of job "build"`. */
function subject(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the pipeline';
  if (typeof last === 'number') return `item ${last + 1} of "${String(path[path.length - 2])}"`;
  if (path[0] === 'jobs' && path.length === 2) return `job "${last}"`;
  if (path[0] === 'jobs' && path.length > 2)
    return `"${path.slice(2).join('.')}" of job "${String(path[1])}"`;
  return `"${path.join('.')}"`;
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

export function valueAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
