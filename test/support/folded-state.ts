/**
 * Rebuilds a run's state from its history alone, next to the state its tables hold: equal when
 * every state change was recorded by the event written in its transaction. No test framework
 * here: the chaos suite (chaos/) folds every run too.
 */
import type { Runtime } from '../../src/runtime/runtime.js';

interface Folded {
  status: string;
  nodes: Map<string, { status: string; attempt: number; attempts: Map<number, string> }>;
}

async function foldHistory(runtime: Runtime, runId: string): Promise<Folded> {
  const folded: Folded = { status: 'queued', nodes: new Map() };
  const node = (id: string) => {
    let n = folded.nodes.get(id);
    if (!n) folded.nodes.set(id, (n = { status: 'pending', attempt: 0, attempts: new Map() }));
    return n;
  };
  const endAttempt = (id: string, attempt: number | null, status: string) => {
    const n = node(id);
    if (attempt !== null && n.attempts.has(attempt)) n.attempts.set(attempt, status);
  };
  for (const e of await runtime.history(runId, { limit: 10_000 })) {
    const data = e.data;
    const id = e.node_id ?? '';
    switch (e.type) {
      case 'RunStarted':
        folded.status = 'running';
        for (const nodeId of data.nodes as string[]) node(nodeId);
        break;
      case 'RunQueued':
        folded.status = 'queued';
        break;
      case 'RunDequeued':
        folded.status = 'running';
        break;
      case 'RunRetried':
        folded.status = 'running';
        for (const nodeId of data.nodes as string[]) node(nodeId).status = 'pending';
        break;
      case 'NodeCanceled':
        // Whatever attempt was still running ended with the node.
        node(id).status = 'canceled';
        for (const [n, status] of node(id).attempts)
          if (status === 'running') node(id).attempts.set(n, 'canceled');
        break;
      case 'NodePolled':
        endAttempt(id, e.attempt, 'succeeded');
        Object.assign(node(id), { status: 'scheduled', attempt: data.next_attempt });
        break;
      case 'ChildRunStarted':
        endAttempt(id, e.attempt, 'succeeded');
        node(id).status = 'waiting';
        break;
      case 'RunContinuedAsNew':
        folded.status = 'continued';
        break;
      case 'NodeScheduled':
        Object.assign(node(id), { status: 'scheduled', attempt: e.attempt });
        break;
      case 'NodeStarted':
        node(id).status = 'running';
        node(id).attempts.set(e.attempt!, 'running');
        break;
      case 'NodeCompleted':
        node(id).status = 'succeeded';
        endAttempt(id, e.attempt, 'succeeded');
        // A signal that ended a poll cut off the call in flight.
        if (data.signal !== undefined)
          for (const [n, status] of node(id).attempts)
            if (status === 'running') node(id).attempts.set(n, 'canceled');
        break;
      case 'NodeFailed':
        node(id).status = 'failed';
        endAttempt(id, e.attempt, (data.attempt_outcome as string | undefined) ?? 'failed');
        break;
      case 'NodeTimedOut':
        node(id).status = 'timed_out';
        endAttempt(id, e.attempt, 'timed_out');
        break;
      case 'NodeRetryScheduled':
        endAttempt(id, e.attempt, data.outcome as string);
        Object.assign(node(id), { status: 'retrying', attempt: data.next_attempt });
        break;
      case 'NodeSkipped':
        node(id).status = 'skipped';
        break;
      case 'TimerStarted':
      case 'NodeWaiting':
        node(id).status = 'waiting';
        break;
      case 'RunCompleted':
        folded.status = 'succeeded';
        break;
      case 'RunFailed':
        folded.status = 'failed';
        break;
      case 'RunTimedOut':
        folded.status = 'timed_out';
        break;
      case 'RunCanceled':
        folded.status = 'canceled';
        break;
      default:
        // TimerFired, LateCompletionFenced, SignalReceived, CancelRequested, ChildRunCompleted:
        // no state of their own
        break;
    }
  }
  return folded;
}

export interface FoldedAndStored {
  rebuilt: unknown;
  /** undefined when the run has no row. */
  stored: unknown;
}

/** A run's state as its history folds it and as its tables hold it, in the same shape. */
export async function foldedAndStored(runtime: Runtime, runId: string): Promise<FoldedAndStored> {
  const folded = await foldHistory(runtime, runId);
  const run = await runtime.getRun(runId);
  if (run === undefined) return { rebuilt: folded.status, stored: undefined };
  const stored = {
    status: run.status,
    nodes: Object.fromEntries(
      run.nodes.map((n) => [
        n.node_id,
        {
          status: n.status,
          attempt: n.attempt,
          attempts: Object.fromEntries(n.attempts.map((a) => [a.attempt, a.status])),
        },
      ]),
    ),
  };
  const rebuilt = {
    status: folded.status,
    nodes: Object.fromEntries(
      [...folded.nodes].map(([id, n]) => [
        id,
        { status: n.status, attempt: n.attempt, attempts: Object.fromEntries(n.attempts) },
      ]),
    ),
  };
  return { rebuilt, stored };
}
