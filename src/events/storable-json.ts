/**
 * Making a JSON value from outside storable, once, where it enters (webhook bodies, API bodies,
 * event payloads): PostgreSQL refuses U+0000 in text and jsonb, and jsonb refuses an unpaired
 * UTF-16 surrogate, yet forges do send both (a title pasted with a NUL in it, an emoji cut in
 * half by a forge truncating a long title by UTF-16 units). Refusing them would lose real
 * events, so each such code unit, in keys and values alike, becomes U+FFFD REPLACEMENT
 * CHARACTER, which is also what a UTF-8 encoder writes for a lone surrogate (WHATWG
 * `toWellFormed`). Nothing else changes. Should a key become equal to a sibling key by this,
 * the later one wins, as with duplicate keys in JSON. The walk is bounded by MAX_JSON_DEPTH,
 * so it never recurses deeper than that, and copies only what it changes.
 */
import { MAX_JSON_DEPTH } from './json-depth.js';

export const REPLACEMENT = '\ufffd';

/** A NUL, or a surrogate without its other half (non-`u` regexes see UTF-16 code units). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** Whether PostgreSQL can store `text` as it is (no NUL, no unpaired surrogate). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

export type Storable =
  | { ok: true; value: unknown; /** Code units replaced by U+FFFD. */ substituted: number }
  | { ok: false; reason: string };

/** `text` with each NUL and unpaired surrogate replaced by U+FFFD, and how many there were. */
export function storableText(text: string): { text: string; substituted: number } {
  if (!UNSTORABLE.test(text)) return { text, substituted: 0 };
  let substituted = 0;
  const fixed = text.replace(UNSTORABLE_ALL, () => {
    substituted++;
    return REPLACEMENT;
  });
  return { text: fixed, substituted };
}

class TooDeep extends Error {}

/**
 * `value` (a parsed JSON document) ready for PostgreSQL: the same value when nothing needed
 * replacing, else a copy with replacements; refused when it nests deeper than `maxDepth`.
 */
export function storableJson(value: unknown, maxDepth: number = MAX_JSON_DEPTH): Storable {
  const count = { substituted: 0 };
  try {
    return { ok: true, value: walk(value, 0, maxDepth, count), substituted: count.substituted };
  } catch (error) {
    if (error instanceof TooDeep)
      return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
    throw error;
  }
}

function text(value: string, count: { substituted: number }): string {
  const fixed = storableText(value);
  count.substituted += fixed.substituted;
  return fixed.text;
}

function walk(
  value: unknown,
  depth: number,
  maxDepth: number,
  count: { substituted: number },
): unknown {
  if (typeof value === 'string') return text(value, count);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxDepth) throw new TooDeep();
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const fixed = walk(item, depth + 1, maxDepth, count);
      if (fixed !== item) (copy ??= value.slice())[i] = fixed;
    }
    return copy ?? value;
  }
  const entries: [string, unknown][] = [];
  let changed = false;
  for (const [key, item] of Object.entries(value)) {
    const fixedKey = text(key, count);
    const fixed = walk(item, depth + 1, maxDepth, count);
    if (fixedKey !== key || fixed !== item) changed = true;
    entries.push([fixedKey, fixed]);
  }
  // fromEntries defines own properties: a `__proto__` key stays data, never a prototype.
  return changed ? Object.fromEntries(entries) : value;
}
