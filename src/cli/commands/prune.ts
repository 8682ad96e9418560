/**
 * `forgeflow prune`: deletes now, batch after batch until nothing is left, what the retention
 * no longer keeps (serve and worker do the same every hour in the background): finished runs
 * past their status's age with their child runs, history and logs, the graphs no run uses,
 * old deliveries, acknowledgements, summaries and tombstones. `--dry-run` counts instead.
 * Exit 0 done (or nothing to do), 1 the database refused, 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { PRUNED_RUN_STATUSES, formatRetention, type Retention } from '../../contracts/retention.js';
import { migrate } from '../../db/migrate.js';
import { describeDatabase, openDatabase } from '../../db/open.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import type { PruneCounts } from '../../runtime/prune-steps.js';
import { DEFAULT_PRUNE_BATCH, Pruner } from '../../runtime/pruner.js';
import { durationSetting } from '../duration-setting.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { retentionSetting } from '../retention-setting.js';
import { pruneSteps } from '../service.js';
import { databaseTarget } from '../database-target.js';
import { formatOption } from './options.js';

export const pruneUsage =
  'forgeflow prune [--database-url URL] [--data-dir DIR] [--retention SPEC] [--older-than DURATION] [--dry-run] [--batch N] [--format text|json]';

export const pruneHelp = `usage: ${pruneUsage}

Deletes what the retention no longer keeps, a batch per transaction, until nothing is left.

  --retention SPEC       key=age pairs over the defaults (or FORGEFLOW_RETENTION); keys: runs
                         (every final status), succeeded, failed, canceled, timed_out,
                         deliveries, comments, summaries, tombstones; an age is 30d, 12h, … or
                         forever; \`forever\` alone keeps everything
  --older-than DURATION  prune the runs that finished longer ago than this, whatever their
                         status (the other ages stay as the retention says)
  --dry-run              count what would go; delete nothing
  --batch N              top-level runs (or rows) per transaction (default ${DEFAULT_PRUNE_BATCH.pg};
                         ${DEFAULT_PRUNE_BATCH.pglite} on the embedded database)
  --format json          the counts as JSON

Defaults: every run 90d after it finished, deliveries 30d, comments 30d, summaries 90d after
their last update, tombstones of pruned runs 365d.
`;

/** Each count's name as the report prints it, in order. */
const LABELS: [key: string, label: string][] = [
  ['runs', 'runs'],
  ['child_runs', 'child runs'],
  ['history_events', 'history events'],
  ['graphs', 'graphs'],
  ['tombstones', 'tombstones'],
  ['deliveries', 'deliveries'],
  ['comment_acks', 'comment acknowledgements'],
  ['reply_windows', 'reply windows'],
  ['run_summaries', 'run summaries'],
];

export async function pruneCommand(
  args: string[],
  io: Io,
  clock: Clock = systemClock,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      retention: { type: 'string' },
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      batch: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const format = formatOption(values.format, ['text', 'json'] as const);
  const retention = olderThan(
    retentionSetting(values.retention ?? process.env.FORGEFLOW_RETENTION),
    values['older-than'],
  );
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 10_000))
    throw new UsageError('--batch must be a whole number from 1 to 10000');
  const target = databaseTarget(values);
  const where = describeDatabase(target);
  let counts: PruneCounts;
  try {
    const db = await openDatabase(target);
    try {
      // As serve and worker do at start: the tables pruning needs are a migration's.
      await migrate(db);
      const steps = pruneSteps(db, retention);
      const pruner = new Pruner({ db, clock, steps, ...(batch ? { batch } : {}) });
      counts = values['dry-run'] ? await pruner.countAll() : await pruner.pruneAll();
    } finally {
      await db.close();
    }
  } catch (error) {
    io.err(`forgeflow prune: ${where}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const dryRun = values['dry-run'];
  if (format === 'json') {
    const all = Object.fromEntries(LABELS.map(([key]) => [key, counts[key] ?? 0]));
    io.out(
      `${JSON.stringify({ dry_run: dryRun, retention: formatRetention(retention), [dryRun ? 'would_prune' : 'pruned']: all })}\n`,
    );
    return EXIT.ok;
  }
  io.out(report(counts, where, retention, dryRun));
  return EXIT.ok;
}

/** `--older-than`: every final status's age, the rest of the retention as it was. */
function olderThan(retention: Retention, value: string | undefined): Retention {
  if (value === undefined) return retention;
  const age = durationSetting('--older-than', value, {
    fallback: 0,
    min: 60_000,
    max: 3650 * 86_400_000,
  });
  const runs = Object.fromEntries(PRUNED_RUN_STATUSES.map((s) => [s, age])) as Retention['runs'];
  return { ...retention, runs };
}

function report(counts: PruneCounts, where: string, retention: Retention, dryRun: boolean): string {
  const kept = `(retention: ${formatRetention(retention)})`;
  const rows = LABELS.filter(([key]) => (counts[key] ?? 0) > 0);
  if (rows.length === 0)
    return `nothing ${dryRun ? 'would be pruned' : 'to prune'} in ${where} ${kept}\n`;
  const width = Math.max(...rows.map(([, label]) => label.length));
  const lines = rows.map(
    ([key, label]) => `  ${label.padEnd(width)}  ${(counts[key] ?? 0).toLocaleString('en-US')}`,
  );
  const head = dryRun ? `would prune from ${where}` : `pruned from ${where}`;
  const note = dryRun ? '(graphs: those already unused; the runs above may leave more)\n' : '';
  return `${head} ${kept}:\n${lines.join('\n')}\n${note}`;
}
