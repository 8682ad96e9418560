/**
 * One run of a replay case on a database: a fresh runtime on a FakeClock, the case's driver,
 * then every run it made read back (the top-level runs, and the runs their histories name:
 * polling children, their continuations, the runs a plan started) and normalized. The recorder
 * stores what this returns; the replay test compares it with what was stored.
 */
import { historyView } from '../../src/api/views.js';
import type { StoredGraph } from '../../src/contracts/graph.js';
import type { Db } from '../../src/db/db.js';
import type { Event } from '../../src/events/event.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { runExists, runGraph } from '../../src/runtime/queries.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { TERMINAL_RUN_STATES, type RunStatus } from '../../src/runtime/states.js';
import { testRuntime } from '../support/runtime.js';
import { handlersOf, newKit, type ReplayCase } from './case.js';
import { CaseDriver } from './case-driver.js';
import { normalizeRuns, uuidsIn, type NormalizedRun, type RecordedRun } from './normalize.js';

/** Where every case's clock starts (FakeClock's own default). */
export const REPLAY_EPOCH = Date.UTC(2026, 0, 1);

export interface Played {
  /** The first top-level run's graph, as the runtime stored it. */
  graph: StoredGraph;
  runs: NormalizedRun[];
  /** The runs' real ids, in the order of `runs`. */
  runIds: string[];
}

export async function playCase(
  db: Db,
  replayCase: ReplayCase,
  graph: StoredGraph,
  event: Event,
): Promise<Played> {
  const clock = new FakeClock(REPLAY_EPOCH);
  const kit = newKit();
  const runtime = testRuntime(db, { clock, settings: replayCase.settings });
  const driver = new CaseDriver(runtime, clock, kit, handlersOf(replayCase, kit), graph, event);
  try {
    await replayCase.drive(driver);
  } finally {
    await runtime.stopWorkers(0);
  }
  const runs = await readRuns(runtime, driver.roots);
  await expectEnded(db, runs);
  const stored = await runGraph(db, driver.roots[0] ?? '');
  if (!stored) throw new Error(`case ${replayCase.name} started no run`);
  return {
    graph: stored,
    runs: normalizeRuns(runs, REPLAY_EPOCH),
    runIds: runs.map((r) => r.id),
  };
}

/** The runs `roots` lead to, each once: the roots, then those their histories name, in order. */
async function readRuns(runtime: Runtime, roots: readonly string[]): Promise<RecordedRun[]> {
  const queue = [...roots];
  const runs: RecordedRun[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const events = (await runtime.history(id, { limit: 10_000 })).map(historyView);
    runs.push({ id, events });
    for (const named of uuidsIn(events))
      if (!queue.includes(named) && (await runExists(runtime.db, named))) queue.push(named);
  }
  return runs;
}

/** A case leaves every run ended and no task behind: the next case starts from nothing. */
async function expectEnded(db: Db, runs: readonly RecordedRun[]): Promise<void> {
  const { rows } = await db.query<{ id: string; status: RunStatus }>(
    'SELECT id, status FROM forgeflow.runs WHERE id = ANY($1::uuid[])',
    [runs.map((r) => r.id)],
  );
  const open = rows.filter((r) => !TERMINAL_RUN_STATES.includes(r.status));
  if (open.length > 0)
    throw new Error(`runs left unfinished: ${open.map((r) => `${r.id} ${r.status}`).join(', ')}`);
  const { rows: left } = await db.query<{ kind: string; n: number }>(
    'SELECT kind, count(*)::int AS n FROM forgeflow.tasks GROUP BY kind',
  );
  if (left.length > 0)
    throw new Error(`tasks left behind: ${left.map((t) => `${t.n} ${t.kind}`).join(', ')}`);
}
