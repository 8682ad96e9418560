/** Collects the Packit checks' diagnostics, each at the place its path points to. */
import type { Diagnostic, Rule, Severity } from '../diagnostics.js';
import { makeDiagnostic, type Path } from '../yaml-source.js';
import type { PackitLocator } from './locate.js';

export class Report {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    private readonly locator: PackitLocator,
  ) {}

  error(path: Path, message: string, at: 'key' | 'value' = 'value', rule: Rule = 'packit'): void {
    this.add(path, message, at, rule, 'error');
  }

  warning(path: Path, message: string, at: 'key' | 'value' = 'key', rule: Rule = 'packit'): void {
    this.add(path, message, at, rule, 'warning');
  }

  private add(path: Path, message: string, at: 'key' | 'value', rule: Rule, severity: Severity) {
    this.diagnostics.push(
      makeDiagnostic(this.file, this.locator.span(path, at), rule, message, severity),
    );
  }
}
