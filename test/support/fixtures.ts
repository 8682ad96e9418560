/**
 * Where the fixtures of real outside data are: `test/fixtures/` inside the repository (see its
 * README for where each file came from), so a fresh clone needs nothing beside it.
 */
import { fileURLToPath } from 'node:url';

/** `packit/valid` → the folder's URL, ending in `/`. */
export function fixturesUrl(sub: string): URL {
  return new URL(`../fixtures/${sub}/`, import.meta.url);
}

/** The same folder as a path. */
export function fixturesPath(sub: string): string {
  return fileURLToPath(fixturesUrl(sub));
}
