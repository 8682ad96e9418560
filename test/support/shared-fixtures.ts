/**
 * Where the shared fixtures (real data nobody here wrote) are: `../shared/fixtures` next to the
 * repository, or `$FORGEFLOW_SHARED_DIR/fixtures`. A missing folder fails the tests that read
 * it; nothing is skipped.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sharedDir = process.env.FORGEFLOW_SHARED_DIR;

/** `packit/valid` → the folder's URL, ending in `/`. */
export function sharedFixtures(sub: string): URL {
  return sharedDir
    ? pathToFileURL(resolve(sharedDir, 'fixtures', sub) + '/')
    : new URL(`../../../shared/fixtures/${sub}/`, import.meta.url);
}

/** The same folder as a path. */
export function sharedFixturesPath(sub: string): string {
  return fileURLToPath(sharedFixtures(sub));
}
