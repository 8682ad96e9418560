/**
 * The plan handler's ScheduleBook (contracts/schedules.ts), on the schedules table: what a
 * default branch's config declares replaces the repository's recorded schedules, in one
 * transaction.
 */
import type { ScheduleBook } from '../../contracts/schedules.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../runtime/clock.js';
import { replaceSchedules } from './store.js';

export function scheduleBook(db: Db, clock: Clock): ScheduleBook {
  return {
    learn: async ({ event, path, schedules }) => {
      const installation = (event.payload as { installation?: { id?: unknown } } | null)
        ?.installation;
      await db.tx((q) =>
        replaceSchedules(
          q,
          {
            forge: event.forge,
            repository: event.repo,
            installationId: typeof installation?.id === 'number' ? installation.id : null,
            path,
            sha: event.sha,
            schedules,
          },
          new Date(clock.now()),
        ),
      );
    },
  };
}
