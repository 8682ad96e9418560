/**
 * Signals kept for later: one sent before any node waits for its name stays in
 * `forgeflow.signals` unconsumed (signals.ts), and the first node to wait for that name takes
 * it as it is scheduled. Apart from delivering, so that scheduling a node needs nothing of what
 * delivering does (it moves the run on, advance.ts, which schedules).
 */
import type { TxScope } from './scope.js';

/** Takes the oldest kept signal of this name for `nodeId`, if there is one. */
export async function takeBufferedSignal(
  scope: TxScope,
  name: string,
  nodeId: string,
): Promise<{ payload: unknown } | undefined> {
  const { rows } = await scope.q.query<{ payload: unknown }>(
    `UPDATE forgeflow.signals SET consumed_by = $3, consumed_at = $4
     WHERE run_id = $1 AND id = (
       SELECT id FROM forgeflow.signals WHERE run_id = $1 AND name = $2 AND consumed_by IS NULL
       ORDER BY id LIMIT 1 FOR UPDATE)
     RETURNING payload`,
    [scope.run.id, name, nodeId, new Date(scope.now)],
  );
  return rows[0];
}
