/**
 * Pruning finished runs, a batch per transaction: the oldest top-level runs past their status's
 * cutoff, with their child runs and every row hanging off them (run_specs, nodes, attempts,
 * history, signals, node logs by cascade; tasks by hand, having no foreign key). Each pruned
 * top-level run leaves a tombstone (tombstones.ts); the graphs they used are queued for
 * prune-graphs.ts.
 *
 * It never waits for a worker: runs and tasks are taken FOR UPDATE SKIP LOCKED, and a family
 * (a top-level run and its children) is left for a later batch when any of its runs or tasks
 * is held by someone else, one of its runs is not finished, or a task of it is leased. So a
 * batch cannot deadlock with a claim (which holds tasks, then waits for runs) nor stall one.
 */
import type { Db, Queryable } from '../db/db.js';
import type { PrunedRunStatus } from '../contracts/retention.js';
import { TERMINAL_RUN_STATES } from './states.js';

const FINISHED: ReadonlySet<string> = new Set(TERMINAL_RUN_STATES);

/** Top-level runs finished before `before`, per final status; a status absent is kept. */
export type RunCutoffs = Partial<Record<PrunedRunStatus, Date>>;

export interface PrunedRuns {
  runs: number;
  childRuns: number;
  historyEvents: number;
}

/**
 * A batch stops taking families once their history holds this many events (the first family
 * always goes): a batch of long-polling runs costs about what a batch of small ones does.
 */
export const BATCH_HISTORY_BUDGET = 50_000;

interface Candidate {
  id: string;
  history_length: number;
}

/** Locks up to `limit` prunable top-level runs, oldest first within each status. */
async function lockCandidates(
  q: Queryable,
  cutoffs: RunCutoffs,
  limit: number,
): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const [status, before] of Object.entries(cutoffs)) {
    if (found.length >= limit) break;
    // runs_finished (migration 0016) in order; a run with an active child waits for it.
    const { rows } = await q.query<Candidate>(
      `SELECT r.id, r.history_length FROM forgeflow.runs r
       WHERE r.parent_run_id IS NULL AND r.status = $1 AND r.finished_at IS NOT NULL
         AND r.finished_at < $2
         AND NOT EXISTS (SELECT 1 FROM forgeflow.runs c
                         WHERE c.parent_run_id = r.id AND NOT (c.status = ANY($4::text[])))
       ORDER BY r.finished_at LIMIT $3 FOR UPDATE OF r SKIP LOCKED`,
      [status, before, limit - found.length, TERMINAL_RUN_STATES],
    );
    found.push(...rows);
  }
  return found;
}

interface Member {
  id: string;
  top: string;
  status: string;
}

/** Every run of the candidates' families (children, and theirs), the top ones included. */
async function familiesOf(q: Queryable, tops: readonly string[]): Promise<Member[]> {
  const { rows } = await q.query<Member>(
    `WITH RECURSIVE family AS (
       SELECT id, id AS top FROM forgeflow.runs WHERE id = ANY($1::uuid[])
       UNION ALL
       SELECT c.id, f.top FROM forgeflow.runs c JOIN family f ON c.parent_run_id = f.id)
     SELECT f.id, f.top, r.status FROM family f JOIN forgeflow.runs r ON r.id = f.id`,
    [tops],
  );
  return rows;
}

/**
 * The families that may go: every run finished and locked here, every task of theirs locked
 * here and unleased. Returns their run ids and the ids of their (locked) tasks.
 */
