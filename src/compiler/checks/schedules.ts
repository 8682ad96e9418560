/**
 * `on.schedule` rules the schema cannot express: the cron expression parses (five fields), fires
 * no more often than every 5 minutes, its time zone exists, and no schedule is declared twice
 * (it would fire twice). `on: schedule` by name has no cron to fire on.
 */
import { DEFAULT_TIMEZONE } from '../../contracts/schedules.js';
import { cronProblem, timezoneProblem } from '../cron.js';
import { SCHEDULE_LIMITS } from '../limits.js';
import { type CheckContext, dict, isDict } from './context.js';

export function checkSchedules(ctx: CheckContext, pipeline: unknown): void {
  const on = dict(pipeline).on;
  checkScheduleByName(ctx, on);
  const items = isDict(on) ? on.schedule : undefined;
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  // Past the schema's bound (reported there) nothing more is parsed.
  items.slice(0, SCHEDULE_LIMITS.maxSchedules).forEach((item: unknown, i) => {
    const { cron, timezone } = dict(item);
    if (typeof cron === 'string') {
      const problem = cronProblem(cron);
      if (problem)
        ctx.report(
          ['on', 'schedule', i, 'cron'],
          'schedule',
          `"${cron}" is not a schedule: ${problem}`,
        );
    }
    if (typeof timezone === 'string') {
      const problem = timezoneProblem(timezone);
      if (problem) ctx.report(['on', 'schedule', i, 'timezone'], 'schedule', problem);
    }
    const key = JSON.stringify([cron, timezone ?? DEFAULT_TIMEZONE]);
    if (seen.has(key))
      ctx.report(
        ['on', 'schedule', i],
        'schedule',
        `schedule "${String(cron)}" is declared twice; it would fire once anyway`,
      );
    seen.add(key);
  });
}

function checkScheduleByName(ctx: CheckContext, on: unknown): void {
  const message =
    'the schedule trigger needs its cron expressions: on: { schedule: [{ cron: "0 3 * * *" }] }';
  if (on === 'schedule') ctx.report(['on'], 'schedule', message);
  else if (Array.isArray(on))
    on.forEach((name, i) => {
      if (name === 'schedule') ctx.report(['on', i], 'schedule', message);
    });
}
