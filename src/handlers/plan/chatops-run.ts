/**
 * Carrying out a ChatOps command on the latest run of the pull request it was written on. What
 * it did decides how the comment is answered (chatops-ack.ts): a command that acted gets a
 * reaction; one with nothing to act on (no run yet, nothing failed, the run already ended) a
 * reply saying so.
 */
import type { RunControl } from '../../contracts/run-control.js';
import type { Event } from '../../events/event.js';
import type { Command } from './chatops.js';
import type { CommentAck, DeliveryResult } from './outcome.js';
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
  if (!run) {
    const reason = `no run of #${event.pr.number} yet`;
    return { outcome: 'command', reason, ack: rejected(reason) };
  }
  const who = event.comment?.author ?? event.sender.login;
  const done = (what: string): DeliveryResult => {
    const reason = `${command.verb} of run ${run.id}: ${what}`;
    return {
      outcome: 'command',
      reason,
      runIds: [run.id],
      ack: ACTED.has(what) ? { kind: 'done' } : rejected(reason),
    };
  };
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

/** What RunControl answers when a command acted (or a cancel already under way). */
const ACTED = new Set([
  'retried',
  'canceling',
  'canceled',
  'already-canceling',
  'delivered',
  'buffered',
]);

function rejected(why: string): CommentAck {
  return { kind: 'rejected', why, commands: 'forgeflow' };
}
