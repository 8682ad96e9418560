/**
 * Starting many runs in one transaction (Runtime.startMany, and start() calls coalesced by
 * start-queue.ts). The runs start-plan.ts can plan are written set-based: one statement each for
 * their run rows (with their graphs), specs, nodes (roots already scheduled), first tasks and
 * history, however many they are, and one NOTIFY. The others take the per-run path
 * (start-run.ts) in the same transaction. Each row written belongs to one run (DESIGN.md §5).
 * An idempotency key repeated in the batch, or held by a run already there, gives one run: the
 * first start of a key creates it, the others return it.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine.js';
import { insertFirstTasks } from './first-tasks.js';
import { insertNodes, insertRuns, insertSpecs, runsByKey } from './new-run-rows.js';
import { closeScopes, notifyIfNeeded } from './run-transaction.js';
import { openScope, record, type TxScope } from './scope.js';
import { planStart, type PlannedStart } from './start-plan.js';
import { startInTx, type StartedRun, type StartRunInput } from './start-run.js';
import { AfterCommit } from './types.js';

export async function startBatch(
  engine: Engine,
  inputs: readonly StartRunInput[],
): Promise<{ started: StartedRun[]; after: AfterCommit }> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  const started = await engine.db.tx(async (q) => {
    const firstOfKey = new Map<string, number>();
    const planned: { index: number; plan: PlannedStart }[] = [];
    const perRun: { index: number; id: string }[] = [];
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
      else perRun.push({ index, id });
    });

    const results: StartedRun[] = new Array<StartedRun>(inputs.length);
    const scopes: TxScope[] = [];
    const createdAt = new Map<number, string>(); // input index → the run it created

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
      })),
      now,
    );
    const fresh = planned.filter(({ plan }) => inserted.has(plan.run.id));
    const held = planned.filter(({ plan }) => !inserted.has(plan.run.id));
    const holders = await runsByKey(
      q,
      held.map(({ index }) => inputs[index]!.idempotencyKey!),
    );
    for (const { index } of held)
      results[index] = { runId: holders.get(inputs[index]!.idempotencyKey!)!, created: false };
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
      fresh.flatMap(({ plan }) => {
        const roots = new Map(plan.roots.map((root) => [root.node.id, root]));
        return plan.run.graph.nodes.map((node) => {
          const root = roots.get(node.id);
          return {
            run: plan.run.id,
            node: node.id,
            waiting_on: node.needs.length,
            ...(root
              ? {
                  scheduled: {
                    input: root.input,
                    deadline_at:
                      root.deadlineAt === null ? null : new Date(root.deadlineAt).toISOString(),
                  },
                }
              : {}),
          };
        });
      }),
      now,
    );
    if (
      (await insertFirstTasks(
        q,
        fresh.map(({ plan }) => plan),
        now,
      )) > 0
    )
      after.notifyTasks = true;
    for (const { index, plan } of fresh) {
      scopes.push(recordStart(engine, q, after, plan, now));
      results[index] = { runId: plan.run.id, created: true };
      createdAt.set(index, plan.run.id);
    }

    for (const { index, id } of perRun) {
      const one = await startInTx(q, engine, after, { ...inputs[index]!, id }, now);
      results[index] = one.started;
      if (one.scope) {
        scopes.push(one.scope);
        createdAt.set(index, id);
      }
    }

    for (const [index, runId] of [...createdAt].sort(([a], [b]) => a - b))
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

/**
 * The planned run's history and events, as the per-run path records them: RunStarted, then
 * NodeScheduled for each root in graph order.
 */
function recordStart(
  engine: Engine,
  q: Parameters<typeof openScope>[0],
  after: AfterCommit,
  plan: PlannedStart,
  now: number,
): TxScope {
  const { run, roots } = plan;
  // A worker in this process will need the graph next: it is already here.
  engine.cache.put(run);
  const scope = openScope(q, engine, now, run, after);
  record(scope, [
    {
      type: 'RunStarted',
      data: { pipeline: run.pipeline, nodes: run.graph.nodes.map((n) => n.id), attempt: 1 },
    },
  ]);
  after.emit({ type: 'run:started', runId: run.id, pipeline: run.pipeline });
  const dueAt = new Date(now).toISOString();
  for (const { node } of roots) {
    record(scope, [{ type: 'NodeScheduled', node: node.id, attempt: 1, data: { due_at: dueAt } }]);
    after.emit({ type: 'node:scheduled', runId: run.id, nodeId: node.id, attempt: 1 });
  }
  return scope;
}
