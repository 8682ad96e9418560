/**
 * Picks the backend (DESIGN.md §5): real PostgreSQL when a URL is given, otherwise the
 * embedded PGlite database in a directory, which serves one process only.
 */
import type { Db, ErrorLogger } from './db.js';
import { openPg } from './pg.js';
import { openPglite } from './pglite.js';

export const DEFAULT_DATA_DIR = './.forgeflow/db';

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  applicationName?: string;
  onError?: ErrorLogger;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Db> {
  const { databaseUrl, applicationName, onError } = options;
  if (databaseUrl) return openPg(databaseUrl, { applicationName, onError });
  return openPglite({ dataDir: options.dataDir ?? DEFAULT_DATA_DIR, onError });
}

/** Where a Db points, for messages: never the password. */
export function describeDatabase(options: OpenOptions): string {
  if (!options.databaseUrl)
    return `the embedded database at ${options.dataDir ?? DEFAULT_DATA_DIR}`;
  try {
    const url = new URL(options.databaseUrl);
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
