/**
 * Checks of package-level keys where they are written (every level of levels.ts): deprecated
 * names, values Packit validates itself (PEP 440 specifiers), and identifiers that would
 * break status names.
 */
import type { Dict } from '../../checks/context.js';
import { levelsOf } from '../levels.js';
import { checkSingleNames } from './single-names.js';
import type { Report } from '../report.js';
import { PACKIT_WORDS, packitSays } from '../words.js';

/** In Packit's order: when both are written, the last one renamed wins. */
export const RENAMED_BRANCH_KEYS = ['dist-git-branch', 'dist_git_branch'] as const;

export function checkKeys(report: Report, data: Dict): void {
  for (const { level, path, value } of levelsOf(data)) {
    // Packit renames the old keys in metadata only; elsewhere the schema says they are unknown.
    for (const key of level === 'metadata' ? RENAMED_BRANCH_KEYS : []) {
      if (!(key in value)) continue;
      const both =
        'dist_git_branches' in value
          ? '; "dist_git_branches" is set too, and Packit uses this one'
          : '';
      report.warning(
        [...path, key],
        `"${key}" is deprecated: rename it "dist_git_branches"${both}${packitSays(PACKIT_WORDS.renamedBranch(key))}`,
      );
    }
    if ('dist_git_url' in value)
      report.warning(
        [...path, 'dist_git_url'],
        `"dist_git_url" is ignored: the dist-git URL comes from dist_git_base_url and downstream_package_name${packitSays(PACKIT_WORDS.notProcessed('dist_git_url'))}`,
      );
    checkSingleNames(report, level, path, value);
    const identifier = value.identifier;
    if (typeof identifier === 'string' && identifier.includes(':'))
      report.warning(
        [...path, 'identifier'],
        `identifier "${identifier}" contains ":", which separates the parts of status names; re-running such a check fails. Use letters, digits, "-" and "_"`,
        'value',
      );
    const specifiers = value.version_update_specifiers;
    if (typeof specifiers === 'string') {
      const bad = badSpecifier(specifiers);
      if (bad !== undefined)
        report.error(
          [...path, 'version_update_specifiers'],
          `"${bad}" is not a PEP 440 version specifier such as ">=2.0" or "~=1.4"; separate several with ","${packitSays(`Invalid version specifier set: Invalid specifier: '${bad}'`)}`,
          'value',
        );
    }
  }
}

/** PEP 440: `~=`, `==` (with an optional `.*`), `!=`, `<=`, `>=`, `<`, `>`, `===`. */
const SPECIFIER =
  /^(~=|==|!=|<=|>=|<|>)\s*v?[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?(\+[a-z0-9.]+)?(\.\*)?$|^===\s*\S+$/i;

function badSpecifier(set: string): string | undefined {
  if (set.trim() === '') return undefined;
  return set
    .split(',')
    .map((part) => part.trim())
    .find((part) => !SPECIFIER.test(part));
}
