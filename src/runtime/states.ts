/**
 * The state machines of runs, nodes and attempts, written once as tables. Every UPDATE of a
 * status names the states it may come from (`WHERE status = ANY($from)`), computed from these
 * tables, so SQL and code agree by construction; an UPDATE that matches no row is a
 * TransitionError, never a silent overwrite.
 */

export type RunStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'timed_out' | 'continued';
/** How a run being stopped will end. */
export type StopStatus = 'canceled' | 'timed_out';
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
  // queued: waiting for its concurrency group; it may be stopped (or cut off) before it starts.
  queued: ['running', 'canceled', 'timed_out', 'failed'],
  // continued: a polling child handed over to a fresh run (continue-as-new).
  running: ['succeeded', 'failed', 'canceled', 'timed_out', 'continued'],
  // A finished run can be retried (its failed nodes re-run), straight away or behind its group.
  succeeded: ['running', 'queued'],
  failed: ['running', 'queued'],
  canceled: ['running', 'queued'],
  timed_out: ['running', 'queued'],
  continued: [],
};

export const NODE_TRANSITIONS: Record<NodeStatus, readonly NodeStatus[]> = {
  // pending → failed: its input or condition could not be evaluated.
  pending: ['scheduled', 'waiting', 'skipped', 'canceled', 'failed'],
  // scheduled/retrying → succeeded: a signal ended a poll between two calls.
  scheduled: ['running', 'timed_out', 'canceled', 'succeeded'],
  // running → scheduled: a poll whose `until` is not met yet waits for its next call;
  // running → waiting: a node with `poll:` whose first call returned waits for its child run.
  running: ['succeeded', 'failed', 'timed_out', 'retrying', 'canceled', 'scheduled', 'waiting'],
  retrying: ['running', 'timed_out', 'canceled', 'succeeded'],
  // a timer, a signal wait or a polling child run
  waiting: ['succeeded', 'failed', 'timed_out', 'canceled'],
  // Only a retry of the run re-runs a succeeded node: one downstream of a node being re-run.
  succeeded: ['pending'],
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

/** Every run status, in the table's order: what the API's `status` enum is made of. */
export const RUN_STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];

export const TERMINAL_RUN_STATES: readonly RunStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'timed_out',
  'continued',
];

export const ACTIVE_RUN_STATES: readonly RunStatus[] = ['queued', 'running'];

/**
 * `'queued', 'running'` as SQL text, for `status IN (…)`: written into the statement, not
 * passed as a parameter, so the planner matches the partial indexes made with the same list
 * (runs_active, the concurrency groups' index; test/runtime/state-lists.test.ts checks them).
 */
export const ACTIVE_RUN_STATES_SQL = ACTIVE_RUN_STATES.map((s) => `'${s}'`).join(', ');

export const FINAL_NODE_STATES: readonly NodeStatus[] = [
  'succeeded',
  'failed',
  'timed_out',
  'skipped',
  'canceled',
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
