/**
 * forgeflow's database cost in the peers bench, from the CountingDb snapshots of the main
 * process (starts) and of the worker process: transactions, statements (BEGIN and COMMIT not
 * counted) and round trips (they are), per run and per chain step, so a regression shows.
 */
import type { DbCost } from '../support.js';

/** CountingDb's keys for what is a round trip but not a statement. */
const NOT_STATEMENTS = new Set(['BEGIN (pool wait included)', 'COMMIT']);

export interface CostLine {
  transactions: number;
  statements: number;
  round_trips: number;
}

export interface StatementLine {
  sql: string;
  per_unit: number;
  avg_ms: number;
}

/** Several snapshots as one (their statements merged by text). */
export function sumCosts(costs: readonly DbCost[]): DbCost {
  const by = new Map<string, { count: number; total_ms: number }>();
  for (const cost of costs)
    for (const s of cost.by_statement) {
      const tally = by.get(s.sql) ?? { count: 0, total_ms: 0 };
      tally.count += s.count;
      tally.total_ms += s.total_ms;
      by.set(s.sql, tally);
    }
  return {
    transactions: costs.reduce((n, c) => n + c.transactions, 0),
    round_trips: costs.reduce((n, c) => n + c.round_trips, 0),
    by_statement: [...by]
      .map(([sql, t]) => ({ sql, ...t }))
      .sort((a, b) => b.count - a.count || b.total_ms - a.total_ms),
  };
}

export function costLine(cost: DbCost, units: number): CostLine {
  const statements = cost.by_statement
    .filter((s) => !NOT_STATEMENTS.has(s.sql))
    .reduce((n, s) => n + s.count, 0);
  return {
    transactions: cost.transactions / units,
    statements: statements / units,
    round_trips: cost.round_trips / units,
  };
}

export function addLines(a: CostLine, b: CostLine): CostLine {
  return {
    transactions: a.transactions + b.transactions,
    statements: a.statements + b.statements,
    round_trips: a.round_trips + b.round_trips,
  };
}

export function statementLines(cost: DbCost, units: number, top: number): StatementLine[] {
  return cost.by_statement
    .slice(0, top)
    .map((s) => ({ sql: s.sql, per_unit: s.count / units, avg_ms: s.total_ms / s.count }));
}
