/**
 * `forgeflow plan FILE --event PAYLOAD.json`: the graph this event would start, or why it
 * starts nothing. Exit 0 either way (both are answers); 1 for a broken config; 2 for usage.
 */
import { parseArgs } from 'node:util';
import {
  compilePipeline,
  formatDiagnostics,
  toMermaid,
  type CompileResult,
} from '../../compiler/index.js';
import type { Event, Forge } from '../../events/event.js';
import { detectEvent } from '../../forges/detect.js';
import { normalizeEvent } from '../../forges/normalize.js';
import { builtInRegistry } from '../../handlers/catalog.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { formatGraph, formatNotTriggered } from '../format-graph.js';
import { formatOption } from './options.js';

export const planUsage =
  'forgeflow plan FILE --event PAYLOAD.json [--event-type NAME] [--forge github|gitlab] [--format text|json|mermaid]';

export function planCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      'event-type': { type: 'string' },
      forge: { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
  });
  const format = formatOption(values.format, ['text', 'json', 'mermaid']);
  if (positionals.length !== 1) throw new UsageError('plan needs exactly one pipeline file');
  if (!values.event) throw new UsageError('plan needs --event PAYLOAD.json');
  const file = positionals[0]!;
  const text = io.readFile(file);
  const event = readEvent(io, values.event, values.forge, values['event-type']);
  if (typeof event === 'string') {
    io.out(`${values.event}: ${event}\n`);
    return EXIT.ok;
  }
  const result = compilePipeline(text, event, { file, handlers: builtInRegistry });
  if (result.status === 'invalid') {
    io.err(formatDiagnostics(result.diagnostics, text) + '\n');
    return EXIT.failed;
  }
  io.out(render(result, event, format));
  return EXIT.ok;
}

function render(
  result: Exclude<CompileResult, { status: 'invalid' }>,
  event: Event,
  format: 'text' | 'json' | 'mermaid',
): string {
  if (format === 'json') {
    const body =
      result.status === 'graph'
        ? { started: true, graph: result.graph, excluded: result.excluded }
        : { started: false, pipeline: result.pipeline, misses: result.misses };
    return JSON.stringify(body, null, 2) + '\n';
  }
  if (result.status === 'not-triggered')
    return formatNotTriggered(result.pipeline, event, result.misses);
  return format === 'mermaid'
    ? toMermaid(result.graph)
    : formatGraph(result.graph, event, result.excluded, result.note);
}

/** The normalized event, or the reason the payload starts nothing. */
function readEvent(
  io: Io,
  path: string,
  forgeFlag: string | undefined,
  typeFlag: string | undefined,
): Event | string {
  let payload: unknown;
  try {
    payload = JSON.parse(io.readFile(path));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`${path} is not JSON: ${error.message}`);
    throw error;
  }
  if (forgeFlag !== undefined && forgeFlag !== 'github' && forgeFlag !== 'gitlab') {
    throw new UsageError(`--forge must be github or gitlab; got "${forgeFlag}"`);
  }
  const detected = detectEvent(payload);
  const forge: Forge = forgeFlag ?? detected.forge;
  const eventName = typeFlag ?? (forge === detected.forge ? detected.eventName : null);
  if (forge === 'github' && eventName === null) {
    throw new UsageError(
      `cannot tell which GitHub event ${path} is; pass --event-type (pull_request, push, create, release, issue_comment)`,
    );
  }
  const normalized = normalizeEvent(forge, eventName, payload);
  return normalized.ok ? normalized.event : `ignored, because ${normalized.ignored}`;
}
