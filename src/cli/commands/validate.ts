/** `forgeflow validate FILE…`: every diagnostic of every file; exit 0 valid, 1 invalid, 2 usage. */
import { parseArgs } from 'node:util';
import { diagnosticsToJson, formatDiagnostics, type Diagnostic } from '../../compiler/index.js';
import { builtInRegistry } from '../../handlers/catalog.js';
import { isPackitConfig, PACKIT_OPTION, validateConfig } from '../config-file.js';
import { EXIT, paint, UsageError, type Io } from '../io.js';
import { formatOption } from './options.js';

export const validateUsage = 'forgeflow validate FILE… [--format text|json] [--packit]';

export function validateCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, ...PACKIT_OPTION },
  });
  const format = formatOption(values.format, ['text', 'json']);
  if (positionals.length === 0) throw new UsageError('validate needs at least one file');

  const all: Diagnostic[] = [];
  let invalid = 0;
  for (const file of positionals) {
    const text = io.readFile(file);
    const packit = isPackitConfig(file, values.packit);
    const result = validateConfig(file, text, packit, builtInRegistry);
    all.push(...result.diagnostics);
    if (!result.ok) invalid++;
    if (format === 'text') {
      if (result.diagnostics.length > 0)
        io.out(showDiagnostics(io, result.diagnostics, text) + '\n');
      if (result.ok)
        io.out(
          `${paint(io, 'green', '✓')} ${file} is valid${result.diagnostics.length > 0 ? ' (with warnings)' : ''}\n`,
        );
    }
  }
  if (format === 'json') io.out(JSON.stringify(diagnosticsToJson(all), null, 2) + '\n');
  else if (invalid > 0) {
    const errors = all.filter((d) => d.severity === 'error').length;
    io.out(
      `\n${errors} error${errors === 1 ? '' : 's'} in ${invalid} file${invalid === 1 ? '' : 's'}\n`,
    );
  }
  return invalid > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * Diagnostics as validate prints them: `file:line:col: message [rule]`, the source line and a
 * caret under the spot; on a terminal, headers bold and carets red. `runs start` prints the
 * server's diagnostics this way too.
 */
export function showDiagnostics(io: Io, list: readonly Diagnostic[], source: string): string {
  return colorize(io, formatDiagnostics(list, source));
}

function colorize(io: Io, text: string): string {
  if (!io.color) return text;
  return text
    .split('\n')
    .map((line) =>
      /^\S.*:\d+:\d+: /.test(line)
        ? paint(io, 'bold', line)
        : /^\s+\| +\^/.test(line)
          ? paint(io, 'red', line)
          : line,
    )
    .join('\n');
}
