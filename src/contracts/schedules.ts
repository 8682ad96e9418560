/**
 * Schedules (`on.schedule`), the shapes more than one layer needs: what a pipeline declares
 * (the compiler gives it), what the plan step tells the server about a default branch's config
 * (the `ScheduleBook` the edge implements, src/webhooks/schedules/), and what a firing carries
 * in its event (src/events/event.ts).
 */
import type { Event } from '../events/event.js';

/** The time zone of a schedule that names none (GitHub Actions' schedules are all UTC). */
export const DEFAULT_TIMEZONE = 'UTC';

/** One `on.schedule` item: a five-field cron expression read in an IANA time zone. */
export interface DeclaredSchedule {
  cron: string;
  timezone: string;
}

/** What the plan step learned from a push to a repository's default branch. */
export interface LearnedConfig {
  /** The push's event: the forge and the repository's identity, which a firing needs again. */
  event: Event;
  /** The config file found at the pushed commit; null when there is none. */
  path: string | null;
  /** What it declares (none for a .packit.yaml or no config). */
  schedules: readonly DeclaredSchedule[];
}

/**
 * The schedules service the plan handler is given (it writes no table of its own): the
 * repository's recorded schedules become exactly those of `config`.
 */
export interface ScheduleBook {
  learn(config: LearnedConfig): Promise<void>;
}
