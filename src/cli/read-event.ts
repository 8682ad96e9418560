/**
 * Reading an event payload file for `plan`, `run` and `runs start`: detect the forge and event
 * (unless --forge and --event-type say), and for `plan` and `run` normalize it here.
 */
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { Event, Forge } from '../events/event.js';
import { FORGE_NAMES, isForge } from '../events/forges.js';
import { detectEvent } from '../forges/detect.js';
import { manualEvent, normalizeEvent } from '../forges/normalize.js';
import { INPUT_OPTION, parseInputArgs } from './input-args.js';
import { UsageError, type Io } from './io.js';
import { printable } from './terminal-text.js';

/** The options `plan`, `run` and `runs start` share: the pipeline file's event. */
export const EVENT_OPTIONS = {
  event: { type: 'string' },
  'event-type': { type: 'string' },
  forge: { type: 'string' },
  ...INPUT_OPTION,
} as const;

/**
 * The pipeline text and the event of `COMMAND FILE [--event PAYLOAD.json]` (a manual start
 * without one), or the reason the payload starts nothing (a string).
 */
export function readPipelineAndEvent(
  command: string,
  io: Io,
  positionals: readonly string[],
  values: { event?: string; 'event-type'?: string; forge?: string; input?: string[] },
): { file: string; text: string; event: Event | string; eventFile: string } {
  if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one pipeline file`);
  const file = positionals[0]!;
  const text = io.readFile(file);
  const payload = readEventPayload(io, values);
  const inputs = parseInputArgs(values.input);
  if (payload === undefined) {
    const event = localManualEvent();
    return {
      file,
      text,
      event: inputs ? { ...event, inputs } : event,
      eventFile: 'a manual start',
    };
  }
  return { file, text, event: normalizePayload(payload), eventFile: payload.path };
}

/** A webhook payload read from a file, with the forge and the event it is (flags, else detected). */
export interface EventPayload {
  path: string;
  payload: unknown;
  forge: Forge;
  /** `X-GitHub-Event` or `X-Gitlab-Event` as the forge would have sent it; null: unknown (GitLab). */
  eventName: string | null;
}

/** `--event PAYLOAD.json` read and told apart, or undefined without --event (a manual start). */
export function readEventPayload(
  io: Io,
  values: { event?: string; 'event-type'?: string; forge?: string; input?: string[] },
): EventPayload | undefined {
  if (values.event && values.input?.length)
    throw new UsageError('--input gives a manual start its inputs; an --event payload has none');
  if (!values.event) {
    if (values['event-type'] !== undefined)
      throw new UsageError('--event-type describes an --event PAYLOAD.json, and none was given');
    return undefined;
  }
  return readPayload(io, values.event, values.forge, values['event-type']);
}

/** `--forge`: a forge's name (github, gitlab), or not given. */
export function forgeOption(flag: string | undefined): Forge | undefined {
  if (flag !== undefined && !isForge(flag))
    throw new UsageError(`--forge must be ${FORGE_NAMES.join(' or ')}; got "${flag}"`);
  return flag;
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
  return normalizePayload(readPayload(io, path, forgeFlag, typeFlag));
}

function normalizePayload({ forge, eventName, payload }: EventPayload): Event | string {
  const normalized = normalizeEvent(forge, eventName, payload);
  // Why it is ignored may quote the payload's values: printed inert.
  return normalized.ok ? normalized.event : `ignored, because ${printable(normalized.ignored)}`;
}

/** The payload, its forge (--forge, else detected) and its event (--event-type, else detected). */
function readPayload(
  io: Io,
  path: string,
  forgeFlag: string | undefined,
  typeFlag: string | undefined,
): EventPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(io.readFile(path));
  } catch (error) {
    // The parser quotes the text it stopped at: printed inert.
    if (error instanceof SyntaxError)
      throw new UsageError(`--event ${path} is not JSON: ${printable(error.message)}`);
    throw error;
  }
  const detected = detectEvent(payload);
  const forge: Forge = forgeOption(forgeFlag) ?? detected.forge;
  const eventName = typeFlag ?? (forge === detected.forge ? detected.eventName : null);
  if (forge === 'github' && eventName === null) {
    throw new UsageError(
      `cannot tell which GitHub event ${path} is; pass --event-type (pull_request, push, create, release, issue_comment)`,
    );
  }
  return { path, payload, forge, eventName };
}
