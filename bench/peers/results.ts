/**
 * What the peers bench records (bench/results/peers.json) and how rounds become figures: the
 * median of the rounds for each system and measurement, forgeflow's ratio to each peer, and
 * forgeflow's database cost per run and per step.
 */
import { median } from '../stats.js';
import type { DbCost } from '../support.js';
import {
  addLines,
  costLine,
  statementLines,
  sumCosts,
  type CostLine,
  type StatementLine,
} from './cost.js';
import type { ChainRound, LatencyRound, ThroughputRound } from './measure.js';
import type { PgbenchRound } from './pgbench.js';

export interface SystemResults {
  version: string;
  throughput: { median_items_per_s: number | null; rounds: ThroughputRound[] };
  latency: { median_p50_ms: number | null; median_p99_ms: number | null; rounds: LatencyRound[] };
  chain: { shape: string; median_per_step_ms: number | null; rounds: ChainRound[] };
  /** Rounds that failed, with why: a system that could not run says so instead of a figure. */
  failures: string[];
}

export interface Ratios {
  peer: string;
  /** forgeflow ÷ peer items/s: above 1, forgeflow is faster. */
  throughput: number | null;
  /** peer ÷ forgeflow milliseconds: above 1, forgeflow is faster. */
  latency_p50: number | null;
  latency_p99: number | null;
  chain: number | null;
}

export interface ForgeflowCost {
  /** Per single-node run, over every throughput round. */
  per_run: { start: CostLine; worker: CostLine; total: CostLine };
  /** Per step of the chain (one start for the whole chain), over every chain round. */
  per_chain_step: { start: CostLine; worker: CostLine; total: CostLine };
  worker_statements_per_run: StatementLine[];
  worker_statements_per_chain_step: StatementLine[];
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  postgres: string;
  /** os.loadavg() when the bench began: the machine is shared. */
  load_average_before: number[];
}

export interface PeersResults {
  date: string;
  machine: Machine;
  settings: Record<string, unknown>;
  systems: Record<string, SystemResults>;
  ratios: Ratios[];
  forgeflow_cost: ForgeflowCost | null;
  floor: { clients: number; median_tps: number | null; rounds: PgbenchRound[] }[];
}

export type PeersBenchResults = PeersResults | { skipped: string };

export function medianOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : median([...values].sort((a, b) => a - b));
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);

export function ratiosOf(systems: Record<string, SystemResults>): Ratios[] {
  const ff = systems.forgeflow!;
  return Object.entries(systems)
    .filter(([name]) => name !== 'forgeflow')
    .map(([peer, s]) => ({
      peer,
      throughput: ratio(ff.throughput.median_items_per_s, s.throughput.median_items_per_s),
      latency_p50: ratio(s.latency.median_p50_ms, ff.latency.median_p50_ms),
      latency_p99: ratio(s.latency.median_p99_ms, ff.latency.median_p99_ms),
      chain: ratio(s.chain.median_per_step_ms, ff.chain.median_per_step_ms),
    }));
}

function costOf(
  rounds: readonly { start_cost: DbCost | null; worker_cost: DbCost | null }[],
  units: number,
) {
  const starts = rounds.flatMap((r) => (r.start_cost ? [r.start_cost] : []));
  const workers = rounds.flatMap((r) => (r.worker_cost ? [r.worker_cost] : []));
  if (starts.length === 0 || workers.length !== starts.length) return null;
  const worker = sumCosts(workers);
  const start = costLine(sumCosts(starts), units * starts.length);
  const work = costLine(worker, units * workers.length);
  return {
    line: { start, worker: work, total: addLines(start, work) },
    statements: statementLines(worker, units * workers.length, 12),
  };
}

export function forgeflowCost(ff: SystemResults): ForgeflowCost | null {
  const single = costOf(ff.throughput.rounds, ff.throughput.rounds[0]?.items ?? 0);
  const chained = costOf(ff.chain.rounds, ff.chain.rounds[0]?.steps ?? 0);
  if (!single || !chained) return null;
  return {
    per_run: single.line,
    per_chain_step: chained.line,
    worker_statements_per_run: single.statements,
    worker_statements_per_chain_step: chained.statements,
  };
}
