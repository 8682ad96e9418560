/**
 * `npm run bench` (`tsx bench/run.ts [name…]`): runs every bench in order (or the named ones),
 * prints a table for each and writes its figures to `bench/results/<name>.json`.
 * New benches: add them to BENCHES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { apiBench } from './api.js';
import type { Bench } from './bench.js';
import { compileBench } from './compile.js';
import { peersBench } from './peers/bench.js';
import { runtimeBench } from './runtime.js';
import { soakBench } from './soak.js';
import { timersBench } from './timers.js';
import { webhooksBench } from './webhooks.js';

const BENCHES: Bench[] = [
  compileBench,
  runtimeBench,
  timersBench,
  webhooksBench,
  apiBench,
  peersBench,
  soakBench,
];

// Run from the repository root (`npm run bench` runs the compiled copy in .bench-build/).
const resultsDir = `${process.cwd()}/bench/results/`;

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}\n`,
    );
    return 2;
  }
  const selected = names.length > 0 ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES;
  const machine = {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
  };
  mkdirSync(resultsDir, { recursive: true });
  process.stdout.write(
    `node ${machine.node} on ${machine.platform}/${machine.arch}, ${machine.cpu}\n`,
  );
  for (const bench of selected) {
    process.stdout.write(`\n${bench.name}: ${bench.description}\n\n`);
    const { results, table } = await bench.run();
    process.stdout.write(table + '\n');
    if (isSkipped(results)) {
      // Keep the last real figures: a bench that could not run has nothing to record.
      process.stdout.write(
        `\n${bench.name} skipped: bench/results/${bench.name}.json left as it was\n`,
      );
      continue;
    }
    const file = `${resultsDir}${bench.name}.json`;
    const record = { bench: bench.name, date: new Date().toISOString(), machine, results };
    writeFileSync(file, JSON.stringify(record, roundMs, 2) + '\n');
    process.stdout.write(`\nwritten to ${file}\n`);
  }
  return 0;
}

/** A bench that could not run (no database, say) returns `{ skipped: why }` as its results. */
function isSkipped(results: unknown): boolean {
  return typeof results === 'object' && results !== null && 'skipped' in results;
}

/** Figures in milliseconds to the microsecond: the clock is not finer than that anyway. */
function roundMs(key: string, value: unknown): unknown {
  return key.endsWith('_ms') && typeof value === 'number' ? Math.round(value * 1000) / 1000 : value;
}

process.exitCode = await main(process.argv.slice(2));
