/**
 * Pruning the webhooks' tables by age (the runtime's pruner runs these steps after its own):
 * deliveries, by arrival, except one whose plan is still deciding; ChatOps acknowledgements and
 * the flood guard's reply windows; the summary comment's row of a pull request and pipeline, by
 * its last update and never while a post holds it. Each batch is one DELETE of the oldest rows,
 * taken SKIP LOCKED through the table's age index: a few hundred rows, whatever the table holds.
 */
import type { Db } from '../db/db.js';
import type { Retention } from '../contracts/retention.js';
import { cutoff, type PruneStep } from '../runtime/prune-steps.js';

interface AgedTable {
  /** The count's name in what a pass reports. */
  name: string;
  table: string;
  /** Its primary key's columns. */
  key: string;
  /** The age column, which an index leads with. */
  age: string;
  /** What else must hold for a row to go (`{cutoff}`, and `{now}` the time now). */
  also?: string;
}

const DELIVERIES: AgedTable = {
  name: 'deliveries',
  table: 'forgeflow.deliveries',
  key: 'id',
  age: 'received_at',
  also: "outcome <> 'planning'",
};
const COMMENT_ACKS: AgedTable = {
  name: 'comment_acks',
  table: 'forgeflow.comment_acks',
  key: 'forge, repo, comment_id',
  age: 'created_at',
  also: 'updated_at < {cutoff}',
};
const REPLY_WINDOWS: AgedTable = {
  name: 'reply_windows',
  table: 'forgeflow.comment_reply_windows',
  key: 'forge, repo, pr, author, kind',
  age: 'replied_at',
};
const SUMMARIES: AgedTable = {
  name: 'run_summaries',
  table: 'forgeflow.run_summaries',
  key: 'forge, repo, pr, pipeline',
  age: 'updated_at',
  also: '(lease_until IS NULL OR lease_until < {now})',
};

/** The row filter, its parameters after `first`: the cutoff, and now if the filter reads it. */
function filter(t: AgedTable, before: Date, now: Date, first: number) {
  const also = t.also?.replace('{cutoff}', `$${first}`).replace('{now}', `$${first + 1}`);
  return {
    where: `${t.age} < $${first}${also ? ` AND ${also}` : ''}`,
    params: t.also?.includes('{now}') ? [before, now] : [before],
  };
}

function agedStep(db: Db, t: AgedTable, age: number | null): PruneStep {
  return {
    async batch(now, limit) {
      const before = cutoff(now, age);
      if (!before) return { counts: { [t.name]: 0 }, more: false };
      const { where, params } = filter(t, before, now, 2);
      const { rowCount } = await db.query(
        `DELETE FROM ${t.table} WHERE (${t.key}) IN (
           SELECT ${t.key} FROM ${t.table} WHERE ${where}
           ORDER BY ${t.age} LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [limit, ...params],
      );
      return { counts: { [t.name]: rowCount }, more: rowCount >= limit };
    },
    async count(now) {
      const before = cutoff(now, age);
      if (!before) return { [t.name]: 0 };
      const { where, params } = filter(t, before, now, 1);
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${t.table} WHERE ${where}`,
        params,
      );
      return { [t.name]: rows[0]?.n ?? 0 };
    },
  };
}

export function webhookPruneSteps(db: Db, retention: Retention): PruneStep[] {
  return [
    agedStep(db, DELIVERIES, retention.deliveries),
    agedStep(db, COMMENT_ACKS, retention.comments),
    agedStep(db, REPLY_WINDOWS, retention.comments),
    agedStep(db, SUMMARIES, retention.summaries),
  ];
}
