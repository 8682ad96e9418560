/**
 * `/forgeflow retry`, `/forgeflow cancel` and `/forgeflow signal NAME [JSON]` in a pull/merge
 * request comment act on the latest run of that pull request. The command is the comment's
 * first line; anything after it is left alone.
 */
import { SIGNAL_PATTERN } from '../../compiler/schema/common.js';

export type Command =
  { verb: 'retry' } | { verb: 'cancel' } | { verb: 'signal'; name: string; payload: unknown };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string } | undefined;

const PREFIX = '/forgeflow';

/** undefined: not a forgeflow command at all. */
export function parseCommand(body: string): Parsed {
  const line = (body.split(/\r?\n/, 1)[0] ?? '').trim();
  if (line !== PREFIX && !line.startsWith(`${PREFIX} `)) return undefined;
  const [verb, name, ...rest] = line.slice(PREFIX.length).trim().split(/\s+/);
  if (verb === 'retry' || verb === 'cancel') return { ok: true, command: { verb } };
  if (verb === 'signal') {
    if (name === undefined || !new RegExp(SIGNAL_PATTERN).test(name))
      return {
        ok: false,
        error: '/forgeflow signal needs a signal name (letters, digits, _ . : -)',
      };
    const text = rest.join(' ');
    let payload: unknown = null;
    if (text !== '') {
      try {
        payload = JSON.parse(text) as unknown;
      } catch {
        payload = text;
      }
    }
    return { ok: true, command: { verb, name, payload } };
  }
  return { ok: false, error: `unknown command "${verb ?? ''}": use retry, cancel or signal NAME` };
}
