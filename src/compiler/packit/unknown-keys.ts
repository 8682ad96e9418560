/**
 * The message for a key Packit does not know (marshmallow's "Unknown field."), with the most
 * useful hint: the new name of a removed key, the level a job-only key belongs to, or the
 * nearest known key.
 */
import { valueAt } from '../paths.js';
import { didYouMean, suggestKey } from '../suggest.js';
import type { Path } from '../yaml-source.js';
import { placeOf, whereAt } from './places.js';
import { ACTION_NAMES } from './schema/shapes.js';
import { PACKIT_WORDS, packitSays, pythonRepr } from './words.js';

/** Keys Packit once had (its rename table is empty now, so they are plain unknown fields). */
const REPLACED: Record<string, string> = {
  synced_files: 'it was replaced by "files_to_sync"',
  dist_git_branch:
    'it was renamed "dist_git_branches" (Packit reads the old name only in a job\'s deprecated "metadata")',
  'dist-git-branch':
    'it was renamed "dist_git_branches" (Packit reads the old name only in a job\'s deprecated "metadata")',
  follow_fedora_branching:
    "Packit's schema does not take it, though its changelog (0.76) names it: set follow_fedora_branching in the Copr project's own settings",
  upstream_project_name: 'it was renamed "upstream_package_name"',
  create_tarball_command: 'use the "create-archive" action under "actions"',
  current_version_command: 'use the "get-current-version" action under "actions"',
  downstream_project_url:
    'the dist-git URL comes from "dist_git_base_url" and "downstream_package_name"',
};

const JOB_ONLY = new Set([
  'job',
  'trigger',
  'skip_build',
  'manual_trigger',
  'labels',
  'sidetag_group',
  'dependents',
  'dependencies',
  'metadata',
]);

export function unknownKeyMessage(
  key: string,
  path: Path,
  data: unknown,
  known: readonly string[],
): string {
  const parent = String(path[path.length - 1]);
  const where = whereAt(path, data);
  // Which mapping this is shows in the keys it knows (a package may be called "actions").
  if (known.includes('create-archive')) {
    return `unknown action "${key}" ${where}${didYouMean(key, ACTION_NAMES)}${packitSays(PACKIT_WORDS.unknownActions([key]))}`;
  }
  if (known.includes('distros')) {
    const attrs = valueAt(data, path);
    return `unknown setting "${key}" of target "${parent}"; a target takes ${known.join(', ')}${didYouMean(key, known)}${packitSays(`Unknown key '${key}' in ${pythonRepr(attrs)}`)}`;
  }
  if (known.includes('fast_forward_merge_into')) {
    return `unknown setting "${key}" of branch "${parent}"; a branch takes only fast_forward_merge_into, e.g. {rawhide: {fast_forward_merge_into: [f43]}}${packitSays(`Expected 'list[str]' or 'dict[str, dict[str, list]]'`)}`;
  }
  return `unknown key "${key}" ${where}${hintFor(key, path, data, known)}${packitSays(PACKIT_WORDS.unknownField)}`;
}

function hintFor(key: string, path: Path, data: unknown, known: readonly string[]): string {
  const replaced = REPLACED[key];
  if (replaced) return `; ${replaced}`;
  const level = placeOf(path, data);
  if (JOB_ONLY.has(key) && level.rest.length === 0 && level.level !== 'job')
    return `; "${key}" can only be set in a job`;
  if (key === 'packages' && level.rest.length === 0)
    return '; "packages" can only be at the top level or in a job';
  const suggestion = suggestKey(key, known);
  if (suggestion) return `; did you mean "${suggestion}"?`;
  return known.length > 0 && known.length <= 8 ? `; expected one of: ${known.join(', ')}` : '';
}
