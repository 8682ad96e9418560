/**
 * How deep a JSON text nests, measured before it is parsed. V8's `JSON.parse` is iterative
 * and survives a million levels, but slowly and in bulk (12.5 M levels, a 25 MB body: 13 s and
 * 840 MB), and everything after it recurses (`JSON.stringify` overflows its stack near 5,000
 * levels; expressions, ajv and Postgres walk trees too). So every JSON document forgeflow
 * receives is measured first, in one pass without recursion, and refused past the bound.
 */

/**
 * The deepest nesting of objects and arrays accepted anywhere (webhook bodies, API bodies,
 * event payloads). Real forge payloads nest 7 levels at most (GitHub's check_run; GitLab 5).
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * True when `text`, read as JSON, opens more than `max` objects or arrays inside one another.
 * Brackets inside strings do not count. Text that is not JSON gives some answer; parsing it
 * afterwards says what is wrong with it.
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
