/**
 * The chaos checker (chaos/checks.ts) on made-up facts: a clean session passes, and each kind of
 * violation it exists for is caught, so a chaos run that reports zero means zero was looked for.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../chaos/checks.js';
import type { AttemptFact, EventFact, Facts } from '../../chaos/facts.js';
import type { Execution } from '../../chaos/ledger.js';

const RUN = '00000000-0000-4000-a000-000000000001';
const KILLED = 'host:4242:0badf00d';
const LIVE = 'host:5151:c0ffee00';

function attempt(
  node: string,
  n: number,
  status: string,
  worker = LIVE,
  error_type: string | null = null,
): AttemptFact {
  return {
    run_id: RUN,
    node_id: node,
    attempt: n,
    status,
    worker,
    started_at: new Date(10_000 * n),
    finished_at: status === 'running' ? null : new Date(10_000 * n + 5_000),
    error_type,
  };
}

function event(
  seq: number,
  type: string,
  node: string | null = null,
  n: number | null = null,
  due: number | null = null,
): EventFact {
  const due_at = due === null ? null : new Date(due).toISOString();
  const at = new Date(10_000 * (n ?? 0));
  return { run_id: RUN, seq, type, node_id: node, attempt: n, at, due_at };
}

function exec(node: string, n: number, phase: Execution['phase'], pid = 5151): Execution {
  return { run: RUN, node, attempt: n, phase, pid, t: 0 };
}

/** Node `a` lost attempt 1 to the killed worker (at 1 s) and succeeded on attempt 2 (at 20 s). */
function clean(): { facts: Facts; executions: Execution[] } {
  const events = [
    event(1, 'RunStarted'),
    event(2, 'NodeScheduled', 'a', 1, 9_000),
    event(3, 'NodeStarted', 'a', 1),
    event(4, 'NodeRetryScheduled', 'a', 1, 19_500),
    event(5, 'NodeStarted', 'a', 2),
    event(6, 'NodeCompleted', 'a', 2),
    event(7, 'RunCompleted'),
  ];
  return {
    facts: {
      runs: [{ id: RUN, status: 'succeeded', history_length: events.length, failed_nodes: [] }],
      attempts: [attempt('a', 1, 'timed_out', KILLED, 'WorkerLost'), attempt('a', 2, 'succeeded')],
      events,
      unfolded: [],
    },
    executions: [exec('a', 1, 'start', 4242), exec('a', 2, 'start'), exec('a', 2, 'done')],
  };
}

const kills = [{ at: 1_000, pid: 4242, slot: 0 }];

describe('the chaos checker', () => {
  it('passes a clean session and measures the recovery from the kill', () => {
    const { facts, executions } = clean();
    const verdict = judge([RUN], facts, executions, kills);
    expect(verdict.violations).toBe(0);
    expect(verdict.recoveriesMs).toEqual([19_000]);
    expect(verdict.noticedMs).toEqual([14_000]);
    expect(verdict.queueWaitsMs).toEqual([500, 1_000]);
    expect(verdict.recoveryQueueMs).toEqual([500]);
    expect(verdict.lostByLiveWorkers).toBe(0);
  });

  it('catches a lost run, a stuck one and a run that failed for another reason', () => {
    const { facts, executions } = clean();
    const other = '00000000-0000-4000-a000-000000000002';
    expect(judge([RUN, other], facts, executions, kills).lost).toEqual([other]);
    facts.runs[0]!.status = 'running';
    expect(judge([RUN], facts, executions, kills).stuck).toHaveLength(1);
    facts.runs[0]!.status = 'failed';
    facts.runs[0]!.failed_nodes = ['Flaky'];
    expect(judge([RUN], facts, executions, kills).unexpectedFailures).toHaveLength(1);
    facts.runs[0]!.failed_nodes = ['WorkerCrashed'];
    expect(judge([RUN], facts, executions, kills)).toMatchObject({ poisoned: 1, violations: 0 });
  });

  it('catches a completed step executed again, and an attempt executed twice', () => {
    const { facts, executions } = clean();
    const after = judge([RUN], facts, [...executions, exec('a', 3, 'start')], kills);
    expect(after.reexecuted).toEqual([`${RUN} a#3 executed after #2 completed it`]);
    const twice = judge([RUN], facts, [...executions, exec('a', 2, 'start')], kills);
    expect(twice.reexecuted).toEqual([`${RUN} a 2 executed 2 times`]);
    const unrecorded = judge([RUN], facts, executions.slice(0, 2), kills);
    expect(unrecorded.reexecuted).toHaveLength(1);
  });

  it('catches a repeated history event and a gap in the sequence', () => {
    const { facts, executions } = clean();
    facts.events.push(event(8, 'NodeCompleted', 'a', 2));
    facts.runs[0]!.history_length = 8;
    expect(judge([RUN], facts, executions, kills).duplicateEvents).toEqual([
      `${RUN} NodeCompleted a 2 recorded 2 times`,
    ]);
    facts.events.splice(2, 1);
    expect(judge([RUN], facts, executions, kills).duplicateEvents).toContain(
      `${RUN}: seq is not 1..8 (7 events)`,
    );
  });

  it("catches a killed worker's attempt that never ran again, and one lost by a live worker", () => {
    const { facts, executions } = clean();
    facts.attempts.pop();
    expect(judge([RUN], facts, executions, kills).unrecovered).toHaveLength(1);
    expect(judge([RUN], clean().facts, executions, []).lostByLiveWorkers).toBe(1);
  });
});
