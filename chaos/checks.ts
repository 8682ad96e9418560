/**
 * The chaos suite's verdict, pure over what it read (facts.ts), what the activities recorded
 * (ledger.ts) and the kills it dealt. Violations fail the suite; the rest is measured.
 *
 * - lost: a run it started has no row; stuck: a run not final when the wait after the chaos
 *   gave up (chaos.ts: no run moved for the settle time), or an attempt still `running` in a
 *   final run.
 * - completed step executed again: an execution of a node after the attempt that completed it
 *   (a higher attempt number), or the same attempt executed twice; and an attempt the tables
 *   call succeeded that never recorded its work (the ledger itself would be lying).
 * - duplicate history events: a gap or a repeat in a run's seq (1..history_length), or the same
 *   logical event (type, node, attempt) twice in one run.
 * - a history that does not fold to the stored state; a run that failed for any reason but
 *   workers dying (WorkerCrashed is the runtime's verdict after 3 lost attempts in a row:
 *   correct, and reported); an attempt held by a killed worker that never ran again.
 * - recovery: from a SIGKILL to the start of the next attempt of each attempt the killed
 *   worker held (found afterwards: its attempts that ended WorkerLost); and the part of it until
 *   a worker noticed the death (the lost attempt's end), the rest being the wait for a slot.
 */
import type { Execution } from './ledger.js';
import type { AttemptFact, Facts } from './facts.js';
import type { Kill } from './workers.js';

const FINAL = new Set(['succeeded', 'failed', 'canceled', 'timed_out']);

export interface Verdict {
  runs: number;
  statuses: Record<string, number>;
  lost: string[];
  stuck: string[];
  reexecuted: string[];
  duplicateEvents: string[];
  unfolded: string[];
  unexpectedFailures: string[];
  unrecovered: string[];
  /** Runs failed WorkerCrashed (a node's worker died 3 times in a row): allowed, reported. */
  poisoned: number;
  executions: number;
  /** Executions whose work was done but whose worker died before committing it (at-least-once). */
  redoneAfterWork: number;
  /** Attempts that ended WorkerLost though their worker was never killed. */
  lostByLiveWorkers: number;
  recoveriesMs: number[];
  /** The part of each recovery until a worker noticed the death and ended the attempt. */
  noticedMs: number[];
  /** Every attempt's wait from due to started: what the queue made everything wait. */
  queueWaitsMs: number[];
  /** The part of each recovery from the retry being due to its start: the queue's share. */
  recoveryQueueMs: number[];
  violations: number;
}

const key = (...parts: unknown[]) => parts.join('|');

/** The pid in a worker id (`host:pid:random`, src/runtime/worker.ts). */
function pidOf(worker: string): number | undefined {
  const match = /:(\d+):[0-9a-f]{8}$/.exec(worker);
  return match ? Number(match[1]) : undefined;
}

