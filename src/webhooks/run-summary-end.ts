/**
 * Which run ends get a summary on their pull request: a top-level run of a pipeline (not a
 * delivery's plan run) whose event is about a pull/merge request, that succeeded, failed or
 * timed out. A canceled run says nothing (a newer push canceled it, or someone did); a run of
 * a push, a tag, a schedule or a manual start without a pull request has nowhere to say it.
 * The summary (its failed nodes, from the runtime, in the runtime's words) is queued in the
 * transaction that ends the run, so it is posted even if every worker dies right after; the
 * `forge.run_summary` handler decides whether it posts, edits or keeps quiet (a pull request
 * that never failed gets no comment).
 *
 * Register it (watchRunSummaries) in every process whose runtime can end runs, as
 * watchPlanRuns. A local `forgeflow run` does not: it has no forge to post to.
 */
import {
  errorFacts,
  pageUrl,
  SUMMARY_MAX_NODES,
  type RunSummaryFacts,
} from '../contracts/report-facts.js';
import { eventSha } from '../forges/repo-ref.js';
import { PLAN_PIPELINE } from '../handlers/plan/plan-graph.js';
import type { RunEnding, RunEndTx } from '../runtime/run-end-hooks.js';
import type { Runtime } from '../runtime/runtime.js';

export function watchRunSummaries(runtime: Runtime, options: { publicUrl: string }): () => void {
  return runtime.onEveryRunEnd(async (ending, tx) => {
    if (ending.pipeline === PLAN_PIPELINE || ending.event.pr === null) return;
    const { status } = ending;
    if (status !== 'succeeded' && status !== 'failed' && status !== 'timed_out') return;
    await tx.postRunSummary(await summaryOf({ ...ending, status }, tx, options.publicUrl));
  });
}

async function summaryOf(
  ending: RunEnding & { status: RunSummaryFacts['status'] },
  tx: RunEndTx,
  publicUrl: string,
): Promise<RunSummaryFacts> {
  const failed =
    ending.status === 'succeeded'
      ? { nodes: [], total: 0 }
      : await tx.failedNodes(SUMMARY_MAX_NODES);
  return {
    run_id: ending.runId,
    pipeline: ending.pipeline,
    status: ending.status,
    error: ending.error === null ? null : errorFacts(ending.error),
    run_created_at: ending.createdAt.toISOString(),
    run_attempt: ending.attempt,
    sha: eventSha(ending.event),
    run_url: pageUrl(publicUrl, ending.runId),
    failed: failed.nodes.map((node) => ({
      node: node.node,
      result: node.result,
      attempts: node.attempts,
      error: node.error === null ? null : errorFacts(node.error),
      log_url: pageUrl(publicUrl, ending.runId, node.node),
    })),
    failed_count: failed.total,
  };
}
