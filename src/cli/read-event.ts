/** Reading an event payload file for `plan` and `run`: detect the forge and event, normalize. */
import type { Event, Forge } from '../events/event.js';
import { detectEvent } from '../forges/detect.js';
import { normalizeEvent } from '../forges/normalize.js';
import { UsageError, type Io } from './io.js';

/** The options `plan` and `run` share: the pipeline file's event. */
export const EVENT_OPTIONS = {
  event: { type: 'string' },
  'event-type': { type: 'string' },
  forge: { type: 'string' },
} as const;

/**
 * The pipeline text and the event of `COMMAND FILE --event PAYLOAD.json`, or the reason the
 * payload starts nothing (a string).
 */
export function readPipelineAndEvent(
  command: string,
  io: Io,
  positionals: readonly string[],
  values: { event?: string; 'event-type'?: string; forge?: string },
): { file: string; text: string; event: Event | string; eventFile: string } {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one pipeline file`);
  if (!values.event) throw new UsageError(`${command} needs --event PAYLOAD.json`);
  const file = positionals[0]!;
  const text = io.readFile(file);
  const event = readEvent(io, values.event, values.forge, values['event-type']);
  return { file, text, event, eventFile: values.event };
}

/** The normalized event, or the reason the payload starts nothing. */
export function readEvent(
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
