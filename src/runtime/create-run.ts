/**
 * Creating a run inside a transaction: its row, naming the graph it will always finish on (stored
 * once, new-run-rows.ts), its spec (its event), every node pending with the count of its needs,
 * and RunStarted. Then
 * `beginRun` starts it: its deadline task, its roots. Used for new runs (start-run.ts) and for
 * polling child runs, which their parent creates in its own transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Graph, StoredGraph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { startRoots } from './advance.js';
import type { Engine } from './engine.js';
import { insertNodes, insertRuns, insertSpecs, runsByKey } from './new-run-rows.js';
import { insertTimerTask } from './schedule.js';
import { openScope, record, type TxScope } from './scope.js';
import { setRunStatus } from './store.js';
import type { ConfigSource } from '../contracts/run-control.js';
import type { AfterCommit, ParentLink, RunInfo } from './types.js';

export interface NewRun {
  /** The new run's id, when its starter chose it; else engine.newRunId's, or a random UUID. */
  id?: string;
  graph: Graph;
  event: Event;
  idempotencyKey?: string;
  parent?: ParentLink;
  /** For a child continuing a chain: the run it continues (continue-as-new). */
  continuedFrom?: string;
  /** An absolute deadline (a poll's timeout, kept across its chain); else graph.timeout_ms from the start. */
  deadlineAt?: number | null;
  /** Where the config came from (the plan step's word); a child run has its parent's. */
  configSource?: ConfigSource;
}

/** Returns the new run's scope (open: the caller closes it), or the existing run's id for a repeated idempotency key. */
export async function createRun(
  q: Queryable,
  engine: Engine,
  after: AfterCommit,
  input: NewRun,
  now: number,
): Promise<{ scope: TxScope } | { existing: string }> {
  const id = input.id ?? engine.newRunId?.() ?? randomUUID();
  const { graph, event, idempotencyKey } = input;
  const inserted = await insertRuns(
    q,
    [
      {
        id,
        graph,
        event,
        parent: input.parent ?? null,
        idempotencyKey,
        status: 'queued',
        deadlineAt: null,
      },
    ],
    now,
  );
  // Only an idempotency key can keep the row out.
  if (!inserted.has(id))
    return { existing: (await runsByKey(q, [idempotencyKey!])).get(idempotencyKey!)! };
  await insertSpecs(q, [{ runId: id, event, configSource: input.configSource }]);
  await insertNodes(
    q,
    graph.nodes.map((n) => ({ run: id, node: n.id, waiting_on: n.needs.length })),
    now,
  );
  const parent = input.parent ?? null;
  const run: RunInfo = {
    id,
    pipeline: graph.pipeline,
    graph,
    event,
    parent,
    status: 'queued',
    attempt: 1,
    stopping: null,
    group: null,
    ...(input.configSource ? { configSource: input.configSource } : {}),
  };
  // A worker in this process will need the graph next: it is already here.
  engine.cache.put(run);
  const scope = openScope(q, engine, now, run, after);
  record(scope, [
    {
      type: 'RunStarted',
      data: {
        pipeline: graph.pipeline,
        nodes: graph.nodes.map((n) => n.id),
        attempt: 1,
        ...(parent
          ? { parent: { run_id: parent.runId, node_id: parent.nodeId, attempt: parent.attempt } }
          : {}),
        ...(input.continuedFrom ? { continued_from: input.continuedFrom } : {}),
      },
    },
  ]);
  after.emit({
    type: 'run:started',
    runId: id,
    pipeline: graph.pipeline,
    repo: input.event.repo.full_name,
  });
  return { scope };
}

/**
 * Moves a created (or queued, or retried) run to running: its deadline is set from now (or
 * kept, for a poll chain), and the given ready nodes, by default its roots, are decided.
 */
export async function beginRun(
  scope: TxScope,
  deadlineAt: number | null,
  decide: (scope: TxScope) => Promise<void> = startRoots,
): Promise<void> {
  const { q, run, now } = scope;
  const moved = await setRunStatus(q, run.id, 'running', {
    started_at: new Date(now),
    updated_at: new Date(now),
    deadline_at: deadlineAt === null ? null : new Date(deadlineAt),
  });
  if (!moved) throw new Error(`run ${run.id} could not be started from ${run.status}`);
  run.status = 'running';
  if (deadlineAt !== null) await insertTimerTask(scope, '', 'deadline', deadlineAt);
  await decide(scope);
}

export function deadlineFrom(graph: Pick<StoredGraph, 'timeout_ms'>, now: number): number | null {
  return graph.timeout_ms === null ? null : now + graph.timeout_ms;
}
