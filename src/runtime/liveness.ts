/**
 * Worker liveness (issue 19): each worker process keeps a row in forgeflow.workers and beats it
 * every couple of seconds; a row past its `dead_at` is a process that stopped beating (SIGKILL,
 * out of memory, a lost machine). Any worker's beat finds such rows, deletes them and releases
 * the tasks their workers held by expiring their leases now, so the sweeper retries them at once
 * on the lease-expiry path (counted as lost attempts: the poison rule holds) instead of 30 s on.
 *
 * A row rather than Postgres advisory session locks: PGlite serves one connection in one
 * process, where a session lock says nothing about which worker is alive, and a pooled
 * connection outlives the worker that took it. A row works the same on both backends, and the
 * lease stays the last resort (a worker without a row, or a database that was unreachable).
 * The lease fence (`lease_owner = me`) still makes a worker judged dead harmless: its tasks
 * were deleted or re-leased, so its late writes change nothing.
 */
import type { Engine } from './engine.js';

/** Registers (or re-registers) this worker as alive now. */
export async function registerWorker(engine: Engine, worker: string): Promise<void> {
  const now = engine.clock.now();
  await engine.db.query(
    `INSERT INTO forgeflow.workers (id, started_at, beat_at, dead_at) VALUES ($1, $2, $2, $3)
     ON CONFLICT (id) DO UPDATE SET beat_at = $2, dead_at = $3`,
    [worker, new Date(now), new Date(now + engine.settings.workerDeadAfterMs)],
  );
}

export interface Beat {
  /** False when this worker's row was gone: it was judged dead (paused too long, say). */
  alive: boolean;
  /** Workers past their dead_at, for releaseDeadWorkers. */
  dead: string[];
}

/**
 * One beat: moves this worker's dead_at on and lists the workers whose dead_at had passed by
 * `judgeBy`, in one statement on a table of one row per worker process.
 */
export async function beat(engine: Engine, worker: string, judgeBy: number): Promise<Beat> {
  const now = engine.clock.now();
  const { rows } = await engine.db.query<{ alive: boolean; dead: string[] }>(
    `WITH me AS (
       UPDATE forgeflow.workers SET beat_at = $2, dead_at = $3 WHERE id = $1 RETURNING id)
     SELECT EXISTS (SELECT 1 FROM me) AS alive,
            ARRAY(SELECT id FROM forgeflow.workers WHERE dead_at <= $4 AND id <> $1 ORDER BY id) AS dead`,
    [worker, new Date(now), new Date(now + engine.settings.workerDeadAfterMs), new Date(judgeBy)],
  );
  return { alive: rows[0]?.alive ?? false, dead: rows[0]?.dead ?? [] };
}

/**
 * The time a worker judges others by: now while it has been beating all along; after a gap in
 * its own beats (the database was unreachable, the process was paused, a test clock jumped) the
 * time of its last beat, so the others are not judged dead for a silence everyone shared: they
 * get a beat of their own first.
 */
export function judgeTime(now: number, lastBeatAt: number, everyMs: number): number {
  return now - lastBeatAt <= 2 * everyMs ? now : lastBeatAt;
}

/**
 * Deletes the rows of these workers whose dead_at is still past `judgeBy` (one may have
 * beaten since) and expires the leases of every task they held, in one transaction. Returns the
 * workers judged dead here and how many tasks they held; the sweeper does the rest.
 */
export async function releaseDeadWorkers(
  engine: Engine,
  workers: readonly string[],
  judgeBy: number,
): Promise<{ workers: string[]; tasks: number }> {
  if (workers.length === 0) return { workers: [], tasks: 0 };
  const now = new Date(engine.clock.now());
  return engine.db.tx(async (q) => {
    const { rows: gone } = await q.query<{ id: string }>(
      'DELETE FROM forgeflow.workers WHERE id = ANY($1::text[]) AND dead_at <= $2 RETURNING id',
      [workers, new Date(judgeBy)],
    );
    if (gone.length === 0) return { workers: [], tasks: 0 };
    const ids = gone.map((g) => g.id);
    // Every leased task has an expires_at (its lease at the latest): the partial index on it
    // bounds the scan to what is leased or has a deadline, not the whole backlog.
    const { rowCount } = await q.query(
      `UPDATE forgeflow.tasks SET lease_expires_at = $2, expires_at = $2
       WHERE expires_at IS NOT NULL AND lease_owner = ANY($1::text[])`,
      [ids, now],
    );
    return { workers: ids, tasks: rowCount };
  });
}

/** A graceful stop: this worker is gone, nothing of its is to be released by others. */
export async function unregisterWorker(engine: Engine, worker: string): Promise<void> {
  await engine.db.query('DELETE FROM forgeflow.workers WHERE id = $1', [worker]);
}
