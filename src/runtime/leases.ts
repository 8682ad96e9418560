/**
 * Keeping a lease: the worker extends the leases of everything it runs (so a crashed worker is
 * noticed within one lease), and a handler's heartbeat also pushes its heartbeat deadline and
 * records its details. Both report a lost lease, so the worker can abort the attempt.
 */
import type { Engine } from './engine.js';
import type { ClaimedAttempt } from './attempt-start.js';

const EXPIRES =
  'LEAST(lease_expires_at, attempt_deadline_at, heartbeat_deadline_at, node_deadline_at)';

/**
 * Extends the leases of these tasks; returns the ids that are no longer this worker's, and
 * those whose run is being stopped (in case its NOTIFY was missed).
 */
export async function extendLeases(
  engine: Engine,
  worker: string,
  taskIds: readonly number[],
): Promise<{ lost: number[]; canceled: number[] }> {
  if (taskIds.length === 0) return { lost: [], canceled: [] };
  const until = new Date(engine.clock.now() + engine.settings.leaseMs);
  const { rows } = await engine.db.query<{ id: number; canceled: boolean }>(
    `UPDATE forgeflow.tasks SET lease_expires_at = $3::timestamptz, expires_at = ${EXPIRES.replace('lease_expires_at', '$3::timestamptz')}
     WHERE id = ANY($1::bigint[]) AND lease_owner = $2 RETURNING id, canceled`,
    [taskIds, worker, until],
  );
  const kept = new Set(rows.map((r) => r.id));
  return {
    lost: taskIds.filter((id) => !kept.has(id)),
    canceled: rows.filter((r) => r.canceled).map((r) => r.id),
  };
}

/** Records a heartbeat; false when the lease is lost (the attempt should stop). */
export async function heartbeat(
  engine: Engine,
  worker: string,
  claimed: ClaimedAttempt,
  details: unknown,
): Promise<boolean> {
  const now = engine.clock.now();
  const heartbeatMs = claimed.node.timeouts.heartbeat_ms;
  return engine.db.tx(async (q) => {
    const { rowCount } = await q.query(
      `UPDATE forgeflow.tasks SET lease_expires_at = $3::timestamptz, heartbeat_deadline_at = $4::timestamptz,
         expires_at = LEAST($3::timestamptz, attempt_deadline_at, $4::timestamptz, node_deadline_at)
       WHERE id = $1 AND lease_owner = $2`,
      [
        claimed.taskId,
        worker,
        new Date(now + engine.settings.leaseMs),
        heartbeatMs === null ? null : new Date(now + heartbeatMs),
      ],
    );
    if (rowCount === 0) return false;
    await q.query(
      'UPDATE forgeflow.attempts SET heartbeat_at = $4 WHERE run_id = $1 AND node_id = $2 AND attempt = $3',
      [claimed.run.id, claimed.node.id, claimed.attempt, new Date(now)],
    );
    await q.query(
      'UPDATE forgeflow.nodes SET heartbeat_details = $3::jsonb WHERE run_id = $1 AND node_id = $2',
      [claimed.run.id, claimed.node.id, JSON.stringify(details ?? null)],
    );
    return true;
  });
}
