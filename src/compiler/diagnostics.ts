/**
 * Diagnostics in actionlint's shape: `file:line:col: message [rule]`, a source line and a caret.
 * Every check reports into one list; the list is sorted so the output is stable whatever order
 * the checks ran in.
 */
import { COMPILE_LIMITS, count } from './limits.js';

export type Severity = 'error' | 'warning';

/** What kind of check produced a diagnostic; the `[rule]` at the end of each line. */
export type Rule =
  | 'syntax'
  | 'limits'
  | 'schema'
  | 'version'
  | 'needs'
  | 'cycle'
  | 'matrix'
  | 'job-kind'
  | 'handler'
  | 'input'
  | 'duration'
  | 'expression'
  | 'script-injection'
  | 'trigger'
  | 'schedule'
  | 'inputs'
  | 'glob'
  | 'packit'
  | 'target';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** How many characters the caret underlines (at least 1). */
  length: number;
  message: string;
  rule: Rule;
  severity: Severity;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

/** Sorts and drops exact repeats (the same message at the same place). */
export function finalizeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of [...list].sort(compareDiagnostics)) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.rule}\0${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/**
 * The first maxDiagnostics of a finalized list, then one diagnostic (where the first left out
 * was) that counts the rest: a file of 40,000 unknown keys gets an answer of bounded size.
 * Called once, by the entry points, on the final list.
 */
export function capDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const max = COMPILE_LIMITS.maxDiagnostics;
  if (list.length <= max) return [...list];
  const rest = list.slice(max);
  const first = rest[0]!;
  return [
    ...list.slice(0, max),
    {
      ...first,
      rule: 'limits',
      severity: hasErrors(rest) ? 'error' : 'warning',
      message: `${count(rest.length)} more problems from here on are not shown; a file is reported up to ${count(max)} at a time`,
    },
  ];
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

const MAX_SNIPPET_WIDTH = 120;

/** One diagnostic as text: the header line, then the source line with a caret under the spot. */
export function formatDiagnostic(d: Diagnostic, sourceLines: readonly string[]): string {
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const header = `${d.file}:${d.line}:${d.column}: ${severity}${d.message} [${d.rule}]`;
  const source = sourceLines[d.line - 1];
  if (source === undefined) return header;
  const { text, caretColumn } = clip(source.replace(/\t/g, ' '), d.column);
  const gutter = String(d.line);
  const pad = ' '.repeat(gutter.length);
  const underline =
    '^' + '~'.repeat(Math.max(0, Math.min(d.length, text.length - caretColumn + 1) - 1));
  return [
    header,
    `${pad} |`,
    `${gutter} | ${text}`,
    `${pad} | ${' '.repeat(caretColumn - 1)}${underline}`,
  ].join('\n');
}

/** Very long lines (a minified JSON config) are cut around the reported column. */
function clip(line: string, column: number): { text: string; caretColumn: number } {
  if (line.length <= MAX_SNIPPET_WIDTH) return { text: line, caretColumn: column };
  const start = Math.max(0, column - 1 - MAX_SNIPPET_WIDTH / 2);
  const text = (start > 0 ? '…' : '') + line.slice(start, start + MAX_SNIPPET_WIDTH) + '…';
  return { text, caretColumn: column - start + (start > 0 ? 1 : 0) };
}

export function formatDiagnostics(list: readonly Diagnostic[], source: string): string {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  return list.map((d) => formatDiagnostic(d, lines)).join('\n\n');
}

/** The JSON form DESIGN.md §3 names: `{file,line,column,message,rule}`, plus severity and length. */
export function diagnosticsToJson(list: readonly Diagnostic[]): object[] {
  return list.map(({ file, line, column, length, message, rule, severity }) => ({
    file,
    line,
    column,
    length,
    message,
    rule,
    severity,
  }));
}
