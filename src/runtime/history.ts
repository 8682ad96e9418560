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

const APPEND = `WITH r AS (
       UPDATE forgeflow.runs SET history_length = history_length + $2 WHERE id = $1
       RETURNING history_length - $2 AS start),
     written AS (
       INSERT INTO forgeflow.history (run_id, seq, type, node_id, attempt, at, data)
       SELECT $1, r.start + e.ord, e.type, e.node, e.attempt, $3, e.data
       FROM r, ROWS FROM (jsonb_to_recordset($4::jsonb) AS (type text, node text, attempt int, data jsonb))
         WITH ORDINALITY AS e(type, node, attempt, data, ord)
       RETURNING seq, type, node_id)`;

/**
 * Appends events to a run's history in one statement: the run row's counter gives the
 * sequence numbers (the caller holds the run's lock, so they are gap-free and ordered). An
 * event that holds a node's output (OUTPUT_EVENTS) becomes, in the same statement, where the
 * node row finds it: the output is stored once, in history.
 */
export async function appendHistory(
  q: Queryable,
  runId: string,
  at: Date,
  events: readonly HistoryEvent[],
): Promise<number | undefined> {
  if (events.length === 0) return undefined;
  const rows = events.map((e) => ({
    type: e.type,
    node: 'node' in e ? e.node : null,
    attempt: 'attempt' in e ? (e.attempt ?? null) : null,
    data: e.data,
  }));
  const outputs = events.some((e) => OUTPUT_EVENTS.includes(e.type));
  const { rows: written } = await q.query<{ seq: number }>(
    outputs
      ? `${APPEND},
         pointed AS (
           UPDATE forgeflow.nodes n SET output_seq = w.seq
           FROM (SELECT node_id, max(seq) AS seq FROM written
                 WHERE type = ANY($5::text[]) GROUP BY node_id) w
           WHERE n.run_id = $1 AND n.node_id = w.node_id)
         SELECT seq FROM written`
      : `${APPEND} SELECT seq FROM written`,
    [runId, events.length, at, JSON.stringify(rows), ...(outputs ? [OUTPUT_EVENTS] : [])],
  );
  if (written.length !== events.length) throw new Error(`appendHistory: no run ${runId}`);
  return Math.max(...written.map((r) => r.seq));
}
