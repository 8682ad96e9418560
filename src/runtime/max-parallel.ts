/**
 * max_parallel (GitHub Actions' strategy.max-parallel): at most N nodes of a job hold a slot at
 * once, a slot being held from the node's scheduling to its end (queued for a worker, running,
 * between retries, waiting for its poll). A ready node that finds none free stays pending, its
 * needs done, until a node of its job ends; then the waiting ones are decided in graph (matrix)
 * order. Both happen under the run's lock, so the bound holds however many workers there are.
 * Nothing here runs for a graph without it.
 */
import type { GraphNode } from '../contracts/graph.js';
import { nodesOfJob, sortByGraph } from './graph-index.js';
import type { TxScope } from './scope.js';

/** The states of a node holding a slot of its job. */
const HOLDING = ['scheduled', 'running', 'retrying', 'waiting'];

/** Takes a slot of the node's job for it, if one is free (counted once per transaction). */
export async function takeSlot(scope: TxScope, node: GraphNode): Promise<boolean> {
  const max = node.max_parallel;
  if (max === undefined) return true;
  let held = scope.slots?.get(node.job);
  if (held === undefined) {
    const { rows } = await scope.q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.nodes
       WHERE run_id = $1 AND node_id = ANY($2::text[]) AND status = ANY($3::text[])`,
      [scope.run.id, nodesOfJob(scope.run, node.job), HOLDING],
    );
    held = rows[0]?.n ?? 0;
  }
  const free = held < max;
  (scope.slots ??= new Map()).set(node.job, free ? held + 1 : held);
  return free;
}

/**
 * A node of a max_parallel job ended: the job's nodes waiting for a slot, in graph order, with
 * the slots recounted (what ended in this transaction holds none any more).
 */
export async function waitingForSlot(scope: TxScope, node: GraphNode): Promise<string[]> {
  if (node.max_parallel === undefined) return [];
  const { rows } = await scope.q.query<{ node_id: string; status: string }>(
    `SELECT node_id, status FROM forgeflow.nodes
     WHERE run_id = $1 AND node_id = ANY($2::text[])
       AND (status = ANY($3::text[]) OR (status = 'pending' AND waiting_on = 0))`,
    [scope.run.id, nodesOfJob(scope.run, node.job), HOLDING],
  );
  const waiting = rows.filter((r) => r.status === 'pending').map((r) => r.node_id);
  (scope.slots ??= new Map()).set(node.job, rows.length - waiting.length);
  return sortByGraph(scope.run, waiting);
}
