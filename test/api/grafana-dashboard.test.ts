/**
 * docs/grafana-dashboard.json cannot drift from the code: every metric its queries name is one
 * the server's registry exports (a histogram's `_bucket`, `_sum` and `_count` included), every
 * exported metric has a panel, and every panel and query reads the datasource variable.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/api/metrics.js';
import { testDb, type TestDb } from '../support/db.js';
import { testRuntime } from '../support/runtime.js';

interface Panel {
  title: string;
  datasource: { uid: string };
  targets: { expr: string; datasource: { uid: string } }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;
let db: TestDb;
let metrics: Metrics;

beforeAll(async () => {
  db = await testDb();
  metrics = createMetrics(testRuntime(db));
});
afterAll(async () => {
  metrics.close();
  await db.close();
});

/** Each metric an expression names, as the registry names it (a histogram's series folded). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bforgeflow_[a-z_]+\b/g)].map(([name]) =>
    name.replace(/_(bucket|sum|count)$/, ''),
  );
}

describe('the Grafana dashboard', () => {
  it('queries only metrics the registry exports, and shows every one of them', async () => {
    const exported = metrics.registry.getMetricsAsArray().map((m) => m.name);
    const histograms = (await metrics.registry.getMetricsAsJSON())
      .filter((m) => String(m.type) === 'histogram')
      .map((m) => m.name);
    const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr)));
    const variables = JSON.stringify(dashboard.templating.list);
    const named = [...queried, ...metricsIn(variables)];
    expect(named.filter((name) => !exported.includes(name))).toEqual([]);
    expect(exported.filter((name) => !queried.includes(name))).toEqual([]);
    // A histogram's suffixes fold onto it; a counter or gauge named with one would not exist.
    for (const expr of dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)))
      for (const [series, base] of expr.matchAll(/\b(forgeflow_[a-z_]+)_(?:bucket|sum|count)\b/g))
        expect(histograms, series).toContain(base);
  });

  it('reads its Prometheus datasource from a variable', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets) expect(target.datasource.uid).toBe('${datasource}');
    }
  });

  it('would notice a query of a metric that does not exist', () => {
    expect(metricsIn('rate(forgeflow_runs_total[5m]) / forgeflow_x_bucket')).toEqual([
      'forgeflow_runs_total',
      'forgeflow_x',
    ]);
  });
});
