/**
 * The compile bench's second table: each hostile config of issue 12 (hostile-cases.ts) in a
 * fresh process (compile-hostile-child.ts) with a 512 MiB heap: what it came to (refused with
 * which diagnostic, or a graph of how many nodes, needs entries and bytes), the cold and warm
 * compile times and the process's peak RSS. A case that crashes or runs past a minute says so.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HOSTILE_CASES } from './hostile-cases.js';
import { formatMs, table } from './stats.js';

const CHILD = fileURLToPath(new URL('./compile-hostile-child.js', import.meta.url));
const TIMEOUT_MS = 60_000;

export interface HostileResult {
  name: string;
  bytes?: number;
  status: string;
  diagnostic?: string | null;
  diagnostics?: number;
  nodes?: number;
  needs_entries?: number;
  graph_bytes?: number;
  first_ms?: number;
  warm_ms?: number;
  rss_before_mb?: number;
  rss_peak_mb?: number;
}

export function runHostile(): { results: HostileResult[]; table: string } {
  const results = HOSTILE_CASES.map((c, index): HostileResult => {
    const child = spawnSync(process.execPath, ['--max-old-space-size=512', CHILD, String(index)], {
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.error || child.status !== 0) {
      const why = child.error ? 'ran past a minute' : `crashed: ${child.stderr.split('\n')[0]}`;
      return { name: c.name, status: why };
    }
    return { name: c.name, ...(JSON.parse(child.stdout) as Omit<HostileResult, 'name'>) };
  });
  const mb = (n: number | undefined) => (n === undefined ? '' : n.toFixed(0));
  const rows = results.map((r) => [
    r.name,
    r.bytes === undefined ? '' : `${Math.ceil(r.bytes / 1024)} kB`,
    r.status === 'graph'
      ? `graph: ${r.nodes} nodes, ${r.needs_entries} needs, ${Math.ceil((r.graph_bytes ?? 0) / 1024)} kB`
      : (r.diagnostic ?? r.status).slice(0, 70),
    r.first_ms === undefined ? '' : formatMs(r.first_ms),
    r.warm_ms === undefined ? '' : formatMs(r.warm_ms),
    mb(r.rss_peak_mb),
    r.rss_peak_mb === undefined ? '' : mb(r.rss_peak_mb - (r.rss_before_mb ?? 0)),
  ]);
  return {
    results,
    table: table(
      ['hostile config', 'size', 'outcome', 'first ms', 'warm ms', 'peak RSS MB', 'RSS growth MB'],
      rows,
    ),
  };
}
