/**
 * Packit's own words, added after forgeflow's message so that a user can search for them in
 * Packit's documentation and issues: `(Packit: "Unknown field.")`.
 */
import { pyRepr, pyType } from './python-words.js';
import { JOB_TRIGGERS, JOB_TYPES } from './types.js';

export function packitSays(words: string): string {
  return ` (Packit: "${words}")`;
}

/** How Python prints a value, cut short (Packit's messages quote whole mappings). */
export function pythonRepr(value: unknown, budget = 60): string {
  // YAML 1.1 reads an unquoted 2024-01-01 as a date, as PyYAML does.
  const text =
    value instanceof Date ? `datetime.date(${value.toISOString().slice(0, 10)})` : pyRepr(value);
  return text.length <= budget ? text : `${text.slice(0, budget - 3)}...`;
}

export const PACKIT_WORDS = {
  syntax: 'Please correct data and retry.',
  unknownField: 'Unknown field.',
  missing: 'Missing data for required field.',
  jobType: `Must be one of: ${JOB_TYPES.join(', ')}.`,
  trigger: `Must be one of: ${JOB_TRIGGERS.join(', ')}.`,
  repoName: 'Repository name must be a valid filename.',
  notMapping: 'Invalid input type.',
  undefinedPackages: (names: readonly string[]) =>
    `Undefined package(s) referenced: ${names.join(', ')}.`,
  jobPackagesType: (value: unknown) => `Type is ${pyType(value)} instead of 'list' or 'dict'.`,
  unknownActions: (names: readonly string[]) =>
    `Unknown action(s) provided: [${names.map((n) => `'${n}'`).join(', ')}]`,
  actionsType: (value: unknown) => `'dict' required, got ${pyType(value)}.`,
  metadataDeprecated:
    "The 'metadata' key in jobs is deprecated and can be removed. Nest config options from 'metadata' directly under the job object.",
  metadataMixing: (keys: readonly string[]) =>
    `Keys: {${keys.map((k) => `'${k}'`).join(', ')}} are defined outside job metadata dictionary. Mixing obsolete metadata dictionary and new job keys is not possible. Remove obsolete nested job metadata dictionary.`,
  renamedBranch: (key: string) =>
    `Job metadata key '${key}' has been renamed to 'dist_git_branches', please update your configuration file.`,
  notProcessed: (key: string) => `'${key}' is no longer being processed.`,
} as const;
