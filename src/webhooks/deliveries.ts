/**
 * The record of webhook deliveries: one row per delivery id, written when it is accepted and
 * completed when its plan run decides what it starts, or ended with its plan run when that run
 * ends without deciding (failed, timed out, canceled: plan-end.ts). A delivery id the table
 * already holds is a redelivery (GitHub keeps X-GitHub-Delivery across redeliveries).
 */
import type { Queryable } from '../db/db.js';
import type { Event, Forge } from '../events/event.js';
import {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  type DeliveryResult,
  type RecordPlanOutcome,
} from '../handlers/plan/outcome.js';
import type { Clock } from '../runtime/clock.js';

export { DELIVERY_OUTCOMES, type DeliveryOutcome, type DeliveryResult };

export interface Delivery {
  id: string;
  forge: Forge;
  event: string;
  action: string | null;
  repo: string | null;
  sha: string | null;
  pr: number | null;
  sender: string | null;
  received_at: Date;
  outcome: DeliveryOutcome;
  reason: string | null;
  plan_run_id: string | null;
  run_ids: string[];
  config_path: string | null;
  config_sha: string | null;
  diagnostics: unknown;
  updated_at: Date;
}

export interface NewDelivery {
  id: string;
  forge: Forge;
  /** The event header (`pull_request`, `Merge Request Hook`). */
  event: string;
  normalized: Event | null;
  outcome: DeliveryOutcome;
  reason?: string | null;
  planRunId?: string | null;
}

/** Records a delivery; false when its id was recorded before (a redelivery or a copy). */
export async function recordDelivery(
  q: Queryable,
  delivery: NewDelivery,
  now: Date,
): Promise<boolean> {
  const e = delivery.normalized;
  const { rowCount } = await q.query(
    `INSERT INTO forgeflow.deliveries (id, forge, event, action, repo, sha, pr, sender, received_at,
       outcome, reason, plan_run_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $9)
     ON CONFLICT (id) DO NOTHING`,
    [
      delivery.id,
      delivery.forge,
      delivery.event,
      e?.action ?? null,
      e?.repo.full_name ?? null,
      e?.sha ?? e?.pr?.head_sha ?? null,
      e?.pr?.number ?? null,
      e?.sender.login || null,
      now,
      delivery.outcome,
      delivery.reason ?? null,
      delivery.planRunId ?? null,
    ],
  );
  return rowCount > 0;
}

/** What the plan run decided. Writes the row if the intake never did (it died in between). */
export async function completeDelivery(
  q: Queryable,
  base: NewDelivery,
  result: DeliveryResult,
  now: Date,
): Promise<void> {
  await recordDelivery(q, base, now);
  await q.query(
    `UPDATE forgeflow.deliveries SET outcome = $2, reason = $3, run_ids = $4::uuid[],
       config_path = $5, config_sha = $6, diagnostics = $7::jsonb, updated_at = $8,
       plan_run_id = COALESCE(plan_run_id, $9)
     WHERE id = $1`,
    [
      base.id,
      result.outcome,
      result.reason ?? null,
      result.runIds ?? [],
      result.configPath ?? null,
      result.configSha ?? null,
      JSON.stringify(result.diagnostics ?? null),
      now,
      base.planRunId ?? null,
    ],
  );
}

/** The plan step's `record`: completes deliveries in this table, dated by `clock`. */
export function deliveryRecorder(q: Queryable, clock: Clock): RecordPlanOutcome {
  return (delivery, result) =>
    completeDelivery(q, { ...delivery, outcome: 'planning' }, result, new Date(clock.now()));
}

/**
 * The plan run ended without deciding: the delivery says how, in the run's own transaction.
 * A delivery the plan already decided keeps its outcome (the runs it started did start); one
 * an earlier end of this plan run marked (before a retry of the run) gets the new end.
 * Returns the ids it changed.
 */
export async function endDelivery(
  q: Queryable,
  planRunId: string,
  end: { outcome: 'failed' | 'canceled'; reason: string },
  now: Date,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `UPDATE forgeflow.deliveries SET outcome = $2, reason = $3, updated_at = $4
     WHERE plan_run_id = $1 AND outcome IN ('planning', 'failed', 'canceled') RETURNING id`,
    [planRunId, end.outcome, end.reason, now],
  );
  return rows.map((r) => r.id);
}

export async function getDelivery(q: Queryable, id: string): Promise<Delivery | undefined> {
  const { rows } = await q.query<Delivery>('SELECT * FROM forgeflow.deliveries WHERE id = $1', [
    id,
  ]);
  return rows[0];
}

/** A page of deliveries, newest first, after a keyset (received_at, id). */
export async function listDeliveries(
  q: Queryable,
  limit: number,
  before?: { at: Date; id: string },
): Promise<Delivery[]> {
  const { rows } = await q.query<Delivery>(
    `SELECT * FROM forgeflow.deliveries
     WHERE ($2::timestamptz IS NULL OR (received_at, id) < ($2::timestamptz, $3::text))
     ORDER BY received_at DESC, id DESC LIMIT $1`,
    [limit, before?.at ?? null, before?.id ?? null],
  );
  return rows;
}
