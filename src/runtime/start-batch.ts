/**
 * Starting many runs in one transaction (Runtime.startMany, and start() calls coalesced by
 * start-queue.ts). The runs start-plan.ts can plan are written set-based: one statement each for
 * their run rows (with their graphs), specs, nodes (roots already scheduled), first tasks and
 * first history events, however many they are, and one NOTIFY. The others take the per-run path
 * (start-run.ts) in the same transaction, their history written by closeScopes. Each row
 * written belongs to one run (DESIGN.md §5). An idempotency key repeated in the batch, or held
 * by a run already there, gives one run: the first start of a key creates it, the others
 * return it.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.js';
import type { Engine } from './engine.js';
import { firstEvents, insertFirstHistory } from './first-history.js';
import { insertFirstTasks } from './first-tasks.js';
import { insertNodes, insertRuns, insertSpecs, runsByKey, type NodeRow } from './new-run-rows.js';
import { closeScopes, notifyIfNeeded } from './run-transaction.js';
import type { TxScope } from './scope.js';
import { groupOf, planStart, type PlannedStart } from './start-plan.js';
import { startInTx, type StartedRun, type StartRunInput } from './start-run.js';
import { AfterCommit } from './types.js';

interface Planned {
  index: number;
  plan: PlannedStart;
}

export async function startBatch(
  engine: Engine,
  inputs: readonly StartRunInput[],
): Promise<{ started: StartedRun[]; after: AfterCommit }> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  // Decided before the transaction begins: it holds its locks only while it writes.
  const firstOfKey = new Map<string, number>();
  const planned: Planned[] = [];
  const perRun: { index: number; id: string; group: string }[] = [];
  inputs.forEach((input, index) => {
    const key = input.idempotencyKey;
    if (key !== undefined) {
      if (firstOfKey.has(key)) return;
      firstOfKey.set(key, index);
    }
    // Ids in input order, whichever path: tests give their own, in order.
    const id = engine.newRunId?.() ?? randomUUID();
    const plan = planStart(engine.settings, input, id, now);
    if (plan) planned.push({ index, plan });
    else perRun.push({ index, id, group: groupOf(engine.settings, input, id) });
  });
  // Stable: the runs of one group keep their order of arrival.
  perRun.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));

  const started = await engine.db.tx(async (q) => {
    const results: StartedRun[] = new Array<StartedRun>(inputs.length);
    const created = new Map<number, string>(); // input index → the run it created
    for (const [index, result] of await writePlanned(q, engine, after, inputs, planned, now)) {
      results[index] = result;
      if (result.created) created.set(index, result.runId);
    }
    const scopes: TxScope[] = [];
    for (const { index, id } of perRun) {
      const one = await startInTx(q, engine, after, { ...inputs[index]!, id }, now);
      results[index] = one.started;
      if (one.scope) {
        scopes.push(one.scope);
        created.set(index, id);
      }
    }

    for (const [index, runId] of [...created].sort(([a], [b]) => a - b))
      await inputs[index]!.alongside?.(q, runId);
    await closeScopes(scopes);
    await notifyIfNeeded(q, after);

    return inputs.map((input, index) => {
      const result = results[index];
      if (result) return result;
      // A repeated key: the run its first start got.
      return { runId: results[firstOfKey.get(input.idempotencyKey!)!]!.runId, created: false };
    });
  });
  return { started, after };
}

/** The planned runs' rows, set-based; their results by input index. */
async function writePlanned(
  q: Queryable,
  engine: Engine,
  after: AfterCommit,
  inputs: readonly StartRunInput[],
  planned: readonly Planned[],
  now: number,
): Promise<Map<number, StartedRun>> {
  const results = new Map<number, StartedRun>();
  const events = new Map(planned.map(({ plan }) => [plan.run.id, firstEvents(plan, now)]));
  const inserted = await insertRuns(
    q,
    planned.map(({ index, plan }) => ({
      id: plan.run.id,
      graph: plan.run.graph,
      event: plan.run.event,
      parent: null,
      idempotencyKey: inputs[index]!.idempotencyKey,
      status: 'running',
      deadlineAt: plan.deadlineAt,
      historyLength: events.get(plan.run.id)!.length,
    })),
    now,
  );
  const fresh = planned.filter(({ plan }) => inserted.has(plan.run.id));
  const held = planned.filter(({ plan }) => !inserted.has(plan.run.id));
  const keyOf = (index: number) => inputs[index]!.idempotencyKey!;
  const holders = await runsByKey(
    q,
    held.map(({ index }) => keyOf(index)),
  );
  for (const { index } of held)
    results.set(index, { runId: holders.get(keyOf(index))!, created: false });
  if (fresh.length === 0) return results;

  await insertSpecs(
    q,
    fresh.map(({ index, plan }) => ({
      runId: plan.run.id,
      event: plan.run.event,
      configSource: inputs[index]!.configSource,
    })),
  );
  await insertNodes(
    q,
    fresh.flatMap(({ plan }) => nodeRows(plan)),
    now,
  );
  const starts = fresh.map(({ plan }) => plan);
  if ((await insertFirstTasks(q, starts, now)) > 0) after.notifyTasks = true;
  await insertFirstHistory(
    q,
    starts.map(({ run }) => ({ runId: run.id, events: events.get(run.id)! })),
    now,
  );
  for (const { index, plan } of fresh) {
    const { run, roots } = plan;
    // A worker in this process will need the graph next: it is already here.
    engine.cache.put(run);
    after.emit({
      type: 'run:started',
      runId: run.id,
      pipeline: run.pipeline,
      repo: run.event.repo.full_name,
    });
    for (const { node } of roots)
      after.emit({ type: 'node:scheduled', runId: run.id, nodeId: node.id, attempt: 1 });
    results.set(index, { runId: run.id, created: true });
  }
  return results;
}

/** Every node pending with the count of its needs; the roots scheduled for attempt 1. */
function nodeRows({ run, roots }: PlannedStart): NodeRow[] {
  const scheduled = new Map(roots.map((root) => [root.node.id, root]));
  return run.graph.nodes.map((node) => {
    const root = scheduled.get(node.id);
    const row: NodeRow = { run: run.id, node: node.id, waiting_on: node.needs.length };
    if (root)
      row.scheduled = {
        input: root.input,
        deadline_at: root.deadlineAt === null ? null : new Date(root.deadlineAt).toISOString(),
      };
    return row;
  });
}
