/**
 * The nodes of the latest .packit.yaml run of a pull request at its current head, for the
 * `/packit` commands that depend on it: `retest-failed` and `rebuild-failed` re-run what failed
 * there, and re-run tests install its successful Copr builds. A run of an earlier head does
 * not count: its builds are of other code (packit-service looks builds up by commit too). Read
 * only when a `/packit` comment asks.
 */
import { PACKIT_PIPELINE, type PreviousNode } from '../compiler/index.js';
import type { Queryable } from '../db/db.js';
import type { Event } from '../events/event.js';
import { eventSha } from '../forges/repo-ref.js';
import { nodeOutputSql } from '../runtime/node-outputs.js';

export async function previousPackitNodes(
  db: Queryable,
  event: Event,
): Promise<PreviousNode[] | null> {
  const sha = eventSha(event);
  if (!event.pr || sha === null) return null;
  const { rows } = await db.query<{
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
    [event.repo.full_name, event.pr.number, PACKIT_PIPELINE, sha],
  );
  return rows.map((r) => ({
    node: r.node_id,
    report: r.report,
    status: r.status,
    input: r.input,
    output: r.output,
  }));
}
