/**
 * Periodic chores every serve and worker process runs a loop for, done by one of them each
 * time (migration 0016's `chores` table): the process whose UPDATE moves the row's due time on
 * does it. A row rather than an advisory lock, so it works the same on PGlite's one session.
 */
import type { Queryable } from '../db/db.js';

/** Takes chore `name` if it is due at `now`, moving its due time `everyMs` on. */
export async function claimChore(
  q: Queryable,
  name: string,
  by: string,
  now: Date,
  everyMs: number,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE forgeflow.chores SET due_at = $3, claimed_by = $4, claimed_at = $2
     WHERE name = $1 AND due_at <= $2`,
    [name, now, new Date(now.getTime() + everyMs), by],
  );
  return rowCount === 1;
}

/** When chore `name` is next due (undefined: no such chore). */
export async function choreDue(q: Queryable, name: string): Promise<Date | undefined> {
  const { rows } = await q.query<{ due_at: Date }>(
    'SELECT due_at FROM forgeflow.chores WHERE name = $1',
    [name],
  );
  return rows[0]?.due_at;
}
