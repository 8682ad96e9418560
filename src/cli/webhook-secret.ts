/**
 * Secrets a server makes for itself on first start (a webhook secret, an API token): kept in
 * its data directory (made mode 0700, the files 0600) and printed once, so a first `npm start`
 * works at once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'webhook-secret';
export const API_TOKEN_FILE = 'api-token';

/**
 * The data directory, made readable by this user only if it is missing: it holds the secrets and
 * the embedded database (the exec sandbox hides it from steps as well).
 */
export function makeDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/** The stored secret, made now if there is none; `created` says whether to print it. */
export function storedSecret(
  dataDir: string,
  file: string,
): { secret: string; created: boolean; path: string } {
  const path = join(dataDir, file);
  if (existsSync(path)) return { secret: readFileSync(path, 'utf8').trim(), created: false, path };
  makeDataDir(dataDir);
  const secret = randomBytes(32).toString('hex');
  // `wx`: two servers starting at once cannot both write one; the loser reads the winner's.
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readFileSync(path, 'utf8').trim(), created: false, path };
  }
  return { secret, created: true, path };
}

export function webhookSecret(dataDir: string) {
  return storedSecret(dataDir, SECRET_FILE);
}
