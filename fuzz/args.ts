/** The command line of `npm run fuzz`. */
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, type Limits } from './campaign.js';
import { TARGET_NAMES, type TargetName } from './target.js';

export const USAGE = `npm run fuzz -- [options]

  --target T          configs, webhooks, api or all (default all)
  --iterations N      cases per target (default 2000; with --minutes, no cap)
  --minutes M         stop starting cases after M minutes in all (shared between targets)
  --seed S            the campaign's seed (default: the time; printed, so a run can be replayed)
  --from I            the first case's number (replay one case: --from I --iterations 1)
  --timeout-ms MS     a case running longer is a hang (default ${DEFAULT_LIMITS.timeoutMs})
  --heap-mb MB        each child's V8 heap (default ${DEFAULT_LIMITS.heapMb})
  --rss-cap-mb MB     a child over this RSS is stopped and counted (default ${DEFAULT_LIMITS.rssCapMb})
  --jobs N            config children side by side (default: 2, or fewer cores)
  --database-url URL  run the webhooks and api targets on this PostgreSQL database
                      (it gets written to); default: an in-memory PGlite
  --findings DIR      where inputs that found something are kept (default fuzz-findings)
  --minimize FILE     shrink a kept finding (its .json) to a small input that fails the same way
  --verbose           a line per case: its number, outcome, time, peak RSS and origin
  --help`;

export interface FuzzArgs {
  targets: TargetName[];
  iterations: number;
  minutes: number | null;
  seed: number;
  from: number;
  limits: Limits;
  jobs: number | null;
  databaseUrl: string | null;
  findingsDir: string;
  help: boolean;
  verbose: boolean;
  minimize: string | null;
}

function integer(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} takes a whole number ≥ ${min}, not "${value}"`);
  return n;
}

export function parseFuzzArgs(argv: readonly string[]): FuzzArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      target: { type: 'string', default: 'all' },
      iterations: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'heap-mb': { type: 'string' },
      'rss-cap-mb': { type: 'string' },
      jobs: { type: 'string' },
      'database-url': { type: 'string' },
      findings: { type: 'string', default: 'fuzz-findings' },
      help: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      minimize: { type: 'string' },
    },
  });
  const target = values.target;
  if (target !== 'all' && !(TARGET_NAMES as readonly string[]).includes(target))
    throw new Error(`--target is one of ${TARGET_NAMES.join(', ')} or all, not "${target}"`);
  const minutes = values.minutes === undefined ? null : Number(values.minutes);
  if (minutes !== null && !(minutes > 0))
    throw new Error(`--minutes takes a positive number, not "${values.minutes}"`);
  return {
    targets: target === 'all' ? [...TARGET_NAMES] : [target as TargetName],
    iterations: integer(
      'iterations',
      values.iterations,
      minutes === null ? 2_000 : Number.MAX_SAFE_INTEGER,
      1,
    ),
    minutes,
    seed: integer('seed', values.seed, Date.now() % 1_000_000_000),
    from: integer('from', values.from, 0),
    limits: {
      timeoutMs: integer('timeout-ms', values['timeout-ms'], DEFAULT_LIMITS.timeoutMs, 1),
      heapMb: integer('heap-mb', values['heap-mb'], DEFAULT_LIMITS.heapMb, 16),
      rssCapMb: integer('rss-cap-mb', values['rss-cap-mb'], DEFAULT_LIMITS.rssCapMb, 16),
    },
    jobs: values.jobs === undefined ? null : integer('jobs', values.jobs, 1, 1),
    databaseUrl: values['database-url'] ?? null,
    findingsDir: values.findings,
    help: values.help,
    verbose: values.verbose,
    minimize: values.minimize ?? null,
  };
}
