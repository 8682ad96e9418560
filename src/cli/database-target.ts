/**
 * The database a maintenance command (`migrate`, `prune`) works on: `--database-url` or
 * DATABASE_URL, else the embedded database in `db/` of forgeflow's data directory (`--data-dir`
 * or FORGEFLOW_DATA_DIR), as for serve and worker.
 */
import { join } from 'node:path';
import type { OpenOptions } from '../db/open.js';
import { DEFAULT_DATA_DIR } from './settings.js';

export function databaseTarget(
  values: { 'database-url'?: string | undefined; 'data-dir'?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): OpenOptions {
  const dataDir = values['data-dir'] || env.FORGEFLOW_DATA_DIR || DEFAULT_DATA_DIR;
  return {
    databaseUrl: values['database-url'] || env.DATABASE_URL || undefined,
    dataDir: join(dataDir, 'db'),
  };
}
