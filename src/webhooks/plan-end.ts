/**
 * A delivery's plan run that ends without deciding what the delivery starts: its last attempt
 * failed, its deadline passed, its worker died once too often (a poison pill), or someone
 * canceled it. The delivery then says so (`failed` or `canceled`, with the reason) in the
 * transaction that ends the run, so no delivery stays `planning` behind an ended run; and a
 * failed one gets a failed `forgeflow/config` status on the forge, as a broken config does,
 * posted like a node's statuses (durably, retried).
 *
 * Register it (watchPlanRuns) in every process whose runtime can end plan runs: workers (their
 * sweeper, the run's deadline) and the API server (cancel).
 */
import type { RunEnding } from '../runtime/run-end-hooks.js';
import type { Runtime } from '../runtime/runtime.js';
import { endDelivery } from './deliveries.js';
import { PLAN_PIPELINE } from '../handlers/plan/plan-graph.js';
import { CONFIG_STATUS } from '../handlers/plan/outcome.js';

export function watchPlanRuns(runtime: Runtime, options: { publicUrl: string }): () => void {
  const base = options.publicUrl.replace(/\/$/, '');
  return runtime.onRunEnd(PLAN_PIPELINE, async (ending, tx) => {
    // A plan that succeeded recorded what it decided itself (plan-handler.ts).
    if (ending.status === 'succeeded' || ending.status === 'continued') return;
    const outcome = ending.status === 'canceled' ? 'canceled' : 'failed';
    const reason = whyItEnded(ending);
    const ended = await endDelivery(tx.q, ending.runId, { outcome, reason }, ending.at);
    if (outcome !== 'failed') return; // a cancel is someone's decision, not a broken commit
    for (const id of ended)
      await tx.postStatus({
        context: CONFIG_STATUS,
        state: 'failure',
        description: reason,
        target_url: `${base}/deliveries/${encodeURIComponent(id)}`,
      });
  });
}

function whyItEnded(ending: RunEnding): string {
  const why = ending.error?.message ?? `its plan run ${ending.runId} ended ${ending.status}`;
  if (ending.status === 'canceled')
    return `the plan run was canceled${ending.reason ? `: ${ending.reason}` : ''}`;
  if (ending.status === 'timed_out') return `forgeflow could not plan this event in time: ${why}`;
  return `forgeflow could not plan this event: ${why}`;
}
