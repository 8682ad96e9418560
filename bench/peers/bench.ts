/**
 * `npm run bench -- peers`: forgeflow beside graphile-worker and DBOS Transact on the same
 * PostgreSQL, in the same run, with the same worker concurrency, one worker process each
 * (measure.ts): throughput of pre-started single-step items, start-to-handler latency against
 * an idle worker, a 200-step chain, and pgbench's floor. Each round gets a fresh database;
 * rounds of the three systems alternate so the machine's noise falls on all of them alike.
 */
import { cpus, loadavg } from 'node:os';
import type { Bench } from '../bench.js';
import { ADMIN_URL, describe } from '../support.js';
import { describeServer } from './database.js';
import { writeDocs } from './docs.js';
import { chain, latency, throughput } from './measure.js';
import type { Peer } from './peer.js';
import { pgbench, type PgbenchRound } from './pgbench.js';
import { render } from './report.js';
import {
  forgeflowCost,
  medianOf,
  ratiosOf,
  type PeersBenchResults,
  type SystemResults,
} from './results.js';
import {
  CHAIN_STEPS,
  CONCURRENCY,
  DEFAULT_SIZES,
  DONE_POLL_MS,
  JOBS,
  LATENCY_PER_SECOND,
  LATENCY_STARTS,
  PGBENCH_CLIENTS,
  REPEATS,
  SOURCES,
  TUNING,
} from './settings.js';

/** Loaded when this bench runs: the peers' packages stay out of the other benches' process. */
async function loadPeers(): Promise<Peer[]> {
  const [{ forgeflowPeer }, { graphilePeer }, { dbosPeer }] = await Promise.all([
    import('./forgeflow.js'),
    import('./graphile.js'),
    import('./dbos.js'),
  ]);
  return [forgeflowPeer, graphilePeer, dbosPeer];
}

const CHAIN_SHAPES: Record<string, string> = {
  forgeflow: `one run of a ${CHAIN_STEPS}-job pipeline, j1 → j2 → … (each job needs the previous one)`,
  'graphile-worker': `${CHAIN_STEPS} jobs, each added by the previous job's task (helpers.addJob)`,
  dbos: `one workflow running ${CHAIN_STEPS} steps in sequence: not the same shape (no new workflow per step)`,
};

function progress(message: string): void {
  process.stderr.write(`  peers: ${message}\n`);
}

function emptySystem(peer: Peer): SystemResults {
  return {
    version: peer.version,
    throughput: { median_items_per_s: null, rounds: [] },
    latency: { median_p50_ms: null, median_p99_ms: null, rounds: [] },
    chain: { shape: CHAIN_SHAPES[peer.name] ?? '', median_per_step_ms: null, rounds: [] },
    failures: [],
  };
}

/** Runs `round` REPEATS times for each system, alternating systems; a failure is recorded. */
async function rounds<T>(
  what: string,
  peers: readonly Peer[],
  systems: Record<string, SystemResults>,
  round: (peer: Peer) => Promise<T>,
  keep: (s: SystemResults, value: T) => void,
): Promise<void> {
  for (let repeat = 1; repeat <= REPEATS; repeat++)
    for (const peer of peers) {
      progress(`${what}, ${peer.name}, round ${repeat} of ${REPEATS}`);
      try {
        keep(systems[peer.name]!, await round(peer));
      } catch (error) {
        const message = `${what} round ${repeat}: ${(error as Error).message}`;
        progress(`${peer.name} failed: ${message}`);
        systems[peer.name]!.failures.push(message);
      }
    }
}

async function measure(): Promise<PeersBenchResults> {
  let postgres: string;
  try {
    postgres = await describeServer();
  } catch (error) {
    return {
      skipped: `PostgreSQL not reachable at ${describe(ADMIN_URL)} (${(error as Error).message}); set BENCH_DATABASE_URL`,
    };
  }
  const load = loadavg();
  const peers = await loadPeers();
  const systems = Object.fromEntries(peers.map((p) => [p.name, emptySystem(p)]));

  await rounds(`throughput (${JOBS} items)`, peers, systems, throughput, (s, r) =>
    s.throughput.rounds.push(r),
  );
  await rounds(`latency (${LATENCY_STARTS} starts)`, peers, systems, latency, (s, r) =>
    s.latency.rounds.push(r),
  );
  await rounds(`chain (${CHAIN_STEPS} steps)`, peers, systems, chain, (s, r) =>
    s.chain.rounds.push(r),
  );
  for (const s of Object.values(systems)) {
    s.throughput.median_items_per_s = medianOf(s.throughput.rounds.map((r) => r.items_per_s));
    s.latency.median_p50_ms = medianOf(s.latency.rounds.map((r) => r.p50_ms));
    s.latency.median_p99_ms = medianOf(s.latency.rounds.map((r) => r.p99_ms));
    s.chain.median_per_step_ms = medianOf(s.chain.rounds.map((r) => r.per_step_ms));
  }

  const floor: { clients: number; median_tps: number | null; rounds: PgbenchRound[] }[] = [];
  for (const clients of PGBENCH_CLIENTS) {
    const done: PgbenchRound[] = [];
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      progress(`pgbench, ${clients} clients, round ${repeat} of ${REPEATS}`);
      try {
        done.push(await pgbench(clients));
      } catch (error) {
        progress(`pgbench failed: ${(error as Error).message}`);
      }
    }
    floor.push({ clients, median_tps: medianOf(done.map((r) => r.tps)), rounds: done });
  }

  return {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      postgres,
      load_average_before: load,
    },
    settings: {
      database: describe(ADMIN_URL),
      jobs: JOBS,
      repeats: REPEATS,
      concurrency: CONCURRENCY,
      latency_starts: LATENCY_STARTS,
      latency_per_s: LATENCY_PER_SECOND,
      chain_steps: CHAIN_STEPS,
      done_poll_ms: DONE_POLL_MS,
      tuning: TUNING,
      sources: SOURCES,
    },
    systems,
    ratios: ratiosOf(systems),
    forgeflow_cost: forgeflowCost(systems.forgeflow!),
    floor,
  };
}

export const peersBench: Bench<PeersBenchResults> = {
  name: 'peers',
  description: `forgeflow, graphile-worker and DBOS on PostgreSQL at ${describe(ADMIN_URL)}: throughput, latency, a chain, and pgbench's floor`,
  async run() {
    const results = await measure();
    if ('skipped' in results) return { results, table: `skipped: ${results.skipped}` };
    const docs = DEFAULT_SIZES
      ? `written to ${await writeDocs(results)}`
      : 'docs/benchmarks.md left as it was (BENCH_PEERS_JOBS or BENCH_PEERS_REPEATS set)';
    return { results, table: `${render(results)}\n\n${docs}` };
  },
};
