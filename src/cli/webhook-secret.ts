/**
 * A server started without a webhook secret makes one, keeps it in its data directory (mode
 * 0600) and prints it once, so a first `npm start` can receive signed webhooks at once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'webhook-secret';

/** The stored secret, made now if there is none; `created` says whether to print it. */
export function webhookSecret(dataDir: string): { secret: string; created: boolean; path: string } {
  const path = join(dataDir, SECRET_FILE);
  if (existsSync(path)) return { secret: readFileSync(path, 'utf8').trim(), created: false, path };
  mkdirSync(dataDir, { recursive: true });
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
