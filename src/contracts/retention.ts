/**
 * How long forgeflow keeps what it no longer needs (issue 19): finished runs by their final
 * status, webhook deliveries, ChatOps acknowledgements, pull request summaries, and the
 * tombstones of pruned runs. A duration in milliseconds, or null: kept forever. Written by the
 * operator as `FORGEFLOW_RETENTION="runs=90d,failed=180d,deliveries=14d"` (parseRetention).
 */
import { formatDuration, parseDuration } from './duration.js';

/** The final statuses of a top-level run, each with its own age. */
export const PRUNED_RUN_STATUSES = ['succeeded', 'failed', 'canceled', 'timed_out'] as const;
export type PrunedRunStatus = (typeof PRUNED_RUN_STATUSES)[number];

export interface Retention {
  /** How long after it finished a top-level run (and its child runs) is kept. */
  runs: Record<PrunedRunStatus, number | null>;
  /** Webhook deliveries, by when they arrived. They also tell a redelivery from a new one. */
  deliveries: number | null;
  /** ChatOps acknowledgements and reply windows (comment_acks, comment_reply_windows). */
  comments: number | null;
  /** The summary comment's row of a pull request and pipeline, by its last update. */
  summaries: number | null;
  /** What the API says of a pruned run (410 RUN_PRUNED), by when it was pruned. */
  tombstones: number | null;
}

const DAY = 86_400_000;

/**
 * GitHub Actions keeps logs and artifacts 90 days by default; GitHub offers a delivery for
 * redelivery 3 days, so deliveries outlive that comfortably; a tombstone is tiny.
 */
export const DEFAULT_RETENTION: Retention = {
  runs: { succeeded: 90 * DAY, failed: 90 * DAY, canceled: 90 * DAY, timed_out: 90 * DAY },
  deliveries: 30 * DAY,
  comments: 30 * DAY,
  summaries: 90 * DAY,
  tombstones: 365 * DAY,
};

/** Keeping nothing at all: every age `forever`. */
export const KEEP_FOREVER: Retention = {
  runs: { succeeded: null, failed: null, canceled: null, timed_out: null },
  deliveries: null,
  comments: null,
  summaries: null,
  tombstones: null,
};

type Key = PrunedRunStatus | 'runs' | 'deliveries' | 'comments' | 'summaries' | 'tombstones';

/**
 * The shortest age each setting takes, and why: a delivery younger than GitHub's 3 days of
 * redelivery must stay (its redelivery would start its runs again), as must an
 * acknowledgement (its comment would be answered twice); a run must outlive a retry soon after.
 */
export const RETENTION_MINIMUMS: Record<Key, number> = {
  runs: 3_600_000,
  succeeded: 3_600_000,
  failed: 3_600_000,
  canceled: 3_600_000,
  timed_out: 3_600_000,
  deliveries: 3 * DAY,
  comments: 3 * DAY,
  summaries: DAY,
  tombstones: DAY,
};
/** Longer than ten years is a typo; `forever` says forever. */
export const RETENTION_MAXIMUM = 3650 * DAY;

const KEYS = Object.keys(RETENTION_MINIMUMS) as Key[];

/**
 * `key=age` pairs separated by commas, over the defaults: `runs` sets every final status,
 * which a status of its own overrides wherever it is written; an age is a duration with its
 * unit (`90d`, `12h`) or `forever`. `forever` alone keeps everything. Returns the retention,
 * or a sentence saying what is wrong.
 */
export function parseRetention(
  text: string,
  base: Retention = DEFAULT_RETENTION,
): Retention | string {
  const trimmed = text.trim();
  if (trimmed === '') return base;
  if (trimmed === 'forever') return KEEP_FOREVER;
  const seen = new Map<Key, number | null>();
  for (const part of trimmed.split(',')) {
    const [rawKey = '', rawAge, ...rest] = part.split('=').map((s) => s.trim());
    const key = rawKey as Key;
    if (!KEYS.includes(key))
      return `"${rawKey}" is not a retention setting; use ${KEYS.join(', ')} (as key=age)`;
    if (rawAge === undefined || rawAge === '' || rest.length > 0)
      return `${key} needs one age, as ${key}=30d or ${key}=forever`;
    if (seen.has(key)) return `${key} is given twice`;
    const age = parseAge(key, rawAge);
    if (typeof age === 'string') return age;
    seen.set(key, age);
  }
  const runsAge = seen.has('runs') ? seen.get('runs') : undefined;
  const runs = { ...base.runs };
  for (const status of PRUNED_RUN_STATUSES) {
    const own = seen.get(status);
    if (own !== undefined) runs[status] = own;
    else if (runsAge !== undefined) runs[status] = runsAge;
  }
  const pick = (key: Exclude<Key, PrunedRunStatus | 'runs'>) => {
    const age = seen.get(key);
    return age === undefined ? base[key] : age;
  };
  return {
    runs,
    deliveries: pick('deliveries'),
    comments: pick('comments'),
    summaries: pick('summaries'),
    tombstones: pick('tombstones'),
  };
}

function parseAge(key: Key, text: string): number | null | string {
  if (text === 'forever') return null;
  const ms = parseDuration(text);
  if (ms === undefined)
    return `${key}=${text}: an age is a duration with its unit (30d, 12h) or forever`;
  const min = RETENTION_MINIMUMS[key];
  if (ms < min || ms > RETENTION_MAXIMUM)
    return `${key}=${text}: must be within ${formatDuration(min)}–${formatDuration(RETENTION_MAXIMUM)}, or forever`;
  return ms;
}

/** The retention as the operator would write it back (`runs=90d,…`), for logs and `--help`. */
export function formatRetention(retention: Retention): string {
  const age = (ms: number | null) => (ms === null ? 'forever' : formatDuration(ms));
  return [
    ...PRUNED_RUN_STATUSES.map((s) => `${s}=${age(retention.runs[s])}`),
    `deliveries=${age(retention.deliveries)}`,
    `comments=${age(retention.comments)}`,
    `summaries=${age(retention.summaries)}`,
    `tombstones=${age(retention.tombstones)}`,
  ].join(',');
}
