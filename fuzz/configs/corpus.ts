/**
 * The configs the mutations start from: the repository's own pipelines (examples/*.yaml, the
 * golden files of test/golden) and the real Packit configs of test/fixtures/packit, each with
 * the front-end that reads it. Sorted, so a seed picks the same file on every machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ConfigKind = 'pipeline' | 'packit';

export interface SeedConfig {
  /** Relative to the repository. */
  path: string;
  kind: ConfigKind;
  text: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

let cached: SeedConfig[] | undefined;

export function seedConfigs(): SeedConfig[] {
  return (cached ??= [
    ...yamlFiles('examples'),
    ...yamlFiles('test/golden'),
    ...yamlFiles('test/fixtures/packit'),
  ].map((path) => ({
    path,
    kind: path.includes('packit') ? 'packit' : 'pipeline',
    text: readFileSync(join(ROOT, path), 'utf8'),
  })));
}
