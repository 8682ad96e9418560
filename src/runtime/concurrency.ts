/**
 * Concurrency groups (`concurrency.group`, evaluated when the run starts). Arrivals and
 * departures of a group are serialized by a transaction-scoped advisory lock on the group's
 * name, so "is anyone running?" and "then I queue" cannot interleave with a run of the group
 * ending. With `cancel_in_progress` a newer run cancels the older runs of its group (through
 * `cancel` tasks, so the arriving transaction locks no other run); without it, runs queue and
 * start one at a time in order of arrival (a sequence, not a clock).
 *
 * Lock order: a run's lock, then its group's lock (arrivals, retries); the dequeue step alone
 * takes a group lock first and then the queued run it starts, and no transaction holding a
 * queued run's lock ever waits for its group.
 */
import { createHash } from 'node:crypto';
import type { Graph } from '../contracts/graph.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { evaluateTemplate, evaluateValue } from '../expressions/evaluate.js';
import { decidePendingReady } from './advance.js';
import { beginRun, deadlineFrom } from './create-run.js';
import type { Engine } from './engine.js';
import { lockRun } from './run-lock.js';
import { queueRunTask } from './run-tasks.js';
import { closeScope, notifyIfNeeded, publish } from './run-transaction.js';
import { openScope, record, type TxScope } from './scope.js';
import { setRunStatus } from './store.js';
import { AfterCommit } from './types.js';
import { ACTIVE_RUN_STATES_SQL } from './states.js';

/**
 * A group name is indexed with its run, and a btree row holds about 2.7 kB: a longer name (an
 * event's title has any length, in 4-byte characters) keeps its start and a digest of the whole,
 * so two different names never share a group.
 */
const MAX_GROUP_BYTES = 512;

export function boundedGroup(group: string): string {
  const bytes = Buffer.from(group, 'utf8');
  if (bytes.length <= MAX_GROUP_BYTES) return group;
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  // A character cut in half decodes as U+FFFD: still one valid, bounded prefix.
  return `${bytes.subarray(0, MAX_GROUP_BYTES - 64).toString('utf8')}…#${digest}`;
}

/** The run's group name, or an error message when the template cannot be evaluated. */
export function evaluateGroup(
  graph: Graph,
  event: Event,
  run: Record<string, unknown>,
): { group: string } | { error: string } {
  if (graph.concurrency === null) return { error: 'the pipeline has no concurrency group' };
  try {
    const inputs = graph.inputs ?? {};
    const env = evaluateValue(graph.env, { event, run, inputs }) as Record<string, unknown>;
    const text = evaluateTemplate(graph.concurrency.group, {
      event,
      run,
      inputs,
      env: Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    });
    const group = typeof text === 'string' ? text : JSON.stringify(text);
    return { group: boundedGroup(group) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function lockGroup(q: Queryable, group: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7133265432))', [
    `forgeflow:group:${group}`,
  ]);
}

/**
 * The scope's run arrives in `group` (it is new and queued, or finished and being retried).
 * Returns 'run' when it may start now; otherwise it is left queued behind the group's runs.
 */
export async function arrive(
  scope: TxScope,
  group: string,
  cancelInProgress: boolean,
): Promise<'run' | 'queued'> {
  const { q, run, now } = scope;
  await lockGroup(q, group);
  await q.query(
    `UPDATE forgeflow.runs SET concurrency_group = $2, group_seq = nextval('forgeflow.group_arrivals') WHERE id = $1`,
    [run.id, group],
  );
  run.group = group;
  const { rows: others } = await q.query<{ id: string }>(
    `SELECT id FROM forgeflow.runs
     WHERE concurrency_group = $1 AND status IN (${ACTIVE_RUN_STATES_SQL}) AND id <> $2 ORDER BY group_seq`,
    [group, run.id],
  );
  if (cancelInProgress) {
    const reason = `run ${run.id} arrived in concurrency group "${group}", which cancels the runs in progress`;
    for (const other of others)
      await queueRunTask(q, {
        runId: other.id,
        kind: 'cancel',
        dueAt: new Date(now),
        now: new Date(now),
        payload: { reason },
        onConflict: 'keep',
      });
    if (others.length > 0) scope.after.notifyTasks = true;
    return 'run';
  }
  if (others.length === 0) return 'run';
  if (run.status !== 'queued')
    await setRunStatus(q, run.id, 'queued', { updated_at: new Date(now) });
  run.status = 'queued';
  record(scope, [{ type: 'RunQueued', data: { group, behind: others.map((o) => o.id) } }]);
  scope.after.emit({ type: 'run:queued', runId: run.id, group });
  return 'queued';
}

/**
 * Applies one `dequeue` task this worker leased (a run of the group ended): when nothing of the
 * group runs, starts its oldest queued run. In a transaction of its own.
 */
export async function dequeue(engine: Engine, worker: string, taskId: number): Promise<void> {
  const after = new AfterCommit();
  const now = engine.clock.now();
  await engine.db.tx(async (q) => {
    const { rows } = await q.query<{ payload: { group?: string } | null }>(
      'DELETE FROM forgeflow.tasks WHERE id = $1 AND lease_owner = $2 RETURNING payload',
      [taskId, worker],
    );
    const group = rows[0]?.payload?.group;
    if (typeof group !== 'string') return;
    await lockGroup(q, group);
    const running = await q.query(
      `SELECT 1 FROM forgeflow.runs WHERE concurrency_group = $1 AND status = 'running' LIMIT 1`,
      [group],
    );
    if (running.rows.length > 0) return; // it will wake the group when it ends
    for (;;) {
      const { rows: heads } = await q.query<{ id: string }>(
        `SELECT id FROM forgeflow.runs WHERE concurrency_group = $1 AND status = 'queued'
         ORDER BY group_seq LIMIT 1`,
        [group],
      );
      const head = heads[0];
      if (!head) return;
      const locked = await lockRun(q, head.id);
      if (locked?.status !== 'queued') continue; // stopped meanwhile
      const runs = await engine.cache.load(q, [head.id], new Map([[head.id, locked]]));
      const run = runs.get(head.id);
      if (!run) return;
      const scope = openScope(q, engine, now, run, after);
      record(scope, [{ type: 'RunDequeued', data: { group } }]);
      after.emit({ type: 'run:dequeued', runId: run.id, group });
      // A queued retry keeps what succeeded: decide what is pending and ready, not the roots.
      await beginRun(scope, deadlineFrom(run.graph, now), decidePendingReady);
      await closeScope(scope);
      await notifyIfNeeded(q, after);
      return;
    }
  });
  publish(engine, after);
}
