/**
 * Cron expressions and time zones of `on.schedule`, read with croner in five-field mode (GitHub
 * Actions' syntax, plus croner's names, `L`, `W` and `#`). Pure: nothing here reads the clock;
 * croner's `?` (which croner fills in with the current time) is refused for that reason.
 */
import { CronPattern } from 'croner';
import { DEFAULT_TIMEZONE, type DeclaredSchedule } from '../contracts/schedules.js';
import { closest } from './suggest.js';

/** GitHub Actions' floor: "The shortest interval you can run scheduled workflows is once every 5 minutes." */
export const MINIMUM_INTERVAL_MINUTES = 5;

/** Why `cron` is not an expression forgeflow fires, or undefined when it is one. */
export function cronProblem(cron: string): string | undefined {
  if (cron.includes('?'))
    return '"?" is not supported (croner reads it as "now"); use "*" for any value';
  const fields = cron.trim().split(/\s+/).length;
  if (!cron.trim().startsWith('@') && fields !== 5)
    return `a cron expression has five fields (minute hour day-of-month month day-of-week); this has ${fields}`;
  let pattern: CronPattern;
  try {
    pattern = new CronPattern(cron, undefined, { mode: '5-part' });
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '');
  }
  const gap = shortestGapMinutes(pattern.minute, pattern.hour);
  if (gap < MINIMUM_INTERVAL_MINUTES)
    return `it can fire ${gap} minute${gap === 1 ? '' : 's'} apart; schedules fire at most once every ${MINIMUM_INTERVAL_MINUTES} minutes (as GitHub Actions' do)`;
  return undefined;
}

/**
 * The shortest time between two firings a day's minutes and hours allow, assuming any two days
 * may follow each other (day and month fields only ever lengthen a gap). Daylight-saving
 * shifts are left out: croner fires times in a skipped hour once, after it.
 */
export function shortestGapMinutes(minutes: readonly number[], hours: readonly number[]): number {
  const ms = minutes.flatMap((on, m) => (on ? [m] : []));
  const hs = hours.flatMap((on, h) => (on ? [h] : []));
  const times = hs.flatMap((h) => ms.map((m) => h * 60 + m));
  if (times.length === 0) return Infinity;
  let shortest = times[0]! + 24 * 60 - times[times.length - 1]!; // the last of a day to the first of the next
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i]! - times[i - 1]!);
  return shortest;
}

let zones: readonly string[] | undefined;

/** Why `timezone` is not a time zone, with the one it may have meant. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    const near = closest(timezone, zones);
    return `unknown time zone "${timezone}"${near ? `; did you mean "${near}"?` : ''} (an IANA name such as "Europe/Prague", or "UTC")`;
  }
}

/** The schedules a valid `on:` declares, in its order, each with its time zone filled in. */
export function declaredSchedules(on: unknown): DeclaredSchedule[] {
  if (on === null || typeof on !== 'object' || Array.isArray(on)) return [];
  const items = (on as { schedule?: unknown }).schedule;
  if (!Array.isArray(items)) return [];
  return items.map((item: { cron: string; timezone?: string }) => ({
    cron: item.cron,
    timezone: item.timezone ?? DEFAULT_TIMEZONE,
  }));
}
