/**
 * The peers bench's tables, as text (the terminal, and the docs page inside a code block): the
 * medians side by side with forgeflow's ratio to each peer, the pgbench floor, and forgeflow's
 * statements and round trips per run and per step.
 */
import { formatMs, table } from '../stats.js';
import type { CostLine } from './cost.js';
import type { PeersResults } from './results.js';

const fixed = (x: number | null, digits: number) => (x === null ? 'failed' : x.toFixed(digits));
const ms = (x: number | null) => (x === null ? 'failed' : formatMs(x));
const times = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)}×`);

export function comparisonTable(r: PeersResults): string {
  const names = Object.keys(r.systems);
  const s = (name: string) => r.systems[name]!;
  const rows: [string, (name: string) => string, keyof PeersResults['ratios'][number]][] = [
    ['throughput, items/s', (n) => fixed(s(n).throughput.median_items_per_s, 0), 'throughput'],
    ['latency p50, ms', (n) => ms(s(n).latency.median_p50_ms), 'latency_p50'],
    ['latency p99, ms', (n) => ms(s(n).latency.median_p99_ms), 'latency_p99'],
    ['chain, ms per step', (n) => ms(s(n).chain.median_per_step_ms), 'chain'],
  ];
  return table(
    ['median of rounds', ...names, ...r.ratios.map((x) => `forgeflow vs ${x.peer}`)],
    rows.map(([label, cell, key]) => [
      label,
      ...names.map(cell),
      ...r.ratios.map((x) => times(x[key] as number | null)),
    ]),
  );
}

/** Lowest and highest round: on a shared machine the medians alone hide how noisy it was. */
const spread = (values: readonly number[], show: (x: number) => string) =>
  values.length === 0 ? 'failed' : `${show(Math.min(...values))}–${show(Math.max(...values))}`;

export function spreadTable(r: PeersResults): string {
  const names = Object.keys(r.systems);
  const s = (name: string) => r.systems[name]!;
  const whole = (x: number) => x.toFixed(0);
  const rows: [string, (name: string) => string][] = [
    [
      'throughput, items/s',
      (n) =>
        spread(
          s(n).throughput.rounds.map((x) => x.items_per_s),
          whole,
        ),
    ],
    [
      'latency p50, ms',
      (n) =>
        spread(
          s(n).latency.rounds.map((x) => x.p50_ms),
          formatMs,
        ),
    ],
    [
      'latency p99, ms',
      (n) =>
        spread(
          s(n).latency.rounds.map((x) => x.p99_ms),
          formatMs,
        ),
    ],
    [
      'chain, ms per step',
      (n) =>
        spread(
          s(n).chain.rounds.map((x) => x.per_step_ms),
          formatMs,
        ),
    ],
  ];
  return table(
    ['rounds, lowest–highest', ...names],
    rows.map(([label, cell]) => [label, ...names.map(cell)]),
  );
}

export function floorTable(r: PeersResults): string {
  return table(
    ['pgbench one-row INSERT', 'tps (median)', 'rounds'],
    r.floor.map((f) => [
      `${f.clients} client${f.clients > 1 ? 's' : ''}, ${f.rounds[0]?.seconds ?? '?'} s`,
      fixed(f.median_tps, 0),
      spread(
        f.rounds.map((x) => x.tps),
        (x) => x.toFixed(0),
      ),
    ]),
  );
}

export function costTable(r: PeersResults): string {
  const c = r.forgeflow_cost;
  if (!c) return 'forgeflow cost: not measured (a round failed)';
  const line = (label: string, l: CostLine) => [
    label,
    l.transactions.toFixed(2),
    l.statements.toFixed(2),
    l.round_trips.toFixed(2),
  ];
  return table(
    ['forgeflow database cost', 'transactions', 'statements', 'round trips'],
    [
      line('per run: start (main process)', c.per_run.start),
      line('per run: worker', c.per_run.worker),
      line('per run: total', c.per_run.total),
      line('per chain step: start (one per chain)', c.per_chain_step.start),
      line('per chain step: worker', c.per_chain_step.worker),
      line('per chain step: total', c.per_chain_step.total),
    ],
  );
}

export function statementsTable(r: PeersResults): string {
  const c = r.forgeflow_cost;
  if (!c) return '';
  return table(
    ["forgeflow worker's statements", 'per run', 'avg ms'],
    c.worker_statements_per_run.map((s) => [s.sql, s.per_unit.toFixed(2), formatMs(s.avg_ms)]),
  );
}

const RATIO_NOTE =
  'ratios: throughput is forgeflow ÷ peer, latency and chain are peer ÷ forgeflow: above 1× forgeflow is better, below 1× the peer is.';

export function render(r: PeersResults): string {
  const failures = Object.entries(r.systems).flatMap(([name, s]) =>
    s.failures.map((f) => `${name}: ${f}`),
  );
  return [
    comparisonTable(r),
    RATIO_NOTE,
    '',
    spreadTable(r),
    'chain shapes:',
    ...Object.entries(r.systems).map(([name, s]) => `  ${name}: ${s.chain.shape}`),
    '',
    floorTable(r),
    '',
    costTable(r),
    '',
    statementsTable(r),
    ...(failures.length > 0 ? ['', 'failed rounds:', ...failures] : []),
  ].join('\n');
}
