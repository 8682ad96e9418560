/** Carrying out a ChatOps command on the latest run of the pull request it was written on. */
import type { RunControl } from '../../contracts/run-control.js';
import type { Event } from '../../events/event.js';
import type { Command } from './chatops.js';
import type { DeliveryResult } from './outcome.js';
import { PLAN_PIPELINE } from './plan-graph.js';

export async function runChatOps(
  runs: RunControl,
  event: Event,
  command: Command,
): Promise<DeliveryResult> {
  if (!event.pr) return { outcome: 'command', reason: 'commands act on pull/merge requests only' };
  const run = await runs.latestRunOf({
    repo: event.repo.full_name,
    pr: event.pr.number,
    exceptPipeline: PLAN_PIPELINE,
  });
  if (!run) return { outcome: 'command', reason: `no run of #${event.pr.number} yet` };
  const who = event.comment?.author ?? event.sender.login;
  const done = (what: string): DeliveryResult => ({
    outcome: 'command',
    reason: `${command.verb} of run ${run.id}: ${what}`,
    runIds: [run.id],
  });
  switch (command.verb) {
    case 'retry': {
      const result = await runs.retry(run.id);
      return done(result?.outcome ?? 'no such run');
    }
    case 'cancel': {
      const result = await runs.cancel(run.id, `canceled by ${who} with /forgeflow cancel`);
      return done(result?.outcome ?? 'no such run');
    }
    case 'signal': {
      const result = await runs.signal(run.id, command.name, command.payload);
      return done(result?.outcome ?? 'no such run');
    }
  }
}
