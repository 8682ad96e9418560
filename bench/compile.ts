/**
 * How long a compile takes, from text and event to graph: `compilePipeline` for the example
 * pipeline, a typical one (5 jobs, one 3-value matrix) and a large one (200 jobs in a chain);
 * `compilePackit` for examples/packit.yaml and every real .packit.yaml of
 * test/fixtures/packit/valid. All are planned against the example pull-request event (a Packit
 * config whose pull-request jobs all need a label or a comment plans nothing: that is still a
 * whole compile). For each: the first (cold) compile, then, after a warm-up, N timed compiles
 * with N chosen so the case takes at most about 3 s (1 s for each Packit file). Then the
 * hostile configs of issue 12, each in a process of its own (compile-hostile.ts): time to
 * refuse or compile, and peak memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePackit, compilePipeline } from '../src/compiler/index.js';
import type { Event } from '../src/events/event.js';
import { normalizeEvent } from '../src/forges/normalize.js';
import { builtInRegistry } from '../src/handlers/catalog.js';
import type { Bench } from './bench.js';
import { runHostile, type HostileResult } from './compile-hostile.js';
import { formatMs, summarize, table, type Summary } from './stats.js';

const BUDGET_MS = 2500;
const PACKIT_BUDGET_MS = 1000;
const WARMUP_MS = 300;
const MIN_ITERATIONS = 5;
const MAX_ITERATIONS = 5000;

interface Case {
  name: string;
  file: string;
  text: string;
  kind: 'pipeline' | 'packit';
}

export interface CaseResult extends Summary {
  name: string;
  nodes: number;
  first_ms: number;
  warmup_iterations: number;
}

function readRepoFile(path: string): string {
  return readFileSync(path, 'utf8'); // relative to the repository root
}

function pullRequestEvent(): Event {
  const payload: unknown = JSON.parse(
    readRepoFile('examples/events/github-pull_request-opened.json'),
  );
  const result = normalizeEvent('github', 'pull_request', payload);
  if (!result.ok) throw new Error(`the example event was ignored: ${result.ignored}`);
  return result.event;
}

/** Five jobs, one of them a matrix of three targets. */
export function typicalPipeline(): string {
  return `version: 1
name: typical
on:
  pull_request: { types: [opened, synchronize, reopened] }
  push: { branches: [main] }
env:
  API: https://builds.example/api
jobs:
  lint:
    uses: exec
    with: { command: [make, lint] }
    timeout: 10m
  build:
    matrix:
      target: [fedora-41-x86_64, fedora-42-x86_64, epel-9-x86_64]
    uses: http.request
    with:
      method: POST
      url: '\${{ env.API }}/builds'
      json: { ref: '\${{ event.sha }}', chroot: '\${{ matrix.target }}' }
    poll:
      uses: http.request
      with: { url: '\${{ env.API }}/builds/\${{ output.body.id }}' }
      every: 30s
      until: "\${{ output.body.state == 'succeeded' || output.body.state == 'failed' }}"
      timeout: 6h
    retry: { maximum_attempts: 5, non_retryable_errors: [HttpClientError] }
    report: 'build:\${{ matrix.target }}'
  test:
    needs: [lint, build]
    uses: exec
    with: { command: [./ci/test.sh, --build, '\${{ needs.build.output.body.id }}'] }
    timeout: 1h
  soak:
    needs: [test]
    sleep: 10m
  notify:
    needs: [test, soak]
    if: '\${{ always() }}'
    uses: forge.comment
    with: { body: 'tests: \${{ needs.test.result }}' }
`;
}

/** `count` jobs, each needing the one before it. */
export function chainPipeline(count: number): string {
  const jobs = Array.from({ length: count }, (_, i) =>
    [
      `  j${i}:`,
      ...(i > 0 ? [`    needs: [j${i - 1}]`] : []),
      '    uses: exec',
      `    with: { command: [./step.sh, '${i}', '\${{ event.sha }}'] }`,
      '    timeout: 5m',
    ].join('\n'),
  );
  return `version: 1\nname: chain\non: [pull_request, push]\njobs:\n${jobs.join('\n')}\n`;
}

