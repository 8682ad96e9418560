/** Matrix rules: no duplicate values, `exclude` names real keys, and a bounded number of nodes. */
import { combinationLabel, expandMatrix } from '../matrix.js';
import { didYouMean } from '../suggest.js';
import { type CheckContext, dict, isDict, jobsOf } from './context.js';

export function checkMatrices(ctx: CheckContext, pipeline: unknown): void {
  for (const [id, job] of jobsOf(pipeline)) {
    if (!isDict(job.matrix)) continue;
    const matrix = job.matrix;
    const keys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
    let repeatedValue = false;
    for (const key of keys) {
      const values = matrix[key];
      if (!Array.isArray(values)) continue;
      const seen = new Set<string>();
      values.forEach((value, i) => {
        const text = JSON.stringify(value);
        if (seen.has(text)) repeatedValue = true;
        if (seen.has(text))
          ctx.report(
            ['jobs', id, 'matrix', key, i],
            'matrix',
            `matrix key "${key}" of job "${id}" lists ${text} twice`,
          );
        seen.add(text);
      });
    }
    const exclude = Array.isArray(matrix.exclude) ? matrix.exclude : [];
    exclude.forEach((entry, i) => {
      for (const key of Object.keys(dict(entry))) {
        if (!keys.includes(key)) {
          ctx.report(
            ['jobs', id, 'matrix', 'exclude', i, key],
            'matrix',
            `exclude names "${key}", which is not a matrix key of job "${id}"${didYouMean(key, keys)}`,
            'key',
          );
        }
      }
    });
    if (keys.length === 0 && !(Array.isArray(matrix.include) && matrix.include.length > 0)) {
      ctx.report(['jobs', id, 'matrix'], 'matrix', `the matrix of job "${id}" has no keys`, 'key');
      continue;
    }
    const expanded = expandMatrix(matrix);
    if (expanded.refused !== undefined) {
      ctx.report(
        ['jobs', id, 'matrix'],
        'limits',
        `the matrix of job "${id}" ${expanded.refused}`,
        'key',
      );
    } else if (expanded.combinations.length === 0) {
      ctx.report(
        ['jobs', id, 'matrix'],
        'matrix',
        `the matrix of job "${id}" is empty once "exclude" is applied`,
        'key',
      );
    } else {
      const labels = new Set<string>();
      let repeated: string | undefined;
      for (const label of expanded.combinations.map(combinationLabel)) {
        if (labels.has(label)) repeated ??= label;
        labels.add(label);
      }
      // A repeated value already explains a repeated node.
      if (repeated !== undefined && !repeatedValue) {
        ctx.report(
          ['jobs', id, 'matrix'],
          'matrix',
          `the matrix of job "${id}" makes the node "${id}[${repeated}]" twice`,
          'key',
        );
      }
    }
  }
}
