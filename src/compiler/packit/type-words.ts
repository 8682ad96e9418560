/**
 * What Packit says about a value of the wrong type: its custom fields (targets,
 * dist_git_branches, actions, files_to_sync, a job's packages) have their own messages, the
 * rest are marshmallow's "Not a valid …".
 */
import { valueAt } from '../paths.js';
import type { Path } from '../yaml-source.js';
import { pyType } from './python-words.js';
import { PACKIT_WORDS, pythonRepr } from './words.js';

type Schema = Record<string, unknown>;

/** What Packit's custom fields say about a wrong shape; else marshmallow's "Not a valid …". */
export function packitTypeWords(
  path: Path,
  value: unknown,
  data: unknown,
  expected: readonly string[],
  schema: Schema,
): string {
  const field = customField(path);
  if (field) {
    const whole = valueAt(data, field.path);
    switch (field.name) {
      case 'targets':
        if (path[path.length - 1] === 'distros')
          return `Expected list[str], got ${pythonRepr(value)} (type ${pyType(value)})`;
        return `Expected 'list[str]' or 'dict[str,dict]', got ${pythonRepr(whole)} (type ${pyType(whole)}).`;
      case 'dist_git_branches':
        return `Expected 'list[str]' or 'dict[str, dict[str, list]]', got ${pythonRepr(whole)} (type ${pyType(whole)}).`;
      case 'actions':
        return field.path.length === path.length
          ? PACKIT_WORDS.actionsType(value)
          : `Expected 'list[str]' or 'str', got ${pyType(value)}.`;
      case 'files_to_sync':
        if (path.length === field.path.length + 1)
          return `Expected 'dict' or 'str', got ${pyType(value)}.`;
        if (path[path.length - 1] === 'src')
          return `Expected 'list[str]' or 'str', got ${pyType(value)}.`;
        break;
      case 'job-packages':
        if (path.length === field.path.length) return PACKIT_WORDS.jobPackagesType(value);
    }
  }
  if (expected.length === 1 && expected[0] === 'object')
    return schema.properties || schema.$ref ? PACKIT_WORDS.notMapping : 'Not a valid mapping type.';
  if (expected.includes('array')) return 'Not a valid list.';
  if (expected.includes('string')) return 'Not a valid string.';
  return 'Invalid value.';
}

const CUSTOM_FIELDS = [
  'targets',
  'dist_git_branches',
  'dist_git_branch',
  'dist-git-branch',
  'actions',
  'files_to_sync',
];

function customField(path: Path): { name: string; path: Path } | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment !== 'string') continue;
    if (segment === 'packages' && path[0] === 'jobs' && i === 2)
      return { name: 'job-packages', path: path.slice(0, 3) };
    if (CUSTOM_FIELDS.includes(segment)) {
      const name = segment.startsWith('dist') ? 'dist_git_branches' : segment;
      return { name, path: path.slice(0, i + 1) };
    }
  }
  return undefined;
}
