/** Job-level rules: one kind per job, `needs` that exist, no cycles, triggers the pipeline has. */
import { cyclePath, stronglyConnected } from '../../common/cycles.js';
import { COMPILE_LIMITS } from '../limits.js';
import { didYouMean } from '../suggest.js';
import { TRIGGER_NAMES } from '../../contracts/triggers.js';
import { type CheckContext, type Dict, dict, jobsOf, stringList } from './context.js';

const KINDS = ['uses', 'sleep', 'wait_for'] as const;

/** How many "not a job" diagnostics get a "did you mean" (each compares with every job id). */
const SUGGESTED_NEEDS = COMPILE_LIMITS.maxDiagnostics;

/** Runs once sizes.ts has bounded the jobs. */
export function checkJobs(ctx: CheckContext, pipeline: unknown): void {
  const jobs = jobsOf(pipeline);
  const ids = new Set(jobs.map(([id]) => id));
  const suggestions = { left: SUGGESTED_NEEDS };
  const triggers = declaredTriggers(dict(pipeline).on);
  for (const [id, job] of jobs) {
    checkKind(ctx, id, job);
    checkNeeds(ctx, id, job, ids, suggestions);
    for (const [i, trigger] of stringList(job.on).entries()) {
      if (
        triggers &&
        (TRIGGER_NAMES as readonly string[]).includes(trigger) &&
        !triggers.includes(trigger)
      ) {
        ctx.report(
          ['jobs', id, 'on', i],
          'trigger',
          `job "${id}" runs on "${trigger}", but the pipeline's "on" has no ${trigger} trigger`,
        );
      }
    }
  }
  checkCycles(ctx, jobs);
}

function checkKind(ctx: CheckContext, id: string, job: Dict): void {
  const present = KINDS.filter((k) => job[k] !== undefined);
  if (present.length === 0) {
    ctx.report(
      ['jobs', id],
      'job-kind',
      `job "${id}" needs exactly one of "uses" (a handler), "sleep" (a timer) or "wait_for" (a signal)`,
      'key',
    );
  } else if (present.length > 1) {
    ctx.report(
      ['jobs', id, present[1]!],
      'job-kind',
      `job "${id}" has both "${present[0]}" and "${present[1]}"; a job is exactly one of uses, sleep or wait_for`,
      'key',
    );
  }
  if (job.uses === undefined && present.length > 0) {
    // A timer or a signal wait is not an attempt: nothing to retry, no attempt timeouts.
    const onlyForUses = [
      'with',
      'poll',
      'retry',
      'timeout',
      'queue_timeout',
      'heartbeat_timeout',
    ] as const;
    for (const key of onlyForUses) {
      if (job[key] !== undefined)
        ctx.report(
          ['jobs', id, key],
          'job-kind',
          `"${key}" applies only to a job with "uses"`,
          'key',
        );
    }
  }
}

function checkNeeds(
  ctx: CheckContext,
  id: string,
  job: Dict,
  ids: ReadonlySet<string>,
  suggestions: { left: number },
): void {
  const needs = job.needs;
  const list = stringList(needs);
  const seen = new Set<string>();
  list.forEach((need, i) => {
    const path = typeof needs === 'string' ? ['jobs', id, 'needs'] : ['jobs', id, 'needs', i];
    if (seen.has(need))
      ctx.report(path, 'needs', `"${need}" is listed twice in the needs of job "${id}"`);
    seen.add(need);
    if (need === id) ctx.report(path, 'cycle', `job "${id}" needs itself`);
    else if (!ids.has(need)) {
      // Past the diagnostics a file shows, a suggestion (a comparison with every id) is waste.
      const hint =
        suggestions.left-- > 0
          ? didYouMean(
              need,
              [...ids].filter((x) => x !== id),
            )
          : '';
      ctx.report(path, 'needs', `job "${id}" needs "${need}", which is not a job${hint}`);
    }
  });
}

/** Finds each cycle once (Tarjan's strongly connected components, iteratively: 500-job cycles are fine). */
function checkCycles(ctx: CheckContext, jobs: readonly [string, Dict][]): void {
  const ids = new Set(jobs.map(([id]) => id));
  const edges = new Map(
    jobs.map(([id, job]) => [id, stringList(job.needs).filter((n) => n !== id && ids.has(n))]),
  );
  for (const component of stronglyConnected([...edges.keys()], edges)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const start = jobs.find(([id]) => members.has(id))![0];
    const path = cyclePath(start, edges, members);
    const next = path[1]!;
    const index = stringList(jobs.find(([id]) => id === start)![1].needs).indexOf(next);
    const needs = jobs.find(([id]) => id === start)![1].needs;
    const at =
      typeof needs === 'string' ? ['jobs', start, 'needs'] : ['jobs', start, 'needs', index];
    ctx.report(at, 'cycle', `jobs need each other in a cycle: ${path.join(' → ')}`);
  }
}

/** The triggers the pipeline declares, or undefined when `on` is malformed (the schema reports it). */
/**
 * The known triggers the pipeline's `on:` names, each once (unknown names are the schema's to
 * report). At most five, however long a hostile `on:` list is: callers search it per job.
 */
export function declaredTriggers(on: unknown): string[] | undefined {
  let named: unknown[];
  if (typeof on === 'string') named = [on];
  else if (Array.isArray(on)) named = on;
  else if (on !== null && typeof on === 'object') named = Object.keys(on);
  else return undefined;
  const known = new Set<unknown>(named);
  return TRIGGER_NAMES.filter((name) => known.has(name));
}
