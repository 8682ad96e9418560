/**
 * The short chaos (issue 19; `npm run chaos` is the long one, docs/reliability.md "Chaos"): 40
 * runs of the 7-node workload on 3 real `forgeflow worker` processes, 3 of them SIGKILLed at
 * seeded moments and replaced, one `pg_ctl restart -m immediate` of the server in the middle;
 * then no run may be lost or stuck, no completed step executed again, no history event recorded
 * twice, every history must fold to its run's state, and every attempt a killed worker held must
 * have run again elsewhere, within seconds (dead-after 3 s), not the 30 s lease.
 *
 * Postgres only (the pglite project excludes test/runtime/postgres-*): several worker processes
 * need a server they all reach, and PGlite is one process's database; its crash recovery (a
 * SIGKILLed worker process, the data directory reopened) is crash.test.ts and restart.test.ts.
 * The server is a THROWAWAY cluster of its own (test/support/pg-cluster.ts), never the shared one
 * on 5432 that other files use meanwhile: it is crashed on purpose. The workers are the real CLI
 * (bin/forgeflow.js): dist/ must be built. A failing seed replays with `npm run chaos -- --runs
 * 40 --kills 3 --restarts 1 --dead-after 3s --duration 10 --seed <seed>`.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/chaos.js';
import { formatChaos } from '../../chaos/report.js';

// CHAOS_SEED replays another seed here.
const SEED = Number(process.env.CHAOS_SEED) || 19;

describe('chaos: SIGKILLed workers and a PostgreSQL restart under load', () => {
  // Real processes in real time: a 10 s chaos, worker start-ups, the drain after it (~20 s
  // alone; more on a loaded machine).
  it('loses, strands, repeats and duplicates nothing', { timeout: 120_000 }, async () => {
    const timeline: string[] = [];
    const result = await runChaos({
      runs: 40,
      kills: 3,
      restarts: 1,
      seed: SEED,
      workers: 3,
      concurrency: 8,
      deadAfter: '3s',
      durationMs: 10_000,
      settleMs: 45_000,
      log: (line) => timeline.push(line),
    });
    console.info([...timeline, formatChaos(result)].join('\n'));
    const v = result.verdict;
    expect(result.kills).toBe(3);
    expect(result.restarts).toBe(1);
    expect(result.tornLines).toBe(0);
    expect(v.lost, 'lost runs').toEqual([]);
    expect(v.stuck, 'stuck runs').toEqual([]);
    expect(v.reexecuted, 'completed steps executed again').toEqual([]);
    expect(v.duplicateEvents, 'duplicate history events').toEqual([]);
    expect(v.unfolded, 'histories that do not fold to the state').toEqual([]);
    expect(v.unexpectedFailures, 'runs that failed').toEqual([]);
    expect(v.unrecovered, "killed workers' attempts never run again").toEqual([]);
    expect(v.violations).toBe(0);
    // The kills did hit work in flight, and it was taken over on the liveness rows' time.
    expect(v.recoveriesMs.length).toBeGreaterThan(0);
    expect(v.recoveriesMs.at(-1)!).toBeLessThan(15_000);
    expect(v.lostByLiveWorkers).toBe(0);
  });
});
