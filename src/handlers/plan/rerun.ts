/**
 * A forge's Re-run of a check forgeflow reported (GitHub `check_run` / `check_suite`
 * `rerequested`; an App's check runs only: commit statuses have no Re-run button). It does what
 * `/forgeflow retry` does — retry the failed nodes of a run, a run still going answered as
 * RunControl answers — to the run the check names: a check run's `external_id` (the run id
 * forgeflow posts it with), or, for a check run posted before it carried one, the newest run at
 * that commit with a node reported under the check run's name; a suite's Re-run retries the
 * newest run of each pipeline at its commit (an older run of the same pipeline at the same commit
 * was superseded, and its statuses too).
 *
 * Trust: none is asked of the sender. GitHub lets only users with write access press Re-run (and
 * Apps installed on the repository call its rerequest endpoint) and signs the webhook; write
 * access is what forgeflow's own rule trusts (OWNER, MEMBER, COLLABORATOR), the payload carries
 * no association to check, and a retry runs nothing new: the graph the run was started with, its
 * config and secrets decided then (DESIGN.md §4, §4a). Who asked is recorded in the reason.
 */
import type { RunAt, RunControl } from '../../contracts/run-control.js';
import type { Event, RerunRequest } from '../../events/event.js';
import { truncate } from '../../forges/text.js';
import type { DeliveryResult } from './outcome.js';
import { PLAN_PIPELINE } from './plan-graph.js';

/** "Re-run on check run 12 "ci/build"", "Re-run of check suite 5": for reasons. */
export function describeRerun(rerun: RerunRequest): string {
  return rerun.of === 'check_run'
    ? `Re-run on check run ${rerun.id ?? '?'} "${truncate(rerun.name ?? '', 100)}"`
    : `Re-run of check suite ${rerun.id ?? '?'}`;
}

/**
 * Why a Re-run is not forgeflow's to act on, or null when it is: the check must be of the App
 * forgeflow posts as (`appId`, the forge client's). GitHub sends `rerequested` only to the App
 * that made the check, but one webhook URL may serve several Apps.
 */
export function foreignRerun(event: Event, appId: string | undefined): string | null {
  const rerun = event.rerun;
  if (!rerun) return 'a Re-run that names no check run or suite';
  const what = describeRerun(rerun);
  if (appId === undefined)
    return `${what}: forgeflow posts no check runs on ${event.forge} (no App configured: commit statuses, which have no Re-run)`;
  if (rerun.app_id === null || String(rerun.app_id) !== appId)
    return `${what}: made by App ${rerun.app_id ?? '(none)'}, not by forgeflow's App ${appId}`;
  return null;
}

export async function rerunFromForge(runs: RunControl, event: Event): Promise<DeliveryResult> {
  const rerun = event.rerun;
  if (!rerun || event.sha === null)
    return { outcome: 'command', reason: 'a Re-run that names no check or commit' };
  const who = event.sender.login || 'someone';
  const what = describeRerun(rerun);
  const where = {
    forge: event.forge,
    repo: event.repo.full_name,
    sha: event.sha,
    exceptPipeline: PLAN_PIPELINE,
  };
  const found =
    rerun.of === 'check_suite'
      ? newestOfEachPipeline(await runs.runsAt(where))
      : await runOfCheck(runs, where, rerun);
  if (found.length === 0)
    return {
      outcome: 'command',
      reason: `${what} by ${who}: ${nothingFound(rerun, event.repo.full_name, event.sha)}`,
    };
  const done: string[] = [];
  for (const run of found) {
    const result = await runs.retry(run.id);
    done.push(result?.outcome ?? 'no such run');
  }
  const reason =
    found.length === 1
      ? `retry of run ${found[0]!.id} by ${who} (${what}): ${done[0]}`
      : `retry by ${who} (${what}): ${found.map((run, i) => `run ${run.id}: ${done[i]}`).join('; ')}`;
  return { outcome: 'command', reason, runIds: found.map((run) => run.id) };
}

/** The run a check run names: by its external_id, else by its name (older check runs). */
async function runOfCheck(
  runs: RunControl,
  where: Parameters<RunControl['runsAt']>[0],
  rerun: RerunRequest,
): Promise<RunAt[]> {
  if (rerun.external_id !== null) return runs.runsAt({ ...where, runId: rerun.external_id });
  const named = await runs.runsAt({ ...where, report: rerun.name ?? '' });
  return named.slice(0, 1);
}

function newestOfEachPipeline(found: RunAt[]): RunAt[] {
  const seen = new Set<string>();
  return found.filter((run) => {
    if (seen.has(run.pipeline)) return false;
    seen.add(run.pipeline);
    return true;
  });
}

function nothingFound(rerun: RerunRequest, repo: string, sha: string): string {
  if (rerun.of === 'check_suite') return `no forgeflow run of ${repo} at ${sha}`;
  if (rerun.external_id !== null)
    return `its external_id "${truncate(rerun.external_id, 80)}" names no forgeflow run of ${repo} at ${sha}`;
  return `no forgeflow run of ${repo} at ${sha} reports "${truncate(rerun.name ?? '', 100)}"`;
}
