/**
 * The Packit front-end's entry point: `.packit.yaml` text in, job views or diagnostics out.
 * Pure (no I/O): the caller passes the repository name Packit would use as a default.
 *
 *   yaml.ts         read the text as PyYAML does
 *   shape.ts        the JSON Schema (schema.ts) over the file as written
 *   checks/*.ts     what the schema cannot say (job types, triggers, package names, spec
 *                   files each package needs, deprecations)
 *   views.ts        inheritance and defaults, one view per job × trigger × package
 */
import { type Diagnostic, finalizeDiagnostics, hasErrors } from '../diagnostics.js';
import { makeDiagnostic } from '../yaml-source.js';
import { checkJobs } from './checks/jobs.js';
import { checkKeys } from './checks/keys.js';
import { checkPackages } from './checks/packages.js';
import { isDict, type Dict } from '../checks/context.js';
import { Report } from './report.js';
import { refuseTooManyTargets, refuseTooManyViews } from './sizes.js';
import { packitShapeValidator } from './shape.js';
import { shapeDiagnostics } from './shape-errors.js';
import type { LoadResult } from './types.js';
import { buildViews, singlePackageName } from './views.js';
import { readPackitYaml } from './yaml.js';

export interface LoadPackitOptions {
  /** The file name shown in diagnostics. */
  file: string;
  /** The repository's name: Packit's default package name when the file sets none. */
  repoName?: string;
}

export function loadPackit(text: string, options: LoadPackitOptions): LoadResult {
  try {
    return loadUnsafe(text, options);
  } catch (error) {
    // A bug here must come out as a diagnostic, never as a crash of the caller.
    const message = `internal error while loading the Packit config: ${error instanceof Error ? error.message : String(error)}`;
    const at = { line: 1, column: 1, length: 1 };
    return { ok: false, diagnostics: [makeDiagnostic(options.file, at, 'packit', message)] };
  }
}

function loadUnsafe(text: string, { file, repoName }: LoadPackitOptions): LoadResult {
  const read = readPackitYaml(text, file);
  if (!read.ok) return { ok: false, diagnostics: finalizeDiagnostics(read.diagnostics) };
  const { value: data, locator } = read;
  // Concatenated, never pushed as spread arguments: a list of 100,000 overflows the stack.
  let diagnostics: Diagnostic[] = read.diagnostics;
  const validate = packitShapeValidator();
  if (!validate(data))
    diagnostics = diagnostics.concat(shapeDiagnostics(validate.errors ?? [], data, file, locator));
  const report = new Report(file, locator);
  checkJobs(report, data, definedPackages(data, repoName));
  checkKeys(report, data);
  checkPackages(report, data);
  const final = finalizeDiagnostics(diagnostics.concat(report.diagnostics));
  if (hasErrors(final)) return { ok: false, diagnostics: final };
  // Views copy their inherited settings, nodes copy their view's: counted before either is made.
  const sizes = new Report(file, locator);
  const packages = definedPackages(data, repoName) ?? [];
  if (refuseTooManyViews(sizes, data, packages))
    return { ok: false, diagnostics: finalizeDiagnostics(final.concat(sizes.diagnostics)) };
  const config = buildViews(data, repoName);
  if (refuseTooManyTargets(sizes, config.jobs))
    return { ok: false, diagnostics: finalizeDiagnostics(final.concat(sizes.diagnostics)) };
  return { ok: true, config, diagnostics: final };
}

/** The names a job's `packages` may use, or null when `packages` itself is malformed. */
function definedPackages(data: Dict, repoName?: string): string[] | null {
  if (!('packages' in data)) return [singlePackageName(data, repoName)];
  return isDict(data.packages) ? Object.keys(data.packages) : null;
}
