/**
 * One-line scalars and flow collections for quick-read.ts, typed exactly as the `yaml` library
 * types them: plain scalars through the library's own YAML 1.1 tags, then PyYAML's y/n and "."
 * (yaml.ts). Whatever is not plainly one of these gives up (GiveUp), and the library reads the
 * file instead.
 */
import { Alias, Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ScalarTag } from 'yaml';

export class GiveUp extends Error {}
const GIVE_UP = new GiveUp('not a file the quick reader vouches for');

export function giveUp(): never {
  throw GIVE_UP;
}

/** The schema the slow path parses Packit files with (yaml.ts: YAML 1.1, merge keys). */
const TEMPLATE = new Document(null, { version: '1.1', merge: true, uniqueKeys: false });
/** In the schema's order; only tags with a test match plain scalars (map and seq have none). */
const TAGS = TEMPLATE.schema.tags.filter((t): t is ScalarTag => 'test' in t && Boolean(t.test));

/**
 * No test of the YAML 1.1 tags (null, bool, int, float, timestamp, merge) matches a scalar that
 * starts with one of these, so it is a string (most are: names, paths, commands).
 */
export const STRING_FIRST = /^[A-EG-MP-SU-XZa-eg-mp-su-xz_/$]/;

/** A plain scalar as composeScalar types it, then as PyYAML reads it. */
export function plainScalar(text: string, atKey: boolean): Scalar {
  if (STRING_FIRST.test(text)) {
    const string = new Scalar(text);
    string.type = 'PLAIN';
    return string;
  }
  const tag = TAGS.find(
    (t) => (t.default === true || (atKey && t.default === 'key')) && t.test!.test(text),
  );
  let value: unknown = text;
  if (tag?.resolve) {
    let failed = false;
    value = tag.resolve(text, () => (failed = true), TEMPLATE.options);
    if (failed) giveUp();
  }
  // `<<` in a key: the library's merge scalar.
  const node = value instanceof Scalar ? value : new Scalar(value);
  node.type = 'PLAIN';
  const pyYaml =
    (typeof node.value === 'boolean' && /^[yYnN]$/.test(text)) ||
    (Number.isNaN(node.value) && !/^\.nan$/i.test(text));
  if (pyYaml) {
    // A retyped key may collide with another (y and true): the library reports that.
    if (atKey) giveUp();
    node.value = text;
  }
  return node;
}

export const isSpace = (s: string, i: number): boolean => s.charCodeAt(i) === 32;

export function skipSpaces(s: string, i: number): number {
  while (isSpace(s, i)) i++;
  return i;
}

/** Nothing but spaces and a comment (after a space) from `i` on. */
export function restIsBlank(s: string, i: number): void {
  const k = skipSpaces(s, i);
  if (k < s.length && !(s.charCodeAt(k) === 35 && k > i)) giveUp();
}

/** A one-line quoted scalar with common escapes; `end` is just after the closing quote. */
export function quoted(s: string, p: number): { node: Scalar; end: number } {
  const double = s[p] === '"';
  let value = '';
  let q = p + 1;
  for (;;) {
    const k = double ? nextOf(s, q) : s.indexOf("'", q);
    if (k < 0) giveUp(); // the string goes on to the next line
    value += s.slice(q, k);
    if (double && s[k] === '\\') {
      value += ESCAPES[s[k + 1] ?? ''] ?? giveUp();
      q = k + 2;
    } else if (!double && s[k + 1] === "'") {
      value += "'";
      q = k + 2;
    } else {
      const node = new Scalar(value);
      node.type = double ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
      return { node, end: k + 1 };
    }
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t' };

/** The next `"` or `\\` (one pass: a line of escapes stays linear). */
function nextOf(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92) return i;
  }
  return -1;
}

/** `&name` / `*name`: the name and where it ends (only the usual characters). */
export function anchorName(s: string, p: number): { name: string; end: number } {
  let end = p;
  while (end < s.length && /[A-Za-z0-9_.-]/.test(s[end]!)) end++;
  if (end === p) giveUp();
  return { name: s.slice(p, end), end };
}

/** A one-line flow sequence or mapping of scalars, aliases and flow collections. */
export function flow(s: string, p: number): { node: YAMLSeq | YAMLMap; end: number } {
  const isSeq = s[p] === '[';
  const close = isSeq ? ']' : '}';
  const node = isSeq ? new YAMLSeq() : new YAMLMap();
  node.flow = true;
  const keys = new Set<string>();
  let q = skipSpaces(s, p + 1);
  while (s[q] !== close) {
    if (isSeq) {
      const item = flowItem(s, q, false);
      (node as YAMLSeq).items.push(item.node);
      q = item.end;
    } else {
      const key = flowItem(s, q, true);
      if (!(key.node instanceof Scalar) || s[key.end] !== ':' || !isSpace(s, key.end + 1)) giveUp();
      const name = String(key.node.value);
      if (keys.has(name) || typeof key.node.value === 'symbol') giveUp();
      keys.add(name);
      const value = flowItem(s, skipSpaces(s, key.end + 1), false);
      (node as YAMLMap).items.push(new Pair(key.node, value.node));
      q = value.end;
    }
    q = skipSpaces(s, q);
    if (s[q] === ',') q = skipSpaces(s, q + 1);
    else if (s[q] !== close) giveUp();
  }
  return { node, end: q + 1 };
}

function flowItem(s: string, q: number, atKey: boolean): { node: unknown; end: number } {
  const c = s[q];
  if (c === '[' || c === '{') return atKey ? giveUp() : flow(s, q);
  if (c === '"' || c === "'") return quoted(s, q);
  if (c === '*' && !atKey) {
    const { name, end } = anchorName(s, q + 1);
    return { node: new Alias(name), end };
  }
  let end = q;
  while (end < s.length && !',[]{}:#'.includes(s[end]!)) end++;
  const text = s.slice(q, end).trimEnd();
  // A colon (a pair, or a URL) or a comment: left to the library.
  if (s[end] === '#' || (s[end] === ':' && !atKey) || text === '' || !plainStart(text)) giveUp();
  return { node: plainScalar(text, atKey), end: q + text.length };
}

/** Not an indicator: what may start a plain scalar (conservatively). */
export function plainStart(text: string): boolean {
  const c = text[0]!;
  if (c === '-') return text.length > 1 && text[1] !== ' ' && text[1] !== '-';
  return !'?:,[]{}#&*!|>\'"%@`'.includes(c);
}