async function clearFamilies(
  q: Queryable,
  members: readonly Member[],
): Promise<{ runIds: string[]; taskIds: number[] }> {
  const blocked = new Set<string>();
  for (const m of members) if (!FINISHED.has(m.status)) blocked.add(m.top);
  const children = members.filter((m) => m.id !== m.top && !blocked.has(m.top));
  const { rows: lockedChildren } = await q.query<{ id: string }>(
    `SELECT id FROM forgeflow.runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
    [children.map((m) => m.id)],
  );
  const locked = new Set(lockedChildren.map((r) => r.id));
  for (const m of children) if (!locked.has(m.id)) blocked.add(m.top);
  const topOf = new Map(members.map((m) => [m.id, m.top]));
  const open = members.filter((m) => !blocked.has(m.top)).map((m) => m.id);
  // Every task of these runs, and those this transaction could lock: a task held elsewhere
  // (a claim under way) or leased (a worker on it) keeps its family for a later batch.
  const { rows: tasks } = await q.query<{ id: number; run_id: string; mine: boolean }>(
    `WITH mine AS MATERIALIZED (
       SELECT id FROM forgeflow.tasks WHERE run_id = ANY($1::uuid[]) AND lease_owner IS NULL
       FOR UPDATE SKIP LOCKED)
     SELECT t.id, t.run_id, t.id IN (SELECT id FROM mine) AS mine
     FROM forgeflow.tasks t WHERE t.run_id = ANY($1::uuid[])`,
    [open],
  );
  for (const t of tasks) if (!t.mine) blocked.add(topOf.get(t.run_id) ?? t.run_id);
  return {
    runIds: open.filter((id) => !blocked.has(topOf.get(id) ?? id)),
    taskIds: tasks.filter((t) => !blocked.has(topOf.get(t.run_id) ?? t.run_id)).map((t) => t.id),
  };
}

/**
 * One batch: up to `limit` top-level runs (fewer when their history passes the budget) and
 * their families, deleted in one transaction at `now`. `more`: the batch was full, so another
 * may find more.
 */
export async function pruneRunBatch(
  db: Db,
  cutoffs: RunCutoffs,
  now: Date,
  limit: number,
): Promise<{ pruned: PrunedRuns; more: boolean }> {
  return db.tx(async (q) => {
    const candidates = await lockCandidates(q, cutoffs, limit);
    const tops: string[] = [];
    let events = 0;
    for (const c of candidates) {
      if (tops.length > 0 && events + c.history_length > BATCH_HISTORY_BUDGET) break;
      tops.push(c.id);
      events += c.history_length;
    }
    const more = candidates.length >= limit || tops.length < candidates.length;
    const none = { runs: 0, childRuns: 0, historyEvents: 0 };
    if (tops.length === 0) return { pruned: none, more };
    const { runIds, taskIds } = await clearFamilies(q, await familiesOf(q, tops));
    if (runIds.length === 0) return { pruned: none, more };
    await q.query('DELETE FROM forgeflow.tasks WHERE id = ANY($1::bigint[])', [taskIds]);
    const { rows } = await q.query<PrunedRuns>(
      `WITH gone AS (
         DELETE FROM forgeflow.runs WHERE id = ANY($1::uuid[])
         RETURNING id, parent_run_id, pipeline, repo, trigger, status, created_at, finished_at,
           graph_hash, history_length),
       tombstones AS (
         INSERT INTO forgeflow.run_tombstones
           (id, pipeline, repo, trigger, status, created_at, finished_at, pruned_at)
         SELECT id, pipeline, repo, trigger, status, created_at, finished_at, $2::timestamptz
         FROM gone WHERE parent_run_id IS NULL
         ON CONFLICT (id) DO NOTHING),
       checks AS (
         INSERT INTO forgeflow.graph_checks (hash)
         SELECT DISTINCT graph_hash FROM gone ORDER BY graph_hash
         ON CONFLICT (hash) DO NOTHING)
       SELECT count(*) FILTER (WHERE parent_run_id IS NULL)::int AS runs,
         count(*) FILTER (WHERE parent_run_id IS NOT NULL)::int AS "childRuns",
         coalesce(sum(history_length), 0)::int AS "historyEvents"
       FROM gone`,
      [runIds, now],
    );
    return { pruned: rows[0] ?? none, more };
  });
}

/** What pruneRunBatch would delete at these cutoffs, all batches together; nothing deleted. */
export async function countPrunableRuns(q: Queryable, cutoffs: RunCutoffs): Promise<PrunedRuns> {
  let total = { runs: 0, childRuns: 0, historyEvents: 0 };
  for (const [status, before] of Object.entries(cutoffs)) {
    const { rows } = await q.query<PrunedRuns>(
      `WITH RECURSIVE tops AS (
         SELECT r.id FROM forgeflow.runs r
         WHERE r.parent_run_id IS NULL AND r.status = $1 AND r.finished_at IS NOT NULL
           AND r.finished_at < $2),
       family AS (
         SELECT id, id AS top FROM tops
         UNION ALL
         SELECT c.id, f.top FROM forgeflow.runs c JOIN family f ON c.parent_run_id = f.id),
       ready AS (
         SELECT f.top FROM family f JOIN forgeflow.runs r ON r.id = f.id
         GROUP BY f.top HAVING bool_and(r.status = ANY($3::text[])))
       SELECT count(*) FILTER (WHERE f.id = f.top)::int AS runs,
         count(*) FILTER (WHERE f.id <> f.top)::int AS "childRuns",
         coalesce(sum(r.history_length), 0)::int AS "historyEvents"
       FROM family f JOIN ready USING (top) JOIN forgeflow.runs r ON r.id = f.id`,
      [status, before, TERMINAL_RUN_STATES],
    );
    const row = rows[0] ?? total;
    total = {
      runs: total.runs + row.runs,
      childRuns: total.childRuns + row.childRuns,
      historyEvents: total.historyEvents + row.historyEvents,
    };
  }
  return total;
}
