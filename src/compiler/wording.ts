/** How messages name things: places in the file, JSON types, name rules and lists. */
import { COMMENT_COMMAND_PATTERN } from '../contracts/comment-commands.js';
import { INPUT_NAME_PATTERN } from './schema/inputs.js';
import {
  DURATION_PATTERN,
  ENV_NAME_PATTERN,
  JOB_ID_PATTERN,
  SIGNAL_PATTERN,
} from './schema/common.js';
import type { Path } from './yaml-source.js';
import { shorten } from '../expressions/check.js';

/** How a message names the value at a path: `"timeout" of job "build"`. */
export function subject(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the pipeline';
  if (typeof last === 'number') return `item ${last + 1} of ${subject(path.slice(0, -1))}`;
  if (path[0] === 'jobs' && path.length === 2) return `job "${last}"`;
  if (path[0] === 'jobs' && path.length > 2) {
    return `"${dotted(path.slice(2))}" of job "${String(path[1])}"`;
  }
  return `"${dotted(path)}"`;
}

export function dotted(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

export function typeName(type: string): string {
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

export function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function joinOr(items: readonly string[], word = 'or'): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} ${word} ${unique[unique.length - 1]}`;
}

/** Name rules in words, instead of the regular expressions that enforce them. */
const PATTERN_RULES: Record<string, (value: string) => string> = {
  [JOB_ID_PATTERN]: (v) =>
    `job id "${shorten(v)}" may use only letters, digits, "_" and "-", must not start with a digit, and may be at most 100 characters long`,
  [INPUT_NAME_PATTERN]: (v) =>
    `input name "${shorten(v)}" may use only letters, digits, "_" and "-", must not start with a digit, and may be at most 64 characters long`,
  [ENV_NAME_PATTERN]: (v) =>
    `variable name "${shorten(v)}" may use only letters, digits and "_", and must not start with a digit`,
  [SIGNAL_PATTERN]: (v) => `signal name "${v}" may use only letters, digits, "_", ".", ":" and "-"`,
  [COMMENT_COMMAND_PATTERN]: (v) =>
    `comment command "${shorten(v)}" must be a slash command: a "/" and a word right after it, as in "/ci retest"`,
  [DURATION_PATTERN]: (v) => `"${v}" is not a duration; write 500ms, 30s, 5m, 2h, 7d or 1h30m`,
};

export function patternRule(pattern: string, value: string): string | undefined {
  return PATTERN_RULES[pattern]?.(value);
}
