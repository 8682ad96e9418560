/**
 * What makes a recorded history stable enough to store and compare: the replay fixtures
 * (test/fixtures/replay/) and the replays of them go through here, and nothing else is changed.
 *
 * A history is kept as the API answers it (GET /api/v1/runs/{id}/history: seq, type, node_id,
 * attempt, at, data), except for what differs between two runs of the same case:
 * - run ids (any UUID) become `<run-N>`, numbered in the order the runs are listed (the case's
 *   top-level runs as it started them, then the runs their histories name, in the order met);
 * - times (`at`, and every ISO instant in the data: due_at, fire_at, timeout_at, deadline_at…)
 *   become `+<ms>ms`, milliseconds since the case's clock started;
 * - worker ids (`data.worker` of NodeStarted and LateCompletionFenced) become `<worker-N>` in the
 *   order met, wherever they appear (an error message may name its worker).
 */
import type { HistoryRow } from '../../src/runtime/queries.js';

/** One event as the API shows it (src/api/views.ts historyView: `at` as an ISO string). */
export type ApiHistoryEvent = Omit<HistoryRow, 'at'> & { at: string };

export interface RecordedRun {
  id: string;
  events: ApiHistoryEvent[];
}

export interface NormalizedRun {
  run: string;
  events: ApiHistoryEvent[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const OFFSET = /^([+-]\d+)ms$/;
const WORKER_EVENTS = new Set(['NodeStarted', 'LateCompletionFenced']);

/** `runs` in the order their placeholders are numbered; `startMs` is when the case's clock began. */
export function normalizeRuns(runs: readonly RecordedRun[], startMs: number): NormalizedRun[] {
  const runNames = new Map(runs.map((r, i) => [r.id.toLowerCase(), `<run-${i + 1}>`]));
  const workerNames = new Map<string, string>();
  for (const { events } of runs)
    for (const e of events) {
      const worker = (e.data as { worker?: unknown }).worker;
      if (WORKER_EVENTS.has(e.type) && typeof worker === 'string' && !workerNames.has(worker))
        workerNames.set(worker, `<worker-${workerNames.size + 1}>`);
    }
  const text = (value: string): string => {
    if (ISO_INSTANT.test(value)) return offset(Date.parse(value) - startMs);
    let out = value.replace(UUID, (id) => {
      const name = runNames.get(id.toLowerCase());
      if (name === undefined) throw new Error(`a history names ${id}, which is no run of the case`);
      return name;
    });
    for (const [worker, name] of workerNames) out = out.split(worker).join(name);
    return out;
  };
  return runs.map((r) => ({
    run: runNames.get(r.id.toLowerCase())!,
    events: r.events.map((e) => mapStrings(e, text)),
  }));
}

/** The UUIDs `events` name, each once, in the order met (the runs a history leads to). */
export function uuidsIn(events: readonly ApiHistoryEvent[]): string[] {
  const found: string[] = [];
  mapStrings(events, (value) => {
    for (const [id] of value.matchAll(UUID)) found.push(id.toLowerCase());
    return value;
  });
  return [...new Set(found)];
}

/**
 * The stored events as a reader of the API sees them: times back to ISO instants from
 * `startMs`; the placeholders stay (no reader parses a run or worker id).
 */
export function asApiEvents(events: readonly ApiHistoryEvent[], startMs: number) {
  return events.map((e) =>
    mapStrings(e, (value) => {
      const match = OFFSET.exec(value);
      return match ? new Date(startMs + Number(match[1])).toISOString() : value;
    }),
  );
}

function offset(ms: number): string {
  return `${ms < 0 ? '' : '+'}${ms}ms`;
}

/** A copy of `value` with every string (object keys left alone) passed through `map`. */
function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, map)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)])) as T;
  return value;
}
