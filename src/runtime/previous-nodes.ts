/**
 * The nodes of the latest top-level run of a pipeline for a pull request at one commit, for the
 * `/packit` commands that depend on it (`retest-failed`, `rebuild-failed`, re-run tests that
 * install its Copr builds). A run of an earlier head does not count: its builds are of other
 * code (packit-service looks builds up by commit too). Read through RunControl.previousNodes.
 */
import type { PreviousNode } from '../contracts/run-control.js';
import type { Queryable } from '../db/db.js';
import { nodeOutputSql } from './node-outputs.js';

export async function previousNodes(
  q: Queryable,
  where: { repo: string; pr: number; pipeline: string; sha: string },
): Promise<PreviousNode[]> {
  const { rows } = await q.query<{
    node_id: string;
    report: string | null;
    status: string;
    input: unknown;
    output: unknown;
  }>(
    `SELECT n.node_id, n.report, n.status, n.input, ${nodeOutputSql('n')} AS output
     FROM forgeflow.nodes n
     WHERE n.run_id = (SELECT id FROM forgeflow.runs
                       WHERE repo = $1 AND pr = $2 AND pipeline = $3 AND sha = $4
                         AND parent_run_id IS NULL
                       ORDER BY created_at DESC, id DESC LIMIT 1)
     ORDER BY n.node_id`,
    [where.repo, where.pr, where.pipeline, where.sha],
  );
  return rows.map((r) => ({
    node: r.node_id,
    report: r.report,
    status: r.status,
    input: r.input,
    output: r.output,
  }));
}
