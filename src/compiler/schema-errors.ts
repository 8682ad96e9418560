/**
 * Turns ajv's errors into diagnostics a person can act on: the place, what is wrong in words
 * (never a regular expression), and "did you mean" for misspelt keys and values.
 */
import { count } from './limits.js';
import type { ErrorObject } from 'ajv';
import type { Diagnostic, Rule } from './diagnostics.js';
import { pointerToPath, valueAt } from './paths.js';
import { DURATION_PATTERN } from './schema/common.js';
import { closest, suggestKey } from './suggest.js';
import { collapseUnions, requiredOnly, typesOf, type Schema } from './union-errors.js';
import { joinOr, jsonType, patternRule, subject, typeName } from './wording.js';
import { makeDiagnostic, type Locator, type Path } from './yaml-source.js';
import { shorten } from '../expressions/check.js';
import { hasExpression } from '../expressions/template.js';

export { pointerToPath, valueAt } from './paths.js';

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

export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  data: unknown,
  ctx: ErrorContext,
): Diagnostic[] {
  const kept = collapseUnions(errors, data).filter((e) => !isExpressionValue(e, data));
  // "unknown key jbos; did you mean jobs?" already says what "missing key jobs" would.
  const suggested = new Set(
    kept
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => `${e.instancePath}\0${suggestionFor(e) ?? ''}`),
  );
  return kept
    .filter(
      (e) =>
        e.keyword !== 'required' ||
        !suggested.has(
          `${e.instancePath}\0${(e.params as { missingProperty: string }).missingProperty}`,
        ),
    )
    .map((error) => toDiagnostic(error, data, ctx));
}

/** A `${{ }}` where a literal belongs is reported once, by the expression check. */
function isExpressionValue(error: ErrorObject, data: unknown): boolean {
  const value = valueAt(data, pointerToPath(error.instancePath));
  return typeof value === 'string' && hasExpression(value) && error.keyword === 'pattern';
}

function suggestionFor(error: ErrorObject): string | undefined {
  const key = String((error.params as { additionalProperty: string }).additionalProperty);
  const known = Object.keys((error.parentSchema?.properties as Schema) ?? {});
  return suggestKey(key, known);
}

function toDiagnostic(error: ErrorObject, data: unknown, ctx: ErrorContext): Diagnostic {
  const local = pointerToPath(error.instancePath);
  const path = [...ctx.base, ...local];
  const where = ctx.describe(path);
  const value = valueAt(data, local);
  const make = (rule: Rule, message: string, p: Path = path, part: 'key' | 'value' = 'value') =>
    makeDiagnostic(ctx.file, ctx.locator.span(p, part), rule, message);
  const parent = (error.parentSchema ?? {}) as Schema;
  const what = subject(path);

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const keyPath = [...path, key];
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      const names = parent.patternProperties as Schema | undefined;
      if (known.length === 0 && names) {
        const pattern = Object.keys(names)[0] ?? '';
        const rule = patternRule(pattern, key) ?? `"${key}" is not a valid name ${where}`;
        return make(ctx.rule, rule, keyPath, 'key');
      }
      const suggestion = suggestionFor(error);
      const hint = suggestion
        ? `; did you mean "${suggestion}"?`
        : known.length > 0
          ? `; expected one of: ${known.join(', ')}`
          : '';
      return make(ctx.rule, `unknown key "${shorten(key)}" ${where}${hint}`, keyPath, 'key');
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
      if (parent.pattern === DURATION_PATTERN && typeof value === 'number') {
        return make('duration', `${what}: ${value} has no unit; write ${value}s or ${value}m`);
      }
      const expected = String((error.params as { type: string }).type)
        .split(',')
        .map(typeName);
      return make(
        ctx.rule,
        `${what} must be ${joinOr(expected)}, not ${typeName(jsonType(value))}`,
      );
    }
    case 'pattern': {
      const pattern = String((error.params as { pattern: string }).pattern);
      const rule = patternRule(pattern, String(value));
      const kind: Rule = pattern === DURATION_PATTERN ? 'duration' : ctx.rule;
      return make(kind, `${what}: ${rule ?? `"${String(value)}" must match ${pattern}`}`);
    }
    case 'const':
    case 'enum': {
      const allowed =
        error.keyword === 'const' ? [parent.const] : ((parent.enum as unknown[]) ?? []);
      return make(ctx.rule, notOneOf(what, value, allowed));
    }
    case 'oneOf':
    case 'anyOf': {
      const branches = (error.schema as Schema[] | undefined) ?? [];
      const keys = branches.map(requiredOnly);
      if (keys.length > 0 && keys.every((k) => k !== undefined)) {
        const present = keys.filter(
          (k) => value !== null && typeof value === 'object' && k in value,
        );
        const options = joinOr(keys.map((k) => `"${k}"`));
        if (present.length > 1) {
          return make(
            ctx.rule,
            `${where}: give exactly one of ${options}, not both`,
            [...path, present[1]!],
            'key',
          );
        }
        return make(
          ctx.rule,
          `${where}: give ${error.keyword === 'oneOf' ? 'exactly ' : ''}one of ${options}`,
          path,
          'key',
        );
      }
      const constants = branches.map((b) => b.const).filter((c) => c !== undefined);
      if (constants.length === branches.length && constants.length > 0) {
        return make(ctx.rule, notOneOf(what, value, constants));
      }
      const expected = [...new Set(branches.flatMap((b) => [...typesOf(b)]))].map(typeName);
      return make(
        ctx.rule,
        `${what} must be ${joinOr(expected)}, not ${typeName(jsonType(value))}`,
      );
    }
    case 'not': {
      const forbidden = (parent.not as Schema | undefined)?.required;
      if (Array.isArray(forbidden)) {
        const names = forbidden.map(String);
        return make(
          ctx.rule,
          `${where}: ${joinOr(
            names.map((n) => `"${n}"`),
            'and',
          )} cannot be used together`,
          [...path, names[names.length - 1]!],
          'key',
        );
      }
      return make(ctx.rule, `${what} is not allowed here`);
    }
    case 'minItems':
    case 'minLength':
      return make(ctx.rule, `${what} must not be empty`);
    case 'minProperties':
      return make(ctx.rule, `${what} must have at least one entry`);
    case 'maxItems':
    case 'maxProperties':
    case 'maxLength': {
      const limit = (error.params as { limit: number }).limit;
      const unit = { maxItems: 'items', maxProperties: 'entries', maxLength: 'characters' }[
        error.keyword
      ];
      return make(ctx.rule, `${what} may have at most ${count(limit)} ${unit}`);
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      const bound = error.keyword === 'minimum' ? `at least ${limit}` : `at most ${limit}`;
      const fraction = path[path.length - 1] === 'jitter' ? ' (a fraction: 0.2 means ±20%)' : '';
      return make(ctx.rule, `${what} must be ${bound}, not ${String(value)}${fraction}`);
    }
    default:
      return make(ctx.rule, `${what} ${error.message ?? 'is invalid'}`);
  }
}

function notOneOf(what: string, value: unknown, allowed: readonly unknown[]): string {
  const names = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const suggestion = typeof value === 'string' ? closest(value, names) : undefined;
  const hint = suggestion
    ? `; did you mean "${suggestion}"?`
    : `; expected one of: ${names.join(', ')}`;
  return `${what}: ${JSON.stringify(value)} is not allowed${hint}`;
}