function cases(): Case[] {
  return [
    {
      name: 'examples/pipeline.yaml',
      file: 'pipeline.yaml',
      text: readRepoFile('examples/pipeline.yaml'),
      kind: 'pipeline',
    },
    {
      name: 'typical (5 jobs, 3-value matrix)',
      file: 'typical.yaml',
      text: typicalPipeline(),
      kind: 'pipeline',
    },
    {
      name: 'large (200 jobs in a chain)',
      file: 'chain.yaml',
      text: chainPipeline(200),
      kind: 'pipeline',
    },
    {
      name: 'examples/packit.yaml',
      file: '.packit.yaml',
      text: readRepoFile('examples/packit.yaml'),
      kind: 'packit',
    },
    ...packitFixtures(),
  ];
}

/** The real Packit configs the tests use (test/fixtures/packit/valid). */
function packitFixtures(): Case[] {
  const dir = join('test', 'fixtures', 'packit', 'valid');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      name: `packit: ${f.replace(/\.yaml$/, '')}`,
      file: '.packit.yaml',
      text: readFileSync(join(dir, f), 'utf8'),
      kind: 'packit' as const,
    }));
}

function compileCase(c: Case, event: Event) {
  return c.kind === 'packit'
    ? compilePackit(c.text, event, { file: c.file, repoName: event.repo.name })
    : compilePipeline(c.text, event, { file: c.file, handlers: builtInRegistry });
}

function measure(c: Case, event: Event): CaseResult {
  const budget = c.kind === 'packit' ? PACKIT_BUDGET_MS : BUDGET_MS;
  const once = (): { ms: number; nodes: number } => {
    const start = performance.now();
    const result = compileCase(c, event);
    const ms = performance.now() - start;
    if (result.status === 'invalid' || (result.status !== 'graph' && c.kind === 'pipeline')) {
      const why =
        result.status === 'invalid'
          ? result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')
          : 'not triggered';
      throw new Error(`${c.name} did not compile to a graph: ${why}`);
    }
    return { ms, nodes: result.status === 'graph' ? result.graph.nodes.length : 0 };
  };

  const first = once();
  const warmup: number[] = [];
  const warmupStart = performance.now();
  while (warmup.length < MIN_ITERATIONS || performance.now() - warmupStart < WARMUP_MS)
    warmup.push(once().ms);
  // The later half of the warm-up, when the JIT has settled, predicts a timed compile best.
  const settled = warmup.slice(Math.floor(warmup.length / 2));
  const estimate = settled.reduce((sum, ms) => sum + ms, 0) / settled.length;
  const iterations = Math.max(
    MIN_ITERATIONS,
    Math.min(MAX_ITERATIONS, Math.floor(budget / estimate)),
  );
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push(once().ms);
  return {
    name: c.name,
    nodes: first.nodes,
    first_ms: first.ms,
    warmup_iterations: warmup.length,
    ...summarize(samples),
  };
}

export const compileBench: Bench<{ valid: CaseResult[]; hostile: HostileResult[] }> = {
  name: 'compile',
  description:
    'compilePipeline / compilePackit wall time against the example pull_request event (first = cold compile; the first row of each front-end also pays its JIT warm-up); then hostile configs, each in a fresh process with a 512 MiB heap',
  run() {
    const event = pullRequestEvent();
    const results = cases().map((c) => measure(c, event));
    const hostile = runHostile();
    const rows = results.map((r) => [
      r.name,
      String(r.nodes),
      String(r.iterations),
      formatMs(r.first_ms),
      formatMs(r.min_ms),
      formatMs(r.median_ms),
      formatMs(r.p95_ms),
    ]);
    return {
      results: { valid: results, hostile: hostile.results },
      table:
        table(['pipeline', 'nodes', 'runs', 'first ms', 'min ms', 'median ms', 'p95 ms'], rows) +
        '\n\n' +
        hostile.table,
    };
  },
};
