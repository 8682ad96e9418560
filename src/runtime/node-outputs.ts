/**
 * Reading node outputs. An output is stored once, in the history event that recorded it
 * (NodeCompleted, or NodePolled for the latest poll); a node row points at that event with
 * `output_seq` (history.ts writes both in one statement). A transaction that has just completed
 * a node has not written that event yet: it reads the output from its scope.
 */
import type { NeededNode } from './node-context.js';
import type { TxScope } from './scope.js';

/** SQL for the output of the node row aliased `alias` (null when it has none). */
export function nodeOutputSql(alias: string): string {
  return `(SELECT h.data -> 'output' FROM forgeflow.history h
           WHERE h.run_id = ${alias}.run_id AND h.seq = ${alias}.output_seq)`;
}

/** The nodes a node needs, with their status and output, in the order of `needs`. */
export async function loadNeeded(scope: TxScope, needs: readonly string[]): Promise<NeededNode[]> {
  if (needs.length === 0) return [];
  const { rows } = await scope.q.query<NeededNode>(
    `SELECT n.node_id, n.status, ${nodeOutputSql('n')} AS output FROM forgeflow.nodes n
     WHERE n.run_id = $1 AND n.node_id = ANY($2::text[])`,
    [scope.run.id, needs],
  );
  const fresh = scope.outputs;
  // A whole matrix job can be needed: one pass over the rows, not one per needed node.
  const byId = new Map(rows.map((r) => [r.node_id, r]));
  return needs.flatMap((id) => {
    const row = byId.get(id);
    if (row === undefined) return [];
    return [fresh.has(id) ? { ...row, output: fresh.get(id) } : row];
  });
}
