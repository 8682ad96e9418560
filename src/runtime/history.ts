/**
 * History: a run's append-only record, with Temporal's event names. Each event is written in
 * the same transaction as the state change it records, and carries what a reader needs to
 * rebuild that state (a test folds every run's history and compares it with the tables).
 */
import type { ErrorInfo } from '../contracts/errors.js';
import type { Queryable } from '../db/db.js';
import type { RunStatus, StopStatus } from './states.js';

export type HistoryEvent =
  | {
      type: 'RunStarted';
      data: {
        pipeline: string;
        nodes: string[];
        attempt: number;
        parent?: { run_id: string; node_id: string; attempt: number };
        continued_from?: string;
        concurrency_group?: string;
        deadline_at?: string;
      };
    }
  | { type: 'RunQueued'; data: { group: string; behind: string[] } }
  | { type: 'RunDequeued'; data: { group: string } }
  | { type: 'RunRetried'; data: { attempt: number; nodes: string[] } }
  | { type: 'CancelRequested'; data: { reason: string; status: StopStatus } }
  | {
      type: 'SignalReceived';
      data: { name: string; payload: unknown; delivered_to: string | null };
    }
  | { type: 'NodeScheduled'; node: string; attempt: number; data: { due_at: string } }
  | { type: 'NodeStarted'; node: string; attempt: number; data: { worker: string } }
  | {
      type: 'NodeCompleted';
      node: string;
      attempt?: number;
      data: { output: unknown; signal?: string };
    }
  | { type: 'NodeCanceled'; node: string; attempt?: number; data: { reason: string } }
  | {
      type: 'NodePolled';
      node: string;
      attempt: number;
      data: { output: unknown; polls: number; next_attempt: number; due_at: string };
    }
  | {
      type: 'ChildRunStarted';
      node: string;
      attempt: number;
      data: { child_run_id: string; first_output: unknown };
    }
  | {
      type: 'ChildRunCompleted';
      node: string;
      data: { child_run_id: string; status: RunStatus; runs: number };
    }
  | { type: 'RunContinuedAsNew'; data: { next_run_id: string; polls: number } }
  | {
      type: 'NodeFailed';
      node: string;
      attempt?: number;
      /** attempt_outcome: how the attempt ended when it did not fail itself (lost-workers.ts). */
      data: { error: ErrorInfo; attempt_outcome?: 'timed_out' };
    }
  | { type: 'NodeTimedOut'; node: string; attempt?: number; data: { error: ErrorInfo } }
  | {
      type: 'NodeRetryScheduled';
      node: string;
      attempt: number;
      data: {
        outcome: 'failed' | 'timed_out' | 'canceled';
        error: ErrorInfo;
        next_attempt: number;
        due_at: string;
        counted: boolean;
        /** Set when its worker died running it: how many attempts in a row were lost so. */
        lost_attempts?: number;
      };
    }
  | { type: 'NodeSkipped'; node: string; data: { reason: string } }
  | { type: 'TimerStarted'; node: string; data: { fire_at: string } }
  | { type: 'NodeWaiting'; node: string; data: { signal: string; timeout_at: string | null } }
  | { type: 'TimerFired'; node: string; data: Record<string, never> }
  | {
      type: 'LateCompletionFenced';
      node: string;
      attempt: number;
      data: { worker: string; outcome: string };
    }
  | { type: 'RunCompleted'; data: Record<string, never> }
  | { type: 'RunFailed'; data: { failed: string[]; error?: ErrorInfo } }
  | { type: 'RunTimedOut'; data: { error: ErrorInfo } }
  | { type: 'RunCanceled'; data: { reason?: string } };

export type HistoryType = HistoryEvent['type'];

export type EndStatus = Exclude<RunStatus, 'queued' | 'running'>;

export const RUN_END_EVENT: Record<EndStatus, HistoryType> = {
  succeeded: 'RunCompleted',
  failed: 'RunFailed',
  timed_out: 'RunTimedOut',
  canceled: 'RunCanceled',
  continued: 'RunContinuedAsNew',
};

/** The events that hold a node's output: the node row points at the latest of them. */
export const OUTPUT_EVENTS: readonly HistoryType[] = ['NodeCompleted', 'NodePolled'];

/**
 * Many runs' events in one statement: `i` numbers each run's events from 1, in order, and the
 * run row's counter gives them their sequence numbers. The caller holds every run's lock, so
 * they are gap-free and ordered; each row written belongs to one run.
 */
const APPEND = `WITH e AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS (run uuid, i int, type text, node text, attempt int, data jsonb)),
     c AS (SELECT run, count(*)::int AS n FROM e GROUP BY run),
     r AS (
       UPDATE forgeflow.runs SET history_length = history_length + c.n FROM c WHERE id = c.run
       RETURNING id, history_length - c.n AS start),
     written AS (
       INSERT INTO forgeflow.history (run_id, seq, type, node_id, attempt, at, data)
       SELECT e.run, r.start + e.i, e.type, e.node, e.attempt, $2, e.data
       FROM e JOIN r ON r.id = e.run
       RETURNING run_id, seq, type, node_id)`;

const COUNTS =
  'SELECT run_id, max(seq)::int AS last, count(*)::int AS n FROM written GROUP BY run_id';

export interface RunEvents {
  runId: string;
  events: readonly HistoryEvent[];
}

/**
 * Appends events to runs' histories in one statement and returns each run's history length.
 * An event that holds a node's output (OUTPUT_EVENTS) becomes, in the same statement, where
 * the node row finds it: the output is stored once, in history.
 */
export async function appendHistories(
  q: Queryable,
  at: Date,
  batches: readonly RunEvents[],
): Promise<Map<string, number>> {
  const counted = new Map<string, number>();
  const rows = batches.flatMap(({ runId, events }) =>
    events.map((e) => ({
      run: runId,
      i: counted.set(runId, (counted.get(runId) ?? 0) + 1).get(runId)!,
      type: e.type,
      node: 'node' in e ? e.node : null,
      attempt: 'attempt' in e ? (e.attempt ?? null) : null,
      data: e.data,
    })),
  );
  const lengths = new Map<string, number>();
  if (rows.length === 0) return lengths;
  const outputs = rows.some((e) => OUTPUT_EVENTS.includes(e.type));
  const { rows: written } = await q.query<{ run_id: string; last: number; n: number }>(
    outputs
      ? `${APPEND},
         pointed AS (
           UPDATE forgeflow.nodes n SET output_seq = w.seq
           FROM (SELECT run_id, node_id, max(seq) AS seq FROM written
                 WHERE type = ANY($3::text[]) GROUP BY run_id, node_id) w
           WHERE n.run_id = w.run_id AND n.node_id = w.node_id)
         ${COUNTS}`
      : `${APPEND} ${COUNTS}`,
    [JSON.stringify(rows), at, ...(outputs ? [OUTPUT_EVENTS] : [])],
  );
  for (const row of written) lengths.set(row.run_id, row.last);
  const total = written.reduce((sum, row) => sum + row.n, 0);
  if (total !== rows.length) {
    const missing = batches.filter((b) => b.events.length > 0 && !lengths.has(b.runId));
    throw new Error(`appendHistories: no run ${missing.map((b) => b.runId).join(', ')}`);
  }
  return lengths;
}

/** One run's events (see appendHistories); its history length after, or undefined if none. */
export async function appendHistory(
  q: Queryable,
  runId: string,
  at: Date,
  events: readonly HistoryEvent[],
): Promise<number | undefined> {
  if (events.length === 0) return undefined;
  return (await appendHistories(q, at, [{ runId, events }])).get(runId);
}
