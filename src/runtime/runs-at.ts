/**
 * The top-level runs of a repository at one commit, newest first, for a Re-run of what was
 * reported there: narrowed to one run (the id a reported status carries back) or to the runs
 * with a node reported under one name (a status posted before it carried the id). The forge is
 * the stored event's field, matched as a name (the same repository path and commit can live on
 * two forges, a mirror's); the runtime knows no forge. Read through RunControl.runsAt.
 */
import type { RunAt, RunsAtQuery } from '../contracts/run-control.js';
import { RUN_ID } from '../contracts/run-id.js';
import type { Queryable } from '../db/db.js';

/** A commit's runs are few; a redelivered or hostile request never reads more than these. */
export const RUNS_AT_LIMIT = 50;

export async function runsAt(q: Queryable, where: RunsAtQuery): Promise<RunAt[]> {
  // Not a run id, so no run: answered here rather than by a cast error in the database.
  if (where.runId !== undefined && !RUN_ID.test(where.runId)) return [];
  const { rows } = await q.query<RunAt>(
    `SELECT r.id, r.pipeline FROM forgeflow.runs r
     JOIN forgeflow.run_specs s ON s.run_id = r.id
     WHERE r.repo = $1 AND r.sha = $2 AND r.parent_run_id IS NULL AND r.pipeline <> $3
       AND s.event->>'forge' = $4
       AND ($5::uuid IS NULL OR r.id = $5::uuid)
       AND ($6::text IS NULL OR EXISTS (
         SELECT 1 FROM forgeflow.nodes n WHERE n.run_id = r.id AND n.report = $6))
     ORDER BY r.created_at DESC, r.id DESC LIMIT $7`,
    [
      where.repo,
      where.sha,
      where.exceptPipeline,
      where.forge,
      where.runId ?? null,
      where.report ?? null,
      RUNS_AT_LIMIT,
    ],
  );
  return rows;
}
