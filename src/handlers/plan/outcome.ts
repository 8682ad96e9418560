/**
 * What the plan step decides about a webhook delivery, and how it hands that decision on: the
 * webhooks layer owns the deliveries table and gives the plan handler a `record` function
 * (webhooks/deliveries.ts `deliveryRecorder`), so this folder writes no table of its own.
 */
import type { Event, Forge, ScheduleFiring } from '../../events/event.js';

/** What became of a delivery; the deliveries table's CHECK holds the same list (a test says so). */
export const DELIVERY_OUTCOMES = [
  'planning',
  'started',
  'ignored',
  'no_config',
  'not_triggered',
  'invalid_config',
  'untrusted',
  'command',
  // its plan run failed or timed out before deciding (webhooks/plan-end.ts)
  'failed',
  // its plan run was canceled before deciding
  'canceled',
] as const;

export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * How the comment that gave a command is answered on the forge (chatops-ack.ts): `done` with a
 * reaction (👀 for a `/packit` command, as packit-service reacts; 👍 for forgeflow's own), and
 * for a dist-git command (`koji-build`, `create-update`) packit-service's "The task was
 * accepted." reply with where to follow it (`accepted`, once per comment);
 * `refused` (its author is not trusted) with a reply saying why, once per author and pull
 * request a day; `rejected` (a command forgeflow cannot carry out: unknown, malformed, or with
 * nothing to act on) with a reply saying why and which commands there are, once per comment
 * (`syntax`: Packit's syntax-error sentence first); `help` (`/packit help`) with the commands'
 * usage, once per comment, and for an untrusted author once per pull request a day
 * (`limited`). A comment whose command is no config's of the repository's gets none: silence.
 */
export type CommentAck =
  | { kind: 'done'; by?: 'packit'; accepted?: { runUrl: string } }
  | { kind: 'refused'; why: string }
  | { kind: 'rejected'; why: string; commands: 'forgeflow' | 'packit'; syntax?: boolean }
  | { kind: 'help'; limited: boolean };

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  reason?: string | null;
  runIds?: string[];
  configPath?: string | null;
  configSha?: string | null;
  diagnostics?: unknown;
  /** A scheduled firing's due time and what it stands in for. */
  schedule?: ScheduleFiring;
  /** What the comment that gave the command is answered with. */
  ack?: CommentAck;
}

/** The delivery a plan run plans. */
export interface PlannedDelivery {
  id: string;
  forge: Forge;
  /** The event header (`pull_request`, `Merge Request Hook`). */
  event: string;
  normalized: Event;
  planRunId: string;
}

/** Records what the plan decided; writes the delivery if its intake never did. */
export type RecordPlanOutcome = (
  delivery: PlannedDelivery,
  result: DeliveryResult,
) => Promise<void>;

/** The commit status a config that does not compile (or a plan that fails) is answered with. */
export const CONFIG_STATUS = 'forgeflow/config';
