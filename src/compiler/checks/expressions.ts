/**
 * Every `${{ }}` in the file: parsed with GitHub's parser, allowed only where it is evaluated,
 * and checked against what exists there (contexts, `needs` targets, matrix keys, event fields).
 */
import { SECRET_NAME } from '../../common/secrets.js';
import { checkExpression, type ExpressionScope, type Reference } from '../../expressions/check.js';
import {
  EVENT_FIELDS,
  NEEDS_FIELDS,
  RUN_FIELDS,
  type ContextName,
} from '../../expressions/language.js';
import { hasExpression, parseTemplate } from '../../expressions/template.js';
import type { Path } from '../yaml-source.js';
import { inputsMapping } from '../inputs/declared.js';
import { didYouMean, FIELD_ALIASES } from '../suggest.js';
import { subject } from '../wording.js';
import {
  type CheckContext,
  type Dict,
  dict,
  isDict,
  jobsOf,
  matrixKeys,
  stringList,
} from './context.js';

export interface Site {
  scope: ExpressionScope;
  /** `if:` and `poll.until` may be written bare, without `${{ }}`, as in GitHub Actions. */
  bare: boolean;
  job?: string;
}

const JOB_CONTEXTS: ContextName[] = ['event', 'env', 'matrix', 'needs', 'run', 'inputs'];

/**
 * Which contexts an expression at this path may use; undefined where expressions are not
 * evaluated. `secrets` only where a value goes to a handler when an attempt starts (an input,
 * an env variable): never in what is evaluated and kept outside one (names, statuses, `if:`,
 * concurrency groups, `until`).
 */
export function siteOf(path: Path): Site | undefined {
  const [top, job, field, sub] = path;
  const plain = (contexts: ContextName[], statusFunctions = false): ExpressionScope => ({
    contexts,
    statusFunctions,
  });
  if (top === 'concurrency' && (path.length === 1 || job === 'group'))
    return { scope: plain(['event', 'env', 'run', 'inputs']), bare: false };
  if (top === 'env' && path.length === 2)
    return { scope: plain(['event', 'run', 'inputs', 'secrets']), bare: false };
  if (top !== 'jobs' || typeof job !== 'string') return undefined;
  if (field === 'if' && path.length === 3)
    return { scope: plain(JOB_CONTEXTS, true), bare: true, job };
  if (field === 'with' || (field === 'env' && path.length === 4))
    return { scope: plain([...JOB_CONTEXTS, 'secrets']), bare: false, job };
  // Decided when the graph is built, for each matrix combination (job-controls.ts).
  if (field === 'continue_on_error' && path.length === 3)
    return { scope: plain(['matrix']), bare: false, job };
  if ((field === 'report' || field === 'name') && path.length === 3)
    return { scope: plain(JOB_CONTEXTS), bare: false, job };
  if (field === 'poll' && sub === 'with')
    return { scope: plain([...JOB_CONTEXTS, 'output', 'secrets']), bare: false, job };
  if (field === 'poll' && sub === 'until' && path.length === 4)
    return { scope: plain([...JOB_CONTEXTS, 'output']), bare: true, job };
  return undefined;
}

/** A NUL character (written `\\0` or `\\u0000` in YAML) cannot be stored or passed to a program. */
export function checkNulCharacters(ctx: CheckContext, pipeline: unknown): void {
  walkStrings(pipeline, [], (value, path) => {
    if (value.includes('\u0000')) {
      ctx.report(
        path,
        'syntax',
        `${subject(path)} contains a NUL character (U+0000), which cannot be stored or passed on`,
      );
    }
  });
}

export function checkExpressions(ctx: CheckContext, pipeline: unknown): void {
  const jobs = new Map(jobsOf(pipeline));
  const envNames = Object.keys(dict(dict(pipeline).env));
  const inputNames = Object.keys(inputsMapping(dict(pipeline).on));
  walkStrings(pipeline, [], (value, path) => {
    const site = siteOf(path);
    const isBare = site?.bare && !hasExpression(value) && path[path.length - 1] !== 'name';
    if (!site) {
      if (hasExpression(value)) {
        ctx.report(
          path,
          'expression',
          `expressions are not evaluated in ${subject(path)}; write a literal value`,
        );
      }
      return;
    }
    const job = site.job ? jobs.get(site.job) : undefined;
    const check = (source: string, occurrence: number) =>
      checkOne(ctx, path, occurrence, source, site, job, { envNames, inputNames });
    if (isBare) {
      check(value, -1);
      return;
    }
    const parsed = parseTemplate(value);
    if (!parsed.ok) {
      ctx.reportAt(
        ctx.locator.expressionSpan(path, occurrenceAt(value, parsed.offset), 3),
        'expression',
        parsed.message,
      );
      return;
    }
    const expressions = parsed.parts.filter((p) => p.kind === 'expression');
    if (site.bare && parsed.parts.length > 1 && expressions.length > 0) {
      ctx.report(
        path,
        'expression',
        `"${path[path.length - 1]}" must be one expression; text around "\${{ }}" makes it a string that is always true`,
      );
    }
    expressions.forEach((part, i) => check(part.source, i));
  });
}

