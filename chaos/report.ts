/** The chaos session's summary: one table, then the first few of each kind of violation. */
import { percentile, table } from '../bench/stats.js';
import type { ChaosResult } from './chaos.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** p50 and max of ascending samples, in seconds. */
export function recoveryFigures(sorted: readonly number[]): { p50: string; max: string } {
  if (sorted.length === 0) return { p50: '–', max: '–' };
  return { p50: seconds(percentile(sorted, 50)), max: seconds(sorted.at(-1)!) };
}

export function formatChaos(result: ChaosResult): string {
  const { verdict: v, options: o } = result;
  const recovery = recoveryFigures(v.recoveriesMs);
  const noticed = recoveryFigures(v.noticedMs);
  const queue = recoveryFigures(v.queueWaitsMs);
  const requeued = recoveryFigures(v.recoveryQueueMs);
  const rows: [string, string][] = [
    ['runs', String(v.runs)],
    [
      'final statuses',
      Object.entries(v.statuses)
        .map(([s, n]) => `${s} ${n}`)
        .join(', '),
    ],
    ['worker SIGKILLs', `${result.kills} (${result.workersStarted} worker processes in all)`],
    ['PostgreSQL restarts', String(result.restarts)],
    ['activity executions', String(v.executions)],
    ['lost runs', String(v.lost.length)],
    ['stuck runs', String(v.stuck.length)],
    ['completed steps executed again', String(v.reexecuted.length)],
    ['duplicate history events', String(v.duplicateEvents.length)],
    ['histories not folding to state', String(v.unfolded.length)],
    ['runs failed unexpectedly', String(v.unexpectedFailures.length)],
    ['attempts of killed workers never run again', String(v.unrecovered.length)],
    ['runs failed WorkerCrashed (allowed)', String(v.poisoned)],
    ['work done, then redone (died before commit)', String(v.redoneAfterWork)],
    ['attempts lost by workers never killed', String(v.lostByLiveWorkers)],
    ['recovered attempts', String(v.recoveriesMs.length)],
    [
      'recovery p50 / max (SIGKILL to the attempt started again)',
      `${recovery.p50} / ${recovery.max}`,
    ],
    ['  of which noticed p50 / max (the lost attempt ended)', `${noticed.p50} / ${noticed.max}`],
    ['  of which queued p50 / max (the retry due to started)', `${requeued.p50} / ${requeued.max}`],
    ['queue wait p50 / max (every attempt, due to started)', `${queue.p50} / ${queue.max}`],
    ['dead-after', o.deadAfter],
    ['drain after the chaos', seconds(result.drainMs)],
    ['wall time', seconds(result.wallMs)],
    ['load average (1 min) as the chaos ended', result.load.toFixed(1)],
    ['VIOLATIONS', String(v.violations)],
  ];
  const lists: [string, readonly string[]][] = [
    ['lost', v.lost],
    ['stuck', v.stuck],
    ['executed again', v.reexecuted],
    ['duplicate events', v.duplicateEvents],
    ['not folding', v.unfolded],
    ['failed unexpectedly', v.unexpectedFailures],
    ['never run again', v.unrecovered],
  ];
  const details = lists
    .filter(([, list]) => list.length > 0)
    .map(
      ([name, list]) =>
        `${name}:\n${list
          .slice(0, 10)
          .map((l) => `  ${l}`)
          .join('\n')}`,
    );
  const kept = result.dir ? [`ledgers and worker logs kept in ${result.dir}`] : [];
  return [table(['chaos', 'seed ' + o.seed], rows), ...details, ...kept].join('\n');
}
