/** Reading an event payload file for `plan` and `run`: detect the forge and event, normalize. */
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { Event, Forge } from '../events/event.js';
import { detectEvent } from '../forges/detect.js';
import { manualEvent, normalizeEvent } from '../forges/normalize.js';
import { UsageError, type Io } from './io.js';
import { printable } from './terminal-text.js';

/** The options `plan` and `run` share: the pipeline file's event. */
export const EVENT_OPTIONS = {
  event: { type: 'string' },
  'event-type': { type: 'string' },
  forge: { type: 'string' },
} as const;

/**
 * The pipeline text and the event of `COMMAND FILE [--event PAYLOAD.json]` (a manual start
 * without one), or the reason the payload starts nothing (a string).
 */
export function readPipelineAndEvent(
  command: string,
  io: Io,
  positionals: readonly string[],
  values: { event?: string; 'event-type'?: string; forge?: string },
): { file: string; text: string; event: Event | string; eventFile: string } {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one pipeline file`);
  const file = positionals[0]!;
  const text = io.readFile(file);
  if (!values.event) {
    if (values['event-type'] !== undefined)
      throw new UsageError('--event-type describes an --event PAYLOAD.json, and none was given');
    return { file, text, event: localManualEvent(), eventFile: 'a manual start' };
  }
  const event = readEvent(io, values.event, values.forge, values['event-type']);
  return { file, text, event, eventFile: values.event };
}

/**
 * Without --event: a manual start, as the page's and the API's Start are, of a repository named
 * after this directory (`local/<directory>`), at no particular commit.
 */
export function localManualEvent(cwd = process.cwd()): Event {
  const name =
    basename(cwd)
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[.-]+/, '') || 'here';
  let sender = '';
  try {
    sender = userInfo().username;
  } catch {
    // no user name on this machine (a container's uid without a passwd entry)
  }
  return manualEvent({
    repo: `local/${name}`,
    sha: '0'.repeat(40),
    ref: 'refs/heads/main',
    sender,
  });
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
    // The parser quotes the text it stopped at: printed inert.
    if (error instanceof SyntaxError)
      throw new UsageError(`${path} is not JSON: ${printable(error.message)}`);
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
  // Why it is ignored may quote the payload's values: printed inert.
  return normalized.ok ? normalized.event : `ignored, because ${printable(normalized.ignored)}`;
}
