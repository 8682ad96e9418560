/**
 * Accepting a verified delivery: normalize it, start its plan run (the delivery id is the
 * run's idempotency key, so a redelivery or two copies arriving at once start one plan run),
 * and record the delivery. A payload no forge could have sent is refused before anything is
 * written. A comment with no command line ("LGTM") starts nothing, whatever the repository's
 * config says (contracts/comment-commands.ts): it is recorded as ignored, with no plan run; so is
 * a Re-run of a check that another App made (handlers/plan/rerun.ts). Nothing slow happens
 * here: the answer goes back in milliseconds, and fetching, compiling and starting pipelines is
 * the plan run's work.
 */
import { mayHoldCommand, NO_COMMAND_REASON } from '../contracts/comment-commands.js';
import type { Db } from '../db/db.js';
import type { Event, Forge } from '../events/event.js';
import { normalizeEvent } from '../forges/normalize.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { recordDelivery, type DeliveryOutcome } from './deliveries.js';
import { planGraph } from '../handlers/plan/plan-graph.js';
import { foreignRerun } from '../handlers/plan/rerun.js';
import type { ForgeClients } from '../forges/clients.js';

export interface IntakeDeps {
  db: Db;
  runtime: Runtime;
  clock: Clock;
  /** The forge clients: which App forgeflow posts check runs as, for a Re-run of one. */
  forges?: ForgeClients | null;
}

export interface Accepted {
  delivery: string;
  outcome: DeliveryOutcome;
  reason?: string;
  plan_run_id?: string;
  /** True when this delivery id was seen before: nothing new was started. */
  duplicate: boolean;
  /** NULs and unpaired surrogates replaced by U+FFFD to store the payload, when there were any. */
  substituted?: number;
}

/** A payload holding what no forge sends: answered 4xx, recorded nowhere. */
export interface Refused {
  refused: string;
}

export async function acceptDelivery(
  deps: IntakeDeps,
  input: { forge: Forge; deliveryId: string; eventName: string; payload: unknown },
): Promise<Accepted | Refused> {
  const id = `${input.forge}:${input.deliveryId}`;
  const now = new Date(deps.clock.now());
  const normalized = normalizeEvent(input.forge, input.eventName, input.payload);
  if (!normalized.ok && normalized.impossible) return { refused: normalized.ignored };
  const ignore = async (normalizedEvent: Event | null, reason: string): Promise<Accepted> => {
    const fresh = await recordDelivery(
      deps.db,
      {
        id,
        forge: input.forge,
        event: input.eventName,
        normalized: normalizedEvent,
        outcome: 'ignored',
        reason,
      },
      now,
    );
    return { delivery: id, outcome: 'ignored', reason, duplicate: !fresh };
  };
  if (!normalized.ok) return ignore(null, normalized.ignored);
  const event = normalized.event;
  if (event.kind === 'comment' && !mayHoldCommand(event.comment?.body ?? ''))
    return ignore(event, NO_COMMAND_REASON);
  const foreign =
    event.kind === 'rerun' ? foreignRerun(event, deps.forges?.[event.forge].appId) : null;
  if (foreign !== null) return ignore(event, foreign);
  // The delivery's record commits with its plan run, in one transaction (shared with the
  // deliveries arriving meanwhile: start-queue.ts). The plan run's idempotency key is what
  // deduplicates: whichever copy created it is the one.
  const started = await deps.runtime.start(planGraph(event, id, input.eventName), event, {
    idempotencyKey: `delivery:${id}`,
    alongside: async (q, planRunId) => {
      await recordDelivery(
        q,
        {
          id,
          forge: input.forge,
          event: input.eventName,
          normalized: event,
          outcome: 'planning',
          planRunId,
        },
        now,
      );
    },
  });
  return {
    delivery: id,
    outcome: 'planning',
    plan_run_id: started.runId,
    duplicate: !started.created,
    ...(normalized.substituted ? { substituted: normalized.substituted } : {}),
  };
}
