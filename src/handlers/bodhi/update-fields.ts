/**
 * The fields of a new Bodhi update: Packit's defaults (type enhancement, notes "New upstream
 * release: <version>") and the job's `bodhi_extra_params` where Bodhi's update form has the
 * field, each checked against Bodhi's own choices and bounds. A key Bodhi's form does not take,
 * or one forgeflow sets itself (builds, csrf_token), is refused by name rather than sent.
 */
import { HandlerError } from '../../contracts/errors.js';

const ENUMS: Record<string, readonly string[]> = {
  type: ['bugfix', 'security', 'newpackage', 'enhancement', 'unspecified'],
  severity: ['unspecified', 'urgent', 'high', 'medium', 'low'],
  suggest: ['unspecified', 'reboot', 'logout'],
  request: ['testing', 'stable'],
};
const FLAGS = ['autokarma', 'autotime', 'close_bugs', 'require_bugs', 'require_testcases'];
const INTEGERS: Record<string, [number, number]> = {
  stable_karma: [1, 100],
  unstable_karma: [-100, -1],
  stable_days: [0, 365],
};
const TEXTS: Record<string, number> = { notes: 10_000, display_name: 200, requirements: 1_000 };
const MAX_BUGS = 100;

function refused(message: string): HandlerError {
  return new HandlerError('BodhiBadInput', `bodhi_extra_params: ${message}`, {
    nonRetryable: true,
  });
}

/** Packit's defaults for `nvr`, overridden by the job's extra parameters. */
export function updateFields(nvr: string, extra: Record<string, unknown>): Record<string, unknown> {
  const version = nvr.split('-').at(-2) ?? '';
  const fields: Record<string, unknown> = {
    builds: [nvr],
    type: 'enhancement',
    notes: `New upstream release: ${version}`,
  };
  for (const [key, value] of Object.entries(extra)) fields[key] = checkedField(key, value);
  return fields;
}

function checkedField(key: string, value: unknown): unknown {
  const choices = ENUMS[key];
  if (choices !== undefined) {
    if (typeof value !== 'string' || !choices.includes(value))
      throw refused(`${key} is one of ${choices.join(', ')}`);
    return value;
  }
  if (FLAGS.includes(key)) {
    if (typeof value !== 'boolean') throw refused(`${key} is true or false`);
    return value;
  }
  const range = INTEGERS[key];
  if (range !== undefined) {
    if (!Number.isInteger(value) || (value as number) < range[0] || (value as number) > range[1])
      throw refused(`${key} is a whole number from ${range[0]} to ${range[1]}`);
    return value;
  }
  const max = TEXTS[key];
  if (max !== undefined) {
    if (typeof value !== 'string' || value.length > max)
      throw refused(`${key} is text of at most ${max} characters`);
    return value;
  }
  if (key === 'bugs') {
    const bugs = Array.isArray(value) ? value : [value];
    if (
      bugs.length > MAX_BUGS ||
      !bugs.every((b) => (Number.isInteger(b) && (b as number) > 0) || /^\d{1,10}$/.test(String(b)))
    )
      throw refused(`bugs is a list of at most ${MAX_BUGS} bug numbers`);
    return bugs.map(Number);
  }
  throw refused(`forgeflow does not send ${JSON.stringify(key.slice(0, 60))} to Bodhi`);
}
