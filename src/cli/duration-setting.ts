/**
 * Durations among the operator's settings (`--lease 30s`, FORGEFLOW_LEASE=2m): a duration as
 * pipelines write them, or a bare number of seconds (as `--grace` takes), within bounds.
 */
import { formatDuration, parseDuration } from '../contracts/duration.js';
import { UsageError } from './io.js';

export function durationSetting(
  name: string,
  value: string | undefined,
  bounds: { fallback: number; min: number; max: number },
): number {
  const text = value?.trim();
  if (text === undefined || text === '') return bounds.fallback;
  const ms = /^[0-9]+(\.[0-9]+)?$/.test(text)
    ? Math.round(Number(text) * 1000)
    : parseDuration(text);
  const range = `${formatDuration(bounds.min)}–${formatDuration(bounds.max)}`;
  if (ms === undefined)
    throw new UsageError(`${name} must be a duration such as 30s or 2m (${range}); got "${text}"`);
  if (ms < bounds.min || ms > bounds.max)
    throw new UsageError(`${name} must be within ${range}; got ${text}`);
  return ms;
}
