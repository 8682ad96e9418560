/**
 * One hostile case of hostile-cases.ts in a process of its own, so its peak memory is its own:
 * a cold compile, then two more; prints one JSON line for compile-hostile.ts.
 */
import { readFileSync } from 'node:fs';
import { normalizeEvent } from '../src/forges/normalize.js';
import { compileHostile, HOSTILE_CASES } from './hostile-cases.js';

const c = HOSTILE_CASES[Number(process.argv[2])];
if (!c) throw new Error(`no hostile case ${process.argv[2]}`);
const payload: unknown = JSON.parse(
  readFileSync('examples/events/github-pull_request-opened.json', 'utf8'),
);
const normalized = normalizeEvent('github', 'pull_request', payload);
if (!normalized.ok) throw new Error('the example event was ignored');
const text = c.text();
const before = process.resourceUsage().maxRSS;
const timed = () => {
  const start = performance.now();
  const compiled = compileHostile(c, text, normalized.event);
  return { compiled, ms: performance.now() - start };
};
const cold = timed();
const result = cold.compiled;
const warm = [timed().ms, timed().ms];
const first = result.diagnostics.find((d) => d.severity === 'error');
const graph = result.status === 'graph' ? result.graph : null;
process.stdout.write(
  JSON.stringify({
    bytes: Buffer.byteLength(text),
    status: result.status,
    diagnostic: first ? `${first.line}:${first.column} [${first.rule}] ${first.message}` : null,
    diagnostics: result.diagnostics.length,
    nodes: graph?.nodes.length ?? 0,
    needs_entries: graph?.nodes.reduce((sum, n) => sum + n.needs.length, 0) ?? 0,
    graph_bytes: graph ? Buffer.byteLength(JSON.stringify(graph)) : 0,
    first_ms: cold.ms,
    warm_ms: Math.min(...warm),
    rss_before_mb: before / 1024,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
