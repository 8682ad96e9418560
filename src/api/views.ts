/**
 * From what the runtime reads to what the API answers: times as ISO strings, durations added,
 * the raw payload left out of the event (it can be megabytes; `event` says what matters).
 */
import type { Event } from '../events/event.js';
import type { AttemptRow, HistoryRow } from '../runtime/queries.js';
import type { RunDetail, RunSummary } from '../runtime/run-views.js';

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

export function durationMs(start: Date | null, end: Date | null, now: number): number | null {
  if (start === null) return null;
  return (end?.getTime() ?? now) - start.getTime();
}

export function summaryView(run: RunSummary, now: number) {
  return {
    ...run,
    created_at: iso(run.created_at),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    duration_ms: durationMs(run.started_at, run.finished_at, now),
  };
}

function eventView(event: Event): Omit<Event, 'payload'> {
  const view: Partial<Event> = { ...event };
  delete view.payload;
  return view as Omit<Event, 'payload'>;
}

function attemptView(attempt: AttemptRow) {
  return {
    ...attempt,
    started_at: iso(attempt.started_at),
    finished_at: iso(attempt.finished_at),
    heartbeat_at: iso(attempt.heartbeat_at),
  };
}

export function detailView(run: RunDetail, now: number) {
  const { event, node_list, children, ...rest } = run;
  delete (rest as Partial<RunDetail>).graph;
  return {
    ...rest,
    inputs: run.graph.inputs ?? null,
    ...summaryView(rest, now),
    deadline_at: iso(run.deadline_at),
    event: eventView(event),
    children: children.map((c) => ({
      ...c,
      created_at: iso(c.created_at),
      finished_at: iso(c.finished_at),
    })),
    node_list: node_list.map((n) => ({
      ...n,
      scheduled_at: iso(n.scheduled_at),
      started_at: iso(n.started_at),
      finished_at: iso(n.finished_at),
      duration_ms: durationMs(n.started_at, n.finished_at, now),
      attempts: n.attempts.map(attemptView),
    })),
  };
}

export function historyView(event: HistoryRow) {
  return { ...event, at: iso(event.at) };
}
