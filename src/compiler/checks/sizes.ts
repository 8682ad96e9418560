/**
 * The size of the graph a pipeline would make, counted before any other check walks the file
 * (the schema check alone took seconds on 5,000 jobs) and before the graph builder makes it:
 * jobs, nodes once matrices are expanded, dependencies as graph.ts stores them, and the graph's
 * JSON. Crossing a limit refuses the file with that one diagnostic, at the job that crossed it:
 * what lies past a limit is not looked at. Reads the document defensively (the schema has not
 * run yet); what it cannot read counts as the schema will find it, one node per job.
 */
import { COMPILE_LIMITS, count } from '../limits.js';
import { expandMatrix } from '../matrix.js';
import { type CheckContext, dict, isDict, jobsOf, stringList } from './context.js';

/** Every node holds a retry policy, timeouts and ids besides what its job writes (measured: ~400). */
const NODE_OVERHEAD_CHARS = 600;

/** Reports the first limit the pipeline crosses; true when it crossed one. */
export function refuseOversized(ctx: CheckContext, pipeline: unknown): boolean {
  const { maxJobs, maxNodes, maxEdges, maxGraphChars } = COMPILE_LIMITS;
  const jobs = jobsOf(pipeline);
  if (jobs.length > maxJobs) {
    ctx.report(
      ['jobs'],
      'limits',
      `${count(jobs.length)} jobs; a pipeline may have at most ${count(maxJobs)}`,
      'key',
    );
    return true;
  }
  const ids = new Set(jobs.map(([id]) => id));
  // Every node carries the pipeline's env.
  const envChars = jsonLength(dict(pipeline).env);
  let nodes = 0;
  let edges = 0;
  let chars = 0;
  for (const [id, job] of jobs) {
    const combinations = isDict(job.matrix) ? expandMatrix(job.matrix).combinations : null;
    const instances = combinations ? combinations.length : 1;
    nodes += instances;
    if (nodes > maxNodes) {
      ctx.report(
        job.matrix === undefined ? ['jobs', id] : ['jobs', id, 'matrix'],
        'limits',
        `with job "${id}" the graph has ${count(nodes)} nodes once matrices are expanded; a graph may have at most ${count(maxNodes)}`,
        'key',
      );
      return true;
    }
    // One entry per needed job and node: a whole matrix job needed counts once (graph.ts).
    const needed = new Set(stringList(job.needs).filter((n) => n !== id && ids.has(n)));
    edges += instances * needed.size;
    if (edges > maxEdges) {
      ctx.report(
        ['jobs', id, 'needs'],
        'limits',
        `with job "${id}" the graph has ${count(edges)} dependencies (one per node and job it needs); a graph may have at most ${count(maxEdges)}`,
        'key',
      );
      return true;
    }
    // Each node holds its job's settings but only its own combination (in its id and name too).
    const settings = jsonLength({ ...job, matrix: undefined });
    chars += instances * (NODE_OVERHEAD_CHARS + envChars + settings);
    for (const combination of combinations ?? []) chars += 3 * jsonLength(combination);
    if (chars > maxGraphChars) {
      ctx.report(
        ['jobs', id],
        'limits',
        `with job "${id}" the graph takes about ${mib(chars)} (each node holds its job's settings); a graph may take at most ${mib(maxGraphChars)}`,
        'key',
      );
      return true;
    }
  }
  return false;
}

function jsonLength(value: unknown): number {
  return value === undefined ? 0 : JSON.stringify(value).length;
}

function mib(chars: number): string {
  return `${(chars / 1024 / 1024).toFixed(1)} MiB`;
}
