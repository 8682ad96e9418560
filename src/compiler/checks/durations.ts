/** Durations that parse but make no sense: zero polls, a year-long timeout, backoff that shrinks. */
import { MAX_DURATION_MS, parseDuration } from '../duration.js';
import type { Path } from '../yaml-source.js';
import { type CheckContext, dict, jobsOf } from './context.js';
import { walkStrings } from './expressions.js';

const DURATION_KEYS = new Set([
  'timeout',
  'queue_timeout',
  'deadline',
  'heartbeat_timeout',
  'sleep',
  'every',
  'initial_interval',
  'maximum_interval',
]);
/** Keys that take a duration only in these places (elsewhere `timeout` may be a handler input). */
function isDurationPath(path: Path): boolean {
  const key = path[path.length - 1];
  if (typeof key !== 'string' || !DURATION_KEYS.has(key)) return false;
  return !path.includes('with') && !path.includes('env') && !path.includes('matrix');
}

export function checkDurations(ctx: CheckContext, pipeline: unknown): void {
  walkStrings(pipeline, [], (value, path) => {
    if (!isDurationPath(path)) return;
    const ms = parseDuration(value);
    if (ms === undefined) return; // the schema's pattern reports it
    if (ms > MAX_DURATION_MS)
      ctx.report(
        path,
        'duration',
        `"${value}" is longer than a year; the longest duration accepted is 365d`,
      );
    if (ms === 0 && path[path.length - 1] !== 'initial_interval')
      ctx.report(path, 'duration', `"${value}" is zero; use a positive duration`);
  });
  const retries: [Path, unknown][] = [[['defaults', 'retry'], dict(dict(pipeline).defaults).retry]];
  for (const [id, job] of jobsOf(pipeline)) {
    retries.push(
      [['jobs', id, 'retry'], job.retry],
      [['jobs', id, 'poll', 'retry'], dict(job.poll).retry],
    );
    const timeout = durationOf(job.timeout);
    const deadline = durationOf(job.deadline);
    if (timeout !== undefined && deadline !== undefined && deadline < timeout) {
      ctx.report(
        ['jobs', id, 'deadline'],
        'duration',
        `the deadline (${String(job.deadline)}) of job "${id}" is shorter than one attempt's timeout (${String(job.timeout)})`,
      );
    }
  }
  for (const [path, retry] of retries) {
    const { initial_interval: initial, maximum_interval: maximum } = dict(retry);
    const from = durationOf(initial);
    const to = durationOf(maximum);
    if (from !== undefined && to !== undefined && to < from) {
      ctx.report(
        [...path, 'maximum_interval'],
        'duration',
        `maximum_interval (${String(maximum)}) is shorter than initial_interval (${String(initial)})`,
      );
    }
  }
}

function durationOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}
