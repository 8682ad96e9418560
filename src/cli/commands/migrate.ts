/** `forgeflow migrate`: applies pending SQL migrations; exit 0 done or nothing to do, 1 refused. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate } from '../../db/migrate.js';
import { describeDatabase, openDatabase, type OpenOptions } from '../../db/open.js';
import { EXIT, paint, type Io } from '../io.js';
import { DEFAULT_DATA_DIR } from '../settings.js';

export const migrateUsage = 'forgeflow migrate [--database-url URL] [--data-dir DIR]';

export async function migrateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  // --data-dir is forgeflow's data directory, as for serve and worker: the database is in db/.
  const dataDir = values['data-dir'] || process.env.FORGEFLOW_DATA_DIR || DEFAULT_DATA_DIR;
  const target: OpenOptions = {
    databaseUrl: values['database-url'] || process.env.DATABASE_URL || undefined,
    dataDir: join(dataDir, 'db'),
  };
  const where = describeDatabase(target);
  try {
    const db = await openDatabase(target);
    try {
      const result = await migrate(db);
      for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
      for (const name of result.applied) io.out(`${paint(io, 'green', '✓')} applied ${name}\n`);
      io.out(
        result.applied.length === 0
          ? `${where} is up to date (migration ${result.current})\n`
          : `${where} is now at migration ${result.current}\n`,
      );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  } catch (error) {
    io.err(`forgeflow migrate: ${where}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