export function judge(
  runIds: readonly string[],
  facts: Facts,
  executions: readonly Execution[],
  kills: readonly Kill[],
): Verdict {
  const runs = new Map(facts.runs.map((r) => [r.id, r]));
  const statuses: Record<string, number> = {};
  for (const r of facts.runs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const lost = runIds.filter((id) => !runs.has(id));
  const stuck = facts.runs.filter((r) => !FINAL.has(r.status)).map((r) => `${r.id} ${r.status}`);
  for (const a of facts.attempts)
    if (a.status === 'running' && FINAL.has(runs.get(a.run_id)?.status ?? ''))
      stuck.push(`${a.run_id} ${a.node_id}#${a.attempt} still running in a finished run`);

  const poisoned = facts.runs.filter(
    (r) => r.status === 'failed' && r.failed_nodes.every((t) => t === 'WorkerCrashed'),
  );
  const unexpectedFailures = facts.runs
    .filter((r) => FINAL.has(r.status) && r.status !== 'succeeded' && !poisoned.includes(r))
    .map((r) => `${r.id} ${r.status} (${r.failed_nodes.join(', ') || 'no failed node'})`);

  const attempts = new Map(facts.attempts.map((a) => [key(a.run_id, a.node_id, a.attempt), a]));
  const due = dueTimes(facts);
  const recovery = recoveries(facts.attempts, attempts, kills, due);
  const verdict = {
    runs: runIds.length,
    statuses,
    lost,
    stuck,
    ...executionChecks(facts.attempts, attempts, executions),
    duplicateEvents: historyChecks(facts),
    queueWaitsMs: queueWaits(facts, due),
    unfolded: facts.unfolded,
    unexpectedFailures,
    poisoned: poisoned.length,
    executions: executions.filter((e) => e.phase === 'start').length,
    ...recovery,
    unrecovered: recovery.unrecovered.filter((u) => !poisoned.some((r) => u.startsWith(r.id))),
  };
  return { ...verdict, violations: violationsOf(verdict) };
}

/** Counts the violations of a verdict (every list but the measurements). */
export function violationsOf(v: Omit<Verdict, 'violations'>): number {
  return [
    v.lost,
    v.stuck,
    v.reexecuted,
    v.duplicateEvents,
    v.unfolded,
    v.unexpectedFailures,
    v.unrecovered,
  ]
    .map((list) => list.length)
    .reduce((a, b) => a + b, 0);
}

function executionChecks(
  all: readonly AttemptFact[],
  attempts: ReadonlyMap<string, AttemptFact>,
  executions: readonly Execution[],
): { reexecuted: string[]; redoneAfterWork: number } {
  const reexecuted: string[] = [];
  const succeeded = new Map<string, number>();
  for (const a of all)
    if (a.status === 'succeeded') succeeded.set(key(a.run_id, a.node_id), a.attempt);
  const starts = new Map<string, number>();
  const done = new Set<string>();
  let redoneAfterWork = 0;
  for (const e of executions) {
    const attempt = key(e.run, e.node, e.attempt);
    if (e.phase === 'done') {
      done.add(attempt);
      if (attempts.get(attempt)?.status !== 'succeeded') redoneAfterWork++;
      continue;
    }
    starts.set(attempt, (starts.get(attempt) ?? 0) + 1);
    const completedBy = succeeded.get(key(e.run, e.node));
    if (completedBy !== undefined && e.attempt > completedBy)
      reexecuted.push(
        `${e.run} ${e.node}#${e.attempt} executed after #${completedBy} completed it`,
      );
  }
  for (const [attempt, n] of starts)
    if (n > 1) reexecuted.push(`${attempt.replaceAll('|', ' ')} executed ${n} times`);
  for (const a of all)
    if (a.status === 'succeeded' && !done.has(key(a.run_id, a.node_id, a.attempt)))
      reexecuted.push(`${a.run_id} ${a.node_id}#${a.attempt} succeeded with no execution recorded`);
  return { reexecuted, redoneAfterWork };
}

function historyChecks(facts: Facts): string[] {
  const found: string[] = [];
  const seqs = new Map<string, number[]>();
  const logical = new Map<string, number>();
  for (const e of facts.events) {
    const list = seqs.get(e.run_id);
    if (list) list.push(e.seq);
    else seqs.set(e.run_id, [e.seq]);
    const k = key(e.run_id, e.type, e.node_id ?? '', e.attempt ?? '');
    logical.set(k, (logical.get(k) ?? 0) + 1);
  }
  for (const run of facts.runs) {
    const list = seqs.get(run.id) ?? [];
    if (list.length !== run.history_length || list.some((seq, i) => seq !== i + 1))
      found.push(`${run.id}: seq is not 1..${run.history_length} (${list.length} events)`);
  }
  for (const [k, n] of logical)
    if (n > 1) found.push(`${k.replaceAll('|', ' ')} recorded ${n} times`);
  return found;
}

/** When each attempt was due, by run, node and attempt (NodeScheduled, NodeRetryScheduled). */
function dueTimes(facts: Facts): Map<string, number> {
  const due = new Map<string, number>();
  for (const e of facts.events) {
    if (e.due_at === null || e.attempt === null) continue;
    const next = e.type === 'NodeRetryScheduled' ? e.attempt + 1 : e.attempt;
    due.set(key(e.run_id, e.node_id, next), Date.parse(e.due_at));
  }
  return due;
}

function queueWaits(facts: Facts, due: ReadonlyMap<string, number>): number[] {
  const waits: number[] = [];
  for (const e of facts.events) {
    const at = due.get(key(e.run_id, e.node_id, e.attempt));
    if (e.type === 'NodeStarted' && at !== undefined) waits.push(e.at.getTime() - at);
  }
  return waits.sort((x, y) => x - y);
}

function recoveries(
  all: readonly AttemptFact[],
  attempts: ReadonlyMap<string, AttemptFact>,
  kills: readonly Kill[],
  due: ReadonlyMap<string, number>,
): {
  recoveriesMs: number[];
  noticedMs: number[];
  recoveryQueueMs: number[];
  unrecovered: string[];
  lostByLiveWorkers: number;
} {
  const killAt = new Map(kills.map((k) => [k.pid, k.at]));
  const recoveriesMs: number[] = [];
  const noticedMs: number[] = [];
  const recoveryQueueMs: number[] = [];
  const unrecovered: string[] = [];
  let lostByLiveWorkers = 0;
  for (const a of all) {
    if (a.error_type !== 'WorkerLost') continue;
    const at = killAt.get(pidOf(a.worker) ?? -1);
    if (at === undefined) {
      lostByLiveWorkers++;
      continue;
    }
    if (a.finished_at) noticedMs.push(a.finished_at.getTime() - at);
    const next = attempts.get(key(a.run_id, a.node_id, a.attempt + 1));
    const nextDue = due.get(key(a.run_id, a.node_id, a.attempt + 1));
    if (next && nextDue !== undefined) recoveryQueueMs.push(next.started_at.getTime() - nextDue);
    if (next) recoveriesMs.push(next.started_at.getTime() - at);
    else
      unrecovered.push(
        `${a.run_id} ${a.node_id}#${a.attempt} never ran again after its worker died`,
      );
  }
  const ascending = (x: number, y: number) => x - y;
  return {
    recoveriesMs: recoveriesMs.sort(ascending),
    noticedMs: noticedMs.sort(ascending),
    recoveryQueueMs: recoveryQueueMs.sort(ascending),
    unrecovered,
    lostByLiveWorkers,
  };
}
