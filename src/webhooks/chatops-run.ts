/** Carrying out a ChatOps command on the latest run of the pull request it was written on. */
import type { Event } from '../events/event.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Command } from './chatops.js';
import type { DeliveryResult } from './deliveries.js';
import { PLAN_PIPELINE } from './plan-graph.js';

export async function runChatOps(
  runtime: Runtime,
  event: Event,
  command: Command,
): Promise<DeliveryResult> {
  if (!event.pr) return { outcome: 'command', reason: 'commands act on pull/merge requests only' };
  const run = await runtime.latestRunOf({
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
      const result = await runtime.retry(run.id);
      return done(result?.outcome ?? 'no such run');
    }
    case 'cancel': {
      const result = await runtime.cancel(run.id, `canceled by ${who} with /forgeflow cancel`);
      return done(result?.outcome ?? 'no such run');
    }
    case 'signal': {
      const result = await runtime.signal(run.id, command.name, command.payload);
      return done(result?.outcome ?? 'no such run');
    }
  }
}
