/**
 * Values for URLs, already percent-encoded as they travel: ids that are almost UUIDs (the
 * `urn:uuid:` form passes the schema's format), numbers at and past 2^31 or that JSON and
 * JavaScript read differently, dates out of range, NUL and bytes that are not UTF-8, path
 * climbing, huge lengths.
 */
import type { Random } from '../random.js';

export function uuidFrom(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function oddId(random: Random, valid: string): string {
  const uuid = random.chance(0.5) ? valid : uuidFrom(random);
  return random.pick([
    `urn:uuid:${uuid}`,
    `URN:UUID:${uuid}`,
    `%7B${uuid}%7D`,
    uuid.toUpperCase(),
    uuid.replace(/-/g, ''),
    `${uuid}%00`,
    `${uuid}x`,
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '%00',
    '..',
    '%2e%2e',
    '%2F',
    'x'.repeat(1_000),
    '%ED%A0%80',
    '%FF',
    '%C0%80',
    '%20',
    'null',
    '-1',
    '2147483648',
    'github:%00',
    `github:${'x'.repeat(300)}`,
    'github:..%2F..',
  ]);
}

export const ODD_NUMBERS = [
  '2147483648',
  '2147483647',
  '-2147483649',
  '9007199254740993',
  '-1',
  '0',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e3',
  '1e309',
  '1.5',
  '0x10',
  '00012',
  '%2012',
  '9'.repeat(400),
  '',
  'true',
  '%00',
  '1%00',
] as const;

export const ODD_STRINGS = [
  '%00',
  'a%00b',
  '%FF',
  '%ED%A0%80',
  '%F0%9F%98',
  '%E2%80%AE',
  'x'.repeat(10_000),
  '..%2F..%2F..',
  '%25',
  '%',
  '%zz',
  '%27%20OR%201%3D1--',
  '%22',
  '%5C',
  '*',
  '%2A%2A',
  'null',
  '',
] as const;

export const ODD_DATES = [
  '2026-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '%2B275760-09-13T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T00:00:00%2B25:00',
  '1970-01-01',
  'now',
  '2026-01-01T24:00:00Z',
] as const;

/** `file` and `repo` values that climb out of a repository. */
export const PATH_CLIMBS = [
  '../../../../user',
  '../../..',
  '/etc/passwd',
  'a/../../b',
  '..%2F..%2Fuser',
  '.github/../../../x',
  'octo/app/../../..',
  'octo/../../x',
  '..\\..\\x',
  '%2e%2e/%2e%2e',
] as const;
