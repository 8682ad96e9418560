/**
 * Characters and strings an attacker reaches for, shared by every target: NUL, lone and
 * split surrogates, byte-order marks, line and paragraph separators, bidi overrides,
 * combining marks, expression and shell syntax, path climbing, and sizes from one to millions.
 */
import type { Random } from './random.js';

export const ODD_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\uffff',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\ud83d',
  '\u{1f600}',
  '\u{10ffff}',
  'e\u0301\u0301\u0301',
  'é',
  'İ',
  'ß',
  '\t',
  '\r',
  '\r\n',
  '\v',
  '\f',
] as const;

export const ODD_STRINGS = [
  '',
  ' ',
  '${{ event.pr.title }}',
  '${{',
  '}}',
  '$(touch /tmp/forgeflow-fuzz-pwned)',
  '`id`',
  '; rm -rf /',
  '../../../../etc/passwd',
  '..',
  '/',
  '%00',
  '%ff',
  '\\u0000',
  'null',
  'true',
  '~',
  '-1',
  '1e309',
  'NaN',
  '0x7fffffff',
  '__proto__',
  'constructor',
  'toString',
  '<script>alert(1)</script>',
  '{"a":1}',
  '*',
  '**/*',
  'refs/heads/main',
  'a'.repeat(300),
] as const;

/** A string of `length` characters: one repeated, a pattern, or odd characters mixed in. */
export function longString(random: Random, length: number): string {
  const unit = random.pick(['x', 'é', '\u{1f600}', 'ab ', '${{ x }}', '\\', '"', '\u0000']);
  const text = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  return random.chance(0.2) ? text + random.pick(ODD_CHARACTERS) : text;
}

/** One odd character, an odd string, or a random mix of both. */
export function oddString(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(ODD_CHARACTERS);
    case 1:
      return random.pick(ODD_STRINGS);
    case 2:
      return longString(random, random.size(200_000));
    default:
      return Array.from({ length: random.between(1, 6) }, () =>
        random.chance(0.5) ? random.pick(ODD_CHARACTERS) : random.pick(ODD_STRINGS),
      ).join('');
  }
}
