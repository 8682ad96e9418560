/**
 * `forgeflow plan FILE [--event PAYLOAD.json]`: the graph this event (else a manual start)
 * would start, or why it starts nothing. Exit 0 either way (both are answers); 1 for a broken config; 2 for usage.
 */
import { parseArgs } from 'node:util';
import { formatDiagnostics, toMermaid, type CompileResult } from '../../compiler/index.js';
import type { Event } from '../../events/event.js';
import { builtInRegistry } from '../../handlers/catalog.js';
import { compileConfig, isPackitConfig, PACKIT_OPTION } from '../config-file.js';
import { EXIT, type Io } from '../io.js';
import { formatGraph, formatNotTriggered } from '../format-graph.js';
import { formatInputProblems } from '../input-args.js';
import { formatOption } from './options.js';
import { EVENT_OPTIONS, readPipelineAndEvent } from '../read-event.js';

export const planUsage =
  'forgeflow plan FILE [--event PAYLOAD.json [--event-type NAME]] [--forge github|gitlab] [--input NAME=VALUE]… [--format text|json|mermaid] [--packit]';

export function planCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...EVENT_OPTIONS,
      ...PACKIT_OPTION,
      format: { type: 'string', default: 'text' },
    },
  });
  const format = formatOption(values.format, ['text', 'json', 'mermaid']);
  const { file, text, event, eventFile } = readPipelineAndEvent('plan', io, positionals, values);
  if (typeof event === 'string') {
    io.out(`${eventFile}: ${event}
`);
    return EXIT.ok;
  }
  const packit = isPackitConfig(file, values.packit);
  const result = compileConfig(file, text, event, packit, builtInRegistry);
  if (result.status === 'invalid') {
    io.err(formatDiagnostics(result.diagnostics, text) + '\n');
    return EXIT.failed;
  }
  if (result.status === 'invalid-inputs') {
    io.err(
      `forgeflow plan: ${file}: the inputs do not fit the pipeline:\n${formatInputProblems(result.errors)}`,
    );
    return EXIT.usage;
  }
  io.out(render(result, event, format));
  return EXIT.ok;
}

function render(
  result: Exclude<CompileResult, { status: 'invalid' | 'invalid-inputs' }>,
  event: Event,
  format: 'text' | 'json' | 'mermaid',
): string {
  if (format === 'json') {
    const body =
      result.status === 'graph'
        ? { started: true, graph: result.graph, excluded: result.excluded }
        : {
            started: false,
            pipeline: result.pipeline,
            misses: result.misses,
            ...(result.excluded ? { excluded: result.excluded } : {}),
          };
    return JSON.stringify(body, null, 2) + '\n';
  }
  if (result.status === 'not-triggered')
    return formatNotTriggered(result.pipeline, event, result.misses, result.excluded);
  return format === 'mermaid'
    ? toMermaid(result.graph)
    : formatGraph(result.graph, event, result.excluded, result.note);
}
