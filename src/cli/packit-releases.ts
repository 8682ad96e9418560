/**
 * `FORGEFLOW_PACKIT_RELEASES=path/to/releases.json`: the Fedora/EPEL releases Packit's target
 * aliases (`fedora-stable`, `epel-all`, …) expand to, replacing the table forgeflow ships
 * (Packit asks Bodhi at run time; the compiler does no I/O). Read once at startup; a broken
 * file stops the start with the reason.
 */
import { readFileSync } from 'node:fs';
import { parseReleasesTable, type ReleasesTable } from '../compiler/index.js';
import { UsageError } from './io.js';

export function readPackitReleases(env: NodeJS.ProcessEnv): ReleasesTable | null {
  const path = env.FORGEFLOW_PACKIT_RELEASES?.trim();
  if (!path) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`FORGEFLOW_PACKIT_RELEASES=${path}: ${(error as Error).message}`);
  }
  const parsed = parseReleasesTable(value);
  if (!parsed.ok) throw new UsageError(`FORGEFLOW_PACKIT_RELEASES=${path}: ${parsed.error}`);
  return parsed.table;
}
