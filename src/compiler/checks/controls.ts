/**
 * The matrix controls (job-controls.ts): `fail_fast` and `max_parallel` only on a job with a
 * matrix, and `continue_on_error` as a boolean or one expression, evaluated here for every
 * combination so the graph builder never meets one that cannot be.
 */
import { checkExpression } from '../../expressions/check.js';
import { EvaluationError } from '../../expressions/evaluate.js';
import { singleExpression } from '../../expressions/template.js';
import { continuesOnError } from '../job-controls.js';
import { expandMatrix } from '../matrix.js';
import { type CheckContext, isDict, jobsOf } from './context.js';

export function checkControls(ctx: CheckContext, pipeline: unknown): void {
  for (const [id, job] of jobsOf(pipeline)) {
    for (const key of ['fail_fast', 'max_parallel'] as const) {
      if (job[key] !== undefined && job.matrix === undefined)
        ctx.report(
          ['jobs', id, key],
          'matrix',
          `"${key}" applies only to a job with a "matrix"; job "${id}" has none`,
          'key',
        );
    }
    const value = job.continue_on_error;
    if (typeof value !== 'string') continue;
    const source = singleExpression(value);
    if (source === undefined) {
      ctx.report(
        ['jobs', id, 'continue_on_error'],
        'expression',
        `"continue_on_error" is true, false or one expression such as "\${{ matrix.experimental }}"`,
      );
      continue;
    }
    // What does not parse or names what is not there is reported by checks/expressions.ts.
    if (!checkExpression(source, { contexts: ['matrix'], statusFunctions: false }).ok) continue;
    const matrix = isDict(job.matrix) ? expandMatrix(job.matrix) : undefined;
    for (const combination of matrix ? matrix.combinations : [null]) {
      const problem = evaluationProblem(value, combination);
      if (problem === undefined) continue;
      ctx.report(['jobs', id, 'continue_on_error'], 'expression', problem);
      break;
    }
  }
}

function evaluationProblem(
  value: string,
  combination: Parameters<typeof continuesOnError>[1],
): string | undefined {
  try {
    continuesOnError(value, combination);
    return undefined;
  } catch (error) {
    if (error instanceof EvaluationError) return error.message;
    throw error;
  }
}
