/** Durations that parse but make no sense: zero waits, a year-long timeout, backoff that shrinks. */
import { DEFAULT_ATTEMPT_TIMEOUT_MS } from '../defaults.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../contracts/duration.js';
import { heartbeatEvery, MIN_HEARTBEAT_TIMEOUT_MS } from '../../contracts/heartbeat.js';
import { subject } from '../wording.js';
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
    if (ms > MAX_DURATION_MS) {
      ctx.report(
        path,
        'duration',
        `${subject(path)}: "${value}" is longer than a year; the longest accepted is 365d`,
      );
    }
    if (ms === 0 && path[path.length - 1] !== 'initial_interval') {
      ctx.report(path, 'duration', `${subject(path)}: "${value}" is zero; use a positive duration`);
    } else if (path[path.length - 1] === 'heartbeat_timeout' && ms < MIN_HEARTBEAT_TIMEOUT_MS) {
      ctx.report(
        path,
        'duration',
        `${subject(path)}: "${value}" is shorter than ${formatDuration(MIN_HEARTBEAT_TIMEOUT_MS)}: heartbeats are writes through the database, sent every ${formatDuration(heartbeatEvery(ms))} at the most often, so a slow database or a busy worker would time out a healthy step; use ${formatDuration(MIN_HEARTBEAT_TIMEOUT_MS)} or more`,
        'value',
        'warning',
      );
    }
  });
  const defaults = dict(dict(pipeline).defaults);
  const retries: [Path, unknown][] = [[['defaults', 'retry'], defaults.retry]];
  for (const [id, job] of jobsOf(pipeline)) {
    retries.push(
      [['jobs', id, 'retry'], job.retry],
      [['jobs', id, 'poll', 'retry'], dict(job.poll).retry],
    );
    checkDeadline(ctx, id, job, defaults);
    const poll = dict(job.poll);
    const every = durationOf(poll.every);
    const cap = durationOf(poll.maximum_interval);
    if (every !== undefined && cap !== undefined && cap < every) {
      ctx.report(
        ['jobs', id, 'poll', 'maximum_interval'],
        'duration',
        `${subject(['jobs', id, 'poll', 'maximum_interval'])} (${String(poll.maximum_interval)}) is shorter than "every" (${String(poll.every)})`,
      );
    }
  }
  for (const [path, retry] of retries) {
    const { initial_interval: initial, maximum_interval: maximum } = dict(retry);
    const from = durationOf(initial);
    const to = durationOf(maximum);
    if (from !== undefined && to !== undefined && to < from) {
      const at = [...path, 'maximum_interval'];
      ctx.report(
        at,
        'duration',
        `${subject(at)} (${String(maximum)}) is shorter than initial_interval (${String(initial)})`,
      );
    }
  }
}

/** A deadline covers all attempts, so it cannot be shorter than one, inherited timeouts included. */
function checkDeadline(
  ctx: CheckContext,
  id: string,
  job: Record<string, unknown>,
  defaults: Record<string, unknown>,
): void {
  const deadline = durationOf(job.deadline ?? defaults.deadline);
  if (deadline === undefined || job.uses === undefined) return;
  const timeout = durationOf(job.timeout ?? defaults.timeout) ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  if (deadline >= timeout) return;
  const at = job.deadline !== undefined ? ['jobs', id, 'deadline'] : ['jobs', id];
  const source =
    job.timeout !== undefined
      ? 'its timeout'
      : defaults.timeout !== undefined
        ? 'defaults.timeout'
        : 'the default timeout';
  ctx.report(
    at,
    'duration',
    `the deadline of job "${id}" (${formatDuration(deadline)}) is shorter than one attempt (${source}, ${formatDuration(timeout)})`,
    job.deadline !== undefined ? 'value' : 'key',
  );
}

function durationOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}
