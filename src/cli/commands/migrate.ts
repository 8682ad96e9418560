/** `forgeflow migrate`: applies pending SQL migrations; exit 0 done or nothing to do, 1 refused. */
import { parseArgs } from 'node:util';
import { migrate } from '../../db/migrate.js';
import { describeDatabase, openDatabase } from '../../db/open.js';
import { databaseTarget } from '../database-target.js';
import { EXIT, paint, type Io } from '../io.js';

export const migrateUsage = 'forgeflow migrate [--database-url URL] [--data-dir DIR]';

export async function migrateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const target = databaseTarget(values);
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
