import { readdirSync, readFileSync } from 'node:fs';
import { loadPackit } from '../../../src/compiler/packit/load.js';
import type { LoadedPackit, LoadResult } from '../../../src/compiler/packit/types.js';
import type { Diagnostic } from '../../../src/compiler/diagnostics.js';
import { fixturesPath } from '../../support/fixtures.js';

export const FIXTURES = fixturesPath('packit');

export function fixtures(kind: 'valid' | 'invalid'): { name: string; text: string }[] {
  const dir = `${FIXTURES}/${kind}`;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(`${dir}/${name}`, 'utf8') }));
}

export function load(text: string, repoName?: string): LoadResult {
  return loadPackit(text, { file: '.packit.yaml', ...(repoName ? { repoName } : {}) });
}

export function loaded(text: string, repoName?: string): LoadedPackit {
  const result = load(text, repoName);
  if (!result.ok)
    throw new Error(`expected a valid config, got ${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.config;
}

export function errorsOf(text: string): Diagnostic[] {
  return load(text).diagnostics.filter((d) => d.severity === 'error');
}

export function warningsOf(text: string): Diagnostic[] {
  return load(text).diagnostics.filter((d) => d.severity === 'warning');
}
