/** The targets a command line asks for, and what they share (the server's database). */
import type { FuzzArgs } from './args.js';
import { apiTarget } from './api/target.js';
import { configsTarget } from './configs/target.js';
import { serverDatabase } from './server/database.js';
import type { Target } from './target.js';
import { webhooksTarget } from './webhooks/target.js';

export async function targetsFor(args: FuzzArgs): Promise<{ targets: Target[]; close(): void }> {
  const needsServer = args.targets.some((t) => t !== 'configs');
  const database = needsServer ? await serverDatabase(args.databaseUrl) : null;
  const targets = args.targets.map((name): Target => {
    if (name === 'configs') return configsTarget(args.jobs === null ? {} : { children: args.jobs });
    if (name === 'webhooks') return webhooksTarget(database!.init, args.seed);
    return apiTarget(database!.init, args.seed);
  });
  return { targets, close: () => database?.close() };
}
