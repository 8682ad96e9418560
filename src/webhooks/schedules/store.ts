/**
 * The schedules table (migrations/0011_schedules.sql): replacing a repository's schedules with
 * what its default branch declares, listing, pausing and resuming, claiming due rows and moving
 * a fired row on. Every "now" is a parameter (the caller's clock).
 */
import { randomUUID } from 'node:crypto';
import type { DeclaredSchedule } from '../../contracts/schedules.js';
import type { Queryable, Tx } from '../../db/db.js';
import type { Forge, Repository } from '../../events/event.js';
import { nextDue } from './due-times.js';

export interface ScheduleRow {
  id: string;
  forge: Forge;
  repo: string;
  path: string;
  cron: string;
  timezone: string;
  repository: Repository;
  installation_id: number | null;
  next_due: Date;
  paused: boolean;
  claimed_until: Date | null;
  last_fired_at: Date | null;
  last_due_at: Date | null;
  last_missed: number | null;
  last_run_id: string | null;
  learned_sha: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface RepositorySchedules {
  forge: Forge;
  repository: Repository;
  installationId: number | null;
  path: string | null;
  sha: string | null;
  schedules: readonly DeclaredSchedule[];
}

/**
 * The repository's schedules become exactly `learned.schedules` of `learned.path`: the others
 * (other crons, zones, or another config file, which is no longer the one the repository uses)
 * are deleted; kept ones keep their next due time and pause; new ones are due next after `now`.
 * Returns the rows now recorded.
 */
export async function replaceSchedules(
  q: Tx,
  learned: RepositorySchedules,
  now: Date,
): Promise<ScheduleRow[]> {
  const repo = learned.repository.full_name;
  const keep = learned.path === null ? [] : learned.schedules;
  await q.query(
    `DELETE FROM forgeflow.schedules s WHERE forge = $1 AND repo = $2
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS k(cron text, timezone text)
                       WHERE s.path = $4 AND s.cron = k.cron AND s.timezone = k.timezone)`,
    [learned.forge, repo, JSON.stringify(keep), learned.path],
  );
  for (const schedule of keep) {
    const due = nextDue(schedule, now);
    if (due === null) continue; // a date that never comes again (30 February): nothing to fire
    await q.query(
      `INSERT INTO forgeflow.schedules (id, forge, repo, path, cron, timezone, repository,
         installation_id, next_due, learned_sha, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $11)
       ON CONFLICT (forge, repo, path, cron, timezone) DO UPDATE SET
         repository = EXCLUDED.repository, installation_id = EXCLUDED.installation_id,
         learned_sha = EXCLUDED.learned_sha, updated_at = EXCLUDED.updated_at`,
      [
        randomUUID(),
        learned.forge,
        repo,
        learned.path,
        schedule.cron,
        schedule.timezone,
        JSON.stringify(learned.repository),
        learned.installationId,
        due,
        learned.sha,
        now,
      ],
    );
  }
  return listSchedules(q, { forge: learned.forge, repo });
}

export async function listSchedules(
  q: Queryable,
  where: { repo?: string; forge?: string } = {},
): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `SELECT * FROM forgeflow.schedules
     WHERE ($1::text IS NULL OR repo = $1) AND ($2::text IS NULL OR forge = $2)
     ORDER BY repo, path, cron, timezone, forge LIMIT 1000`,
    [where.repo ?? null, where.forge ?? null],
  );
  return rows;
}

export async function getSchedule(q: Queryable, id: string): Promise<ScheduleRow | undefined> {
  const { rows } = await q.query<ScheduleRow>('SELECT * FROM forgeflow.schedules WHERE id = $1', [
    id,
  ]);
  return rows[0];
}

/**
 * Pauses or resumes; undefined when there is no such schedule. A resumed schedule is due next
 * after `now`: what fell due while it was paused is not caught up (Temporal's paused schedules
 * neither).
 */
export async function setPaused(
  q: Tx,
  id: string,
  paused: boolean,
  now: Date,
): Promise<ScheduleRow | undefined> {
  const { rows } = await q.query<ScheduleRow>(
    'SELECT * FROM forgeflow.schedules WHERE id = $1 FOR UPDATE',
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.paused === paused) return row;
  const due = paused ? row.next_due : (nextDue(row, now) ?? row.next_due);
  const updated = await q.query<ScheduleRow>(
    `UPDATE forgeflow.schedules SET paused = $2, next_due = $3, updated_at = $4
     WHERE id = $1 RETURNING *`,
    [id, paused, due, now],
  );
  return updated.rows[0];
}

/**
 * Claims up to `limit` due, unpaused rows no live firer holds, for `leaseMs`. SKIP LOCKED: two
 * firers claiming at once take different rows, never one row twice.
 */
export async function claimDue(
  q: Queryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `UPDATE forgeflow.schedules SET claimed_until = $2
     WHERE id IN (SELECT id FROM forgeflow.schedules
                  WHERE NOT paused AND next_due <= $1
                    AND (claimed_until IS NULL OR claimed_until <= $1)
                  ORDER BY next_due, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now, new Date(now.getTime() + leaseMs), limit],
  );
  return rows;
}

export interface Fired {
  id: string;
  /** The next_due the firer read: the fence. */
  due: Date;
  latest: Date;
  missed: number;
  next: Date | null;
  runId: string;
}

/**
 * Moves a fired row on, only if it still is at the due time the firer read: false when another
 * firer (or a re-learned or deleted schedule) moved it first. With no next due time the row is
 * left paused, to say so.
 */
export async function advance(q: Queryable, fired: Fired, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE forgeflow.schedules SET next_due = COALESCE($3, next_due), paused = paused OR $3 IS NULL,
       claimed_until = NULL, last_fired_at = $4, last_due_at = $5, last_missed = $6,
       last_run_id = $7, updated_at = $4
     WHERE id = $1 AND next_due = $2`,
    [fired.id, fired.due, fired.next, now, fired.latest, fired.missed, fired.runId],
  );
  return rowCount > 0;
}

/**
 * When the firer should look again: the earliest due time of an unpaused schedule, or, for a
 * row another firer holds, the end of its claim.
 */
export async function earliestDue(q: Queryable): Promise<Date | null> {
  const { rows } = await q.query<{ due: Date | null }>(
    `SELECT min(GREATEST(next_due, COALESCE(claimed_until, next_due))) AS due
     FROM forgeflow.schedules WHERE NOT paused`,
  );
  return rows[0]?.due ?? null;
}
