/**
 * Trigger rules the schema cannot express: globs that do not parse, and jobs that can never run
 * because their own `on:` and the `on:` of a job they need have no trigger in common.
 */
import { TRIGGER_NAMES } from '../../contracts/triggers.js';
import { type CheckContext, dict, isDict, jobsOf, stringList } from './context.js';
import { declaredTriggers } from './jobs.js';

const GLOB_FILTERS = [
  'branches',
  'branches_ignore',
  'tags',
  'tags_ignore',
  'paths',
  'paths_ignore',
];

export function checkTriggers(ctx: CheckContext, pipeline: unknown): void {
  const on = dict(pipeline).on;
  checkCommentByName(ctx, on);
  if (isDict(on)) {
    for (const [trigger, filter] of Object.entries(on)) {
      for (const key of GLOB_FILTERS) {
        const patterns = dict(filter)[key];
        if (!Array.isArray(patterns)) continue;
        patterns.forEach((pattern, i) => {
          const problem = typeof pattern === 'string' ? globProblem(pattern) : undefined;
          if (problem)
            ctx.report(
              ['on', trigger, key, i],
              'glob',
              `"${String(pattern)}" is not a valid glob: ${problem}`,
            );
        });
      }
    }
  }
  checkReachable(ctx, pipeline, declaredTriggers(on) ?? [...TRIGGER_NAMES]);
}

/**
 * `on: comment` or `on: [comment]` names the trigger without the commands it waits for, which
 * only the mapping form can give (found by the fuzzer: it reached the matcher without them).
 */
function checkCommentByName(ctx: CheckContext, on: unknown): void {
  const message =
    'the comment trigger needs the commands it answers: on: { comment: { commands: ["/ci"] } }';
  if (on === 'comment') ctx.report(['on'], 'trigger', message);
  else if (Array.isArray(on))
    on.forEach((name, i) => {
      if (name === 'comment') ctx.report(['on', i], 'trigger', message);
    });
}

/** Unbalanced brackets or braces make picomatch treat a pattern as something nobody meant. */
export function globProblem(pattern: string): string | undefined {
  if (pattern === '' || pattern === '!') return 'it is empty';
  let square = 0;
  let curly = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') square++;
    else if (c === ']') square = Math.max(0, square - 1);
    else if (c === '{') curly++;
    else if (c === '}') curly = Math.max(0, curly - 1);
  }
  if (square > 0) return 'a "[" is never closed';
  if (curly > 0) return 'a "{" is never closed';
  return undefined;
}

/** A job runs on the triggers of its own `on:` that every job it needs also runs on. */
function checkReachable(ctx: CheckContext, pipeline: unknown, pipelineTriggers: string[]): void {
  const jobs = new Map(jobsOf(pipeline));
  const memo = new Map<string, string[]>();
  const visiting = new Set<string>();
  const ownTriggers = (id: string): string[] => {
    const job = jobs.get(id) ?? {};
    let own = (job.on === undefined ? pipelineTriggers : stringList(job.on)).filter((t) =>
      pipelineTriggers.includes(t),
    );
    for (const need of stringList(job.needs)) {
      if (!jobs.has(need) || need === id) continue;
      // A job still being worked out needs this one: a cycle, reported elsewhere.
      const theirs = memo.get(need) ?? pipelineTriggers;
      own = own.filter((t) => theirs.includes(t));
    }
    return own;
  };
  // Depth first along needs with a stack of our own: a chain of 1,000 jobs is 1,000 deep.
  const triggersOf = (start: string): string[] => {
    const known = memo.get(start);
    if (known) return known;
    const stack = [{ id: start, needs: stringList(jobs.get(start)?.needs), next: 0 }];
    visiting.add(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.needs.length) {
        const need = frame.needs[frame.next++]!;
        if (!jobs.has(need) || memo.has(need) || visiting.has(need)) continue;
        visiting.add(need);
        stack.push({ id: need, needs: stringList(jobs.get(need)?.needs), next: 0 });
        continue;
      }
      stack.pop();
      memo.set(frame.id, ownTriggers(frame.id));
      visiting.delete(frame.id);
    }
    return memo.get(start)!;
  };
  for (const [id, job] of jobs) {
    if (triggersOf(id).length > 0 || (job.on === undefined && stringList(job.needs).length === 0))
      continue;
    // Triggers the pipeline lacks are reported by the job checks; here only the needs matter.
    const ownOn = (job.on === undefined ? pipelineTriggers : stringList(job.on)).filter((t) =>
      pipelineTriggers.includes(t),
    );
    if (ownOn.length === 0) continue;
    const blocker = stringList(job.needs).find(
      (n) => jobs.has(n) && !ownOn.some((t) => triggersOf(n).includes(t)),
    );
    if (blocker === undefined) continue;
    ctx.report(
      ['jobs', id],
      'trigger',
      `job "${id}" can never run: it runs on ${ownOn.join(', ')}, but the job it needs, "${blocker}", runs only on ${triggersOf(blocker).join(', ') || 'no trigger'}`,
      'key',
    );
  }
}
