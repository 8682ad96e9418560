/**
 * `npm run chaos [-- options]` (builds dist/, then `tsx chaos/main.ts`): one chaos session
 * (chaos.ts) on a throwaway PostgreSQL cluster, its summary table, and exit 1 on any violation.
 *
 *   --runs N          runs of the workload (default 1000)
 *   --kills N         worker SIGKILLs (default 50)
 *   --restarts N      PostgreSQL restarts, -m immediate (default 1; 0 for none)
 *   --seed N          the seeded chaos: same kills and restart moments (default 1)
 *   --workers N       worker processes (default 3), --concurrency N each (default 8)
 *   --dead-after D    FORGEFLOW_WORKER_DEAD_AFTER of the workers (default 10s)
 *   --duration S      seconds the chaos lasts (default: 6 per kill, at least 10)
 *   --settle S        after it, seconds with no run moving before the unfinished are stuck (default 90)
 *   --keep            keep the ledgers and worker logs (kept anyway on a violation)
 */
import { parseArgs } from 'node:util';
import { runChaos, type ChaosOptions } from './chaos.js';
import { formatChaos } from './report.js';

function whole(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number ≥ 0, not ${text}`);
  return n;
}

export function chaosOptions(args: string[]): ChaosOptions {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string' },
      kills: { type: 'string' },
      restarts: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      'dead-after': { type: 'string' },
      duration: { type: 'string' },
      settle: { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  const kills = whole('kills', values.kills, 50);
  return {
    runs: whole('runs', values.runs, 1000),
    kills,
    restarts: whole('restarts', values.restarts, 1),
    seed: whole('seed', values.seed, 1),
    workers: Math.max(1, whole('workers', values.workers, 3)),
    concurrency: Math.max(1, whole('concurrency', values.concurrency, 8)),
    deadAfter: values['dead-after'] ?? '10s',
    durationMs: 1000 * whole('duration', values.duration, Math.max(10, 6 * kills)),
    settleMs: 1000 * whole('settle', values.settle, 90),
    keep: values.keep ?? false,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<number> {
  const options = chaosOptions(process.argv.slice(2));
  // Ctrl-C ends the chaos early but still stops the workers and removes the cluster.
  const interrupted = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => interrupted.abort());
  const result = await runChaos({ ...options, signal: interrupted.signal });
  process.stdout.write(formatChaos(result) + '\n');
  return result.verdict.violations === 0 && result.tornLines === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
