/**
 * The state machines of runs, nodes and attempts, written once as tables. Every UPDATE of a
 * status names the states it may come from (`WHERE status = ANY($from)`), computed from these
 * tables, so SQL and code agree by construction; an UPDATE that matches no row is a
 * TransitionError, never a silent overwrite.
 */

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'timed_out';
export type NodeStatus =
  | 'pending'
  | 'scheduled'
  | 'running'
  | 'retrying'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'skipped'
  | 'canceled';
export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'canceled';

export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'canceled'],
  running: ['succeeded', 'failed', 'canceled', 'timed_out'],
  // A finished run can be retried (its failed nodes re-run).
  succeeded: ['running'],
  failed: ['running'],
  canceled: ['running'],
  timed_out: ['running'],
};

export const NODE_TRANSITIONS: Record<NodeStatus, readonly NodeStatus[]> = {
  // pending → failed: its input or condition could not be evaluated.
  pending: ['scheduled', 'waiting', 'skipped', 'canceled', 'failed'],
  scheduled: ['running', 'timed_out', 'canceled'],
  running: ['succeeded', 'failed', 'timed_out', 'retrying', 'canceled'],
  retrying: ['running', 'timed_out', 'canceled'],
  // a timer or a signal wait
  waiting: ['succeeded', 'failed', 'timed_out', 'canceled'],
  succeeded: [],
  failed: ['pending'],
  timed_out: ['pending'],
  skipped: ['pending'],
  canceled: ['pending'],
};

export const ATTEMPT_TRANSITIONS: Record<AttemptStatus, readonly AttemptStatus[]> = {
  running: ['succeeded', 'failed', 'timed_out', 'canceled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  canceled: [],
};

export const TERMINAL_RUN_STATES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'timed_out',
];

/** The states from which `to` may be reached. */
export function sourcesOf<S extends string>(table: Record<S, readonly S[]>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

export class TransitionError extends Error {
  constructor(
    readonly entity: string,
    readonly to: string,
    readonly detail: string,
  ) {
    super(`cannot move ${entity} to ${to}: ${detail}`);
    this.name = 'TransitionError';
  }
}
