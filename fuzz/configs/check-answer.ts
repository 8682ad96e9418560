/**
 * What every answer of the compiler must satisfy, whatever the text: no caught exception in
 * disguise ("internal compiler error"), every diagnostic at a line:col that exists in the text
 * (or just past its end), an 'invalid' answer with at least one error and a graph answer
 * without any, and node ids that are unique. (How edges are stored is the compiler's business:
 * its own property tests check them.) Also used on the diagnostics the API answers with.
 */
import type { CompileResult } from '../../src/compiler/index.js';
import { kindOf, type Verdict } from '../outcomes.js';

interface DiagnosticLike {
  line?: unknown;
  column?: unknown;
  message?: unknown;
  severity?: unknown;
}

/** Lines as the YAML library counts them (\n) and as an editor does (\r\n, \r, \n). */
class Lines {
  private readonly byNewline: string[];
  private readonly byAnyBreak: string[];

  constructor(text: string) {
    this.byNewline = text.split('\n');
    this.byAnyBreak = text.split(/\r\n|\r|\n/);
  }

  /** The last line a diagnostic may name: one past the end (an unexpected end of file). */
  get maxLine(): number {
    return Math.max(this.byNewline.length, this.byAnyBreak.length) + 1;
  }

  /** The last column on `line`: one past its end, and one more for a caret after a line break. */
  maxColumn(line: number): number {
    const length = Math.max(
      this.byNewline[line - 1]?.length ?? 0,
      this.byAnyBreak[line - 1]?.length ?? 0,
    );
    return length + 2;
  }
}

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

const short = (value: unknown) => String(value).slice(0, 300);

/** null when every diagnostic is a good one. */
export function checkDiagnostics(
  text: string,
  diagnostics: readonly DiagnosticLike[],
): Verdict | null {
  const lines = new Lines(text);
  for (const d of diagnostics)
    if (typeof d.message === 'string' && /internal compiler error/i.test(d.message))
      return {
        outcome: 'internal-compiler-error',
        detail: short(d.message),
        kind: kindOf(d.message.split('\n')[0] ?? ''),
      };
  for (const d of diagnostics) {
    const { line, column } = d;
    const placed =
      isPositiveInteger(line) &&
      isPositiveInteger(column) &&
      line <= lines.maxLine &&
      column <= lines.maxColumn(line);
    if (!placed)
      return {
        outcome: 'diagnostic-without-line-col',
        detail: `${short(line)}:${short(column)} (${lines.maxLine - 1} lines): ${short(d.message)}`,
        kind: kindOf(String(d.message)),
      };
  }
  return null;
}

export function checkCompileResult(text: string, result: CompileResult): Verdict {
  const bad = checkDiagnostics(text, result.diagnostics);
  if (bad) return bad;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.status === 'invalid')
    return errors.length > 0
      ? { outcome: 'diagnostics' }
      : { outcome: 'malformed-result', detail: 'invalid without an error' };
  if (errors.length > 0)
    return {
      outcome: 'malformed-result',
      detail: `${result.status} with errors: ${short(errors[0]?.message)}`,
    };
  if (result.status === 'graph') {
    const ids = new Set(result.graph.nodes.map((n) => n.id));
    if (ids.size !== result.graph.nodes.length)
      return { outcome: 'malformed-result', detail: 'two nodes with the same id' };
  }
  return { outcome: 'ok' };
}
