/**
 * What every semantic check receives: a way to report at a data path, and defensive readers.
 * Checks run even when the schema check failed (so all errors show at once), which is why they
 * read the document through these guards instead of trusting its types.
 */
import type { Diagnostic, Rule, Severity } from '../diagnostics.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import { makeDiagnostic, type Locator, type Path, type Span } from '../yaml-source.js';

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly locator: Locator,
    readonly handlers: HandlerRegistry,
  ) {}

  report(
    path: Path,
    rule: Rule,
    message: string,
    at: 'key' | 'value' = 'value',
    severity: Severity = 'error',
  ): void {
    this.reportAt(this.locator.span(path, at), rule, message, severity);
  }

  reportAt(span: Span, rule: Rule, message: string, severity: Severity = 'error'): void {
    this.diagnostics.push(makeDiagnostic(this.file, span, rule, message, severity));
  }
}

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function dict(value: unknown): Dict {
  return isDict(value) ? value : {};
}

/** `needs: build` and `needs: [build]` alike; non-strings dropped (the schema reports them). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The jobs mapping, in declaration order. */
export function jobsOf(pipeline: unknown): [string, Dict][] {
  return Object.entries(dict(dict(pipeline).jobs)).map(([id, job]) => [id, dict(job)]);
}

/** The keys a job's matrix defines (declared lists plus keys only `include` adds). */
export function matrixKeys(job: Dict): string[] {
  const matrix = dict(job.matrix);
  const keys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  for (const extra of Array.isArray(matrix.include) ? matrix.include : []) {
    for (const key of Object.keys(dict(extra))) if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}
