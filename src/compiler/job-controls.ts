/**
 * A job's matrix controls as the node fields of graph.ts: `fail_fast` (default true, as GitHub
 * Actions' strategy.fail-fast), `max_parallel` and `continue_on_error`. Each is written only
 * where it can change what runs (two instances or more; fewer instances than max_parallel), so
 * a graph without them is the same bytes as before they existed.
 */
import type { Combination, GraphNode } from '../contracts/graph.js';
import { evaluateCondition } from '../expressions/evaluate.js';
import type { JobConfig } from './schema/job.js';

export type NodeControls = Pick<GraphNode, 'fail_fast' | 'max_parallel' | 'continue_on_error'>;

/** The controls of one node of `job`, which has `instances` nodes in all. */
export function nodeControls(
  job: JobConfig,
  instances: number,
  matrix: Combination | null,
): NodeControls {
  const controls: NodeControls = {};
  if (job.matrix !== undefined && instances > 1 && job.fail_fast !== false)
    controls.fail_fast = true;
  if (job.matrix !== undefined && job.max_parallel !== undefined && job.max_parallel < instances)
    controls.max_parallel = job.max_parallel;
  if (continuesOnError(job.continue_on_error, matrix)) controls.continue_on_error = true;
  return controls;
}

/**
 * `true`, `false`, or one `${{ }}` expression over `matrix`, truthy as GitHub reads it. Throws
 * EvaluationError when it cannot be evaluated (checks/controls.ts reports that beforehand).
 */
export function continuesOnError(
  value: boolean | string | undefined,
  matrix: Combination | null,
): boolean {
  if (typeof value !== 'string') return value === true;
  // A condition's truthiness; status functions are refused in this field by the checks.
  return evaluateCondition(value, { matrix }, ALWAYS);
}

const ALWAYS = {
  success: () => true,
  failure: () => false,
  always: () => true,
  cancelled: () => false,
};
