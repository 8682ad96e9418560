/**
 * One level's keys as Packit holds them after loading: the old branch key renamed, a single
 * target or branch turned into a list, marshmallow's "yes"/"7200" turned into true/7200,
 * `spec_source_id: 1` into "Source1", and the ignored `dist_git_url` dropped.
 */
import { RENAMED_BRANCH_KEYS } from './checks/keys.js';
import type { Dict } from '../checks/context.js';
import { JOB_ONLY_KEYS, PACKAGE_KEYS } from './schema.js';
import { BOOLEAN_WORDS, kindOf } from './schema/fields.js';

const ALL_KEYS: Record<string, unknown> = { ...PACKAGE_KEYS, ...JOB_ONLY_KEYS };
/** A key's scalar kind, looking through `orUnset`'s union with null (job-keys.ts). */
const kindOfKey = (schema: unknown) => {
  const branches = (schema as { anyOf?: unknown[] }).anyOf;
  return Array.isArray(branches) ? kindOf(branches[0]) : kindOf(schema);
};
const keysOfKind = (kind: 'bool' | 'int') =>
  new Set(Object.keys(ALL_KEYS).filter((key) => kindOfKey(ALL_KEYS[key]) === kind));
const BOOL_KEYS = keysOfKind('bool');
const INT_KEYS = keysOfKind('int');
const TRUE_WORDS: readonly unknown[] = [...BOOLEAN_WORDS.true, 1];

export function normalizeLevel(level: Dict): Dict {
  const out: Dict = {};
  for (const [key, value] of Object.entries(level)) {
    if (key !== 'dist_git_url') out[key] = coerce(key, value);
  }
  for (const old of RENAMED_BRANCH_KEYS) {
    if (!(old in out)) continue;
    out.dist_git_branches = out[old];
    delete out[old];
  }
  for (const key of ['targets', 'dist_git_branches']) {
    if (typeof out[key] === 'string') out[key] = [out[key]];
  }
  return out;
}

function coerce(key: string, value: unknown): unknown {
  if (BOOL_KEYS.has(key) && (typeof value === 'string' || typeof value === 'number'))
    return TRUE_WORDS.includes(value);
  if (INT_KEYS.has(key) && typeof value === 'string') return Number(value);
  if (key === 'spec_source_id' && /^[0-9]+$/.test(String(value))) return `Source${Number(value)}`;
  return value;
}

export function omit(level: Dict, keys: readonly string[]): Dict {
  return Object.fromEntries(Object.entries(level).filter(([key]) => !keys.includes(key)));
}
