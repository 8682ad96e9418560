/**
 * Due times of a schedule, with croner (five-field mode, in the schedule's time zone): the first
 * after a moment, and, when a firer comes late (the server was down), the latest one that has
 * passed and how many before it were missed. Counting is bounded: croner takes ~0.1 ms per step
 * in a time zone, so past MISSED_COUNT_LIMIT the count stops and the latest is found directly.
 */
import { Cron } from 'croner';
import type { DeclaredSchedule } from '../../contracts/schedules.js';

/** A firing's `missed` stops counting here: this value means "this many or more". */
export const MISSED_COUNT_LIMIT = 1_000;

function cronOf(schedule: DeclaredSchedule): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timezone, mode: '5-part', paused: true });
}

/** The first due time strictly after `after` (null: the expression never fires again). */
export function nextDue(schedule: DeclaredSchedule, after: Date): Date | null {
  return cronOf(schedule).nextRun(after);
}

export interface Catchup {
  /** The due time the firing stands for: the latest that has passed. */
  latest: Date;
  /** Due times from `due` to before `latest`, not fired on their own (capped). */
  missed: number;
  /** The first due time after now. */
  next: Date | null;
}

/** `due` has passed by `now`: which due time to fire for, and what was missed on the way. */
export function catchUp(schedule: DeclaredSchedule, due: Date, now: Date): Catchup {
  const cron = cronOf(schedule);
  let latest = due;
  let missed = 0;
  let next = cron.nextRun(due);
  while (next !== null && next <= now && missed < MISSED_COUNT_LIMIT) {
    missed++;
    latest = next;
    next = cron.nextRun(next);
  }
  if (next !== null && next <= now) {
    // Too many to count: jump to the last due time at or before now.
    latest = cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? latest;
    next = cron.nextRun(now);
  }
  return { latest, missed, next };
}