function checkOne(
  ctx: CheckContext,
  path: Path,
  occurrence: number,
  source: string,
  site: Site,
  job: Dict | undefined,
  names: { envNames: string[]; inputNames: string[] },
): void {
  const span =
    occurrence < 0
      ? ctx.locator.span(path)
      : ctx.locator.expressionSpan(path, occurrence, source.length + 6);
  const result = checkExpression(source, site.scope);
  if (!result.ok) {
    ctx.reportAt(span, 'expression', result.message);
    return;
  }
  for (const reference of result.references) {
    const problem = referenceProblem(reference, job, site.job, {
      envNames: [...names.envNames, ...Object.keys(dict(job?.env))],
      inputNames: names.inputNames,
    });
    if (problem) ctx.reportAt(span, 'expression', problem);
  }
}

/** Why a context property chain cannot resolve, or undefined when it can. */
function referenceProblem(
  ref: Reference,
  job: Dict | undefined,
  jobId: string | undefined,
  { envNames, inputNames }: { envNames: string[]; inputNames: string[] },
): string | undefined {
  const [context, first, second] = ref;
  const shown = ref.join('.');
  if (context === 'secrets') return secretProblem(ref);
  if (first === undefined) return undefined;
  switch (context) {
    case 'needs': {
      const needs = stringList(job?.needs);
      if (!needs.includes(first)) {
        return `"${shown}": job "${jobId}" does not list "${first}" in needs${didYouMean(first, needs)}`;
      }
      if (second !== undefined && !(NEEDS_FIELDS as readonly string[]).includes(second)) {
        return `"${shown}": a needed job has "output" and "result"${didYouMean(second, NEEDS_FIELDS)}`;
      }
      return undefined;
    }
    case 'matrix': {
      const keys = job ? matrixKeys(job) : [];
      if (keys.length === 0) return `"${shown}": job "${jobId}" has no matrix`;
      return keys.includes(first)
        ? undefined
        : `"${shown}": the matrix of job "${jobId}" has no key "${first}"${didYouMean(first, keys)}`;
    }
    case 'event': {
      const top = EVENT_FIELDS[''] ?? [];
      if (!top.includes(first)) {
        const alias = FIELD_ALIASES[first];
        const hint = alias ? `; did you mean "event.${alias}"?` : didYouMean(first, top);
        return `"${shown}": events have no field "${first}"${hint}`;
      }
      const nested = EVENT_FIELDS[first];
      if (nested && second !== undefined && !nested.includes(second)) {
        return `"${shown}": event.${first} has no field "${second}"${didYouMean(second, nested)}`;
      }
      return undefined;
    }
    case 'run':
      return (RUN_FIELDS as readonly string[]).includes(first)
        ? undefined
        : `"${shown}": run has no field "${first}"${didYouMean(first, RUN_FIELDS)}`;
    case 'inputs':
      if (!inputNames.includes(first))
        return inputNames.length === 0
          ? `"${shown}": the pipeline declares no inputs; declare them under on.manual.inputs`
          : `"${shown}": no input "${first}" is declared under on.manual.inputs${didYouMean(first, inputNames)}`;
      return second === undefined
        ? undefined
        : `"${shown}": an input is a string, a number or a boolean; it has no "${second}"`;
    case 'env':
      return envNames.includes(first)
        ? undefined
        : `"${shown}": no variable "${first}" in env${didYouMean(first, envNames)}`;
    default:
      return undefined;
  }
}

/** `secrets.NAME`, read by a literal name, is a string: nothing else of the context is read. */
function secretProblem([, name, more]: Reference): string | undefined {
  if (name === undefined)
    return 'read each secret by its name, as secrets.NAME: the whole "secrets" context, or a name computed from data, could hand out any secret';
  if (!SECRET_NAME.test(name))
    return `"${name}" is not a secret's name: letters, digits and "_", not starting with a digit`;
  if (more !== undefined) return `"secrets.${name}" is a string; it has no "${more}"`;
  return undefined;
}

function occurrenceAt(value: string, offset: number): number {
  let count = 0;
  for (let i = value.indexOf('${{'); i !== -1 && i < offset; i = value.indexOf('${{', i + 1))
    count++;
  return count;
}

/** Calls `visit` for every string value (not keys) with its path; iterative, so depth is no risk. */
export function walkStrings(
  value: unknown,
  base: Path,
  visit: (value: string, path: Path) => void,
): void {
  const stack: [unknown, Path][] = [[value, base]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') visit(current, path);
    else if (Array.isArray(current)) current.forEach((item, i) => stack.push([item, [...path, i]]));
    else if (isDict(current))
      for (const [key, item] of Object.entries(current)) stack.push([item, [...path, key]]);
  }
}
