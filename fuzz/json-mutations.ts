/**
 * Mutations of a JSON body, for webhook payloads and API bodies alike: a field set to NUL,
 * a lone surrogate, a number ≥ 2^31 or a fraction or one JSON.parse makes Infinity, a value
 * of the wrong type, a field removed, a huge string or array, nesting thousands deep, keys
 * like `__proto__`; fields forges send (numbers, titles, refs, shas, names) are picked more
 * often. What JSON.stringify cannot write (Infinity-sized literals, deep nesting, own
 * `__proto__` keys) is spliced into the text; non-UTF-8 bytes into the bytes.
 */
import { longString, ODD_CHARACTERS, oddString } from './hostile-text.js';
import type { Random } from './random.js';

type Key = string | number;

const INTERESTING =
  /^(number|iid|id|title|body|note|description|ref|sha|after|before|checkout_sha|full_name|path_with_namespace|login|username|name|action|labels|head|base|author_association|object_kind|event_name|pipeline|repo|file|event|event_type|idempotency_key|payload|reason|commits|added|modified)$/;

const RAW_LITERALS = [
  '1e309',
  '-1e309',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '1E2',
  '0.0000000000000000000000001',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
] as const;

const BAD_UTF8 = [
  [0xff],
  [0xc3],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x00],
  [0x1f],
] as const;

function pathsOf(value: unknown, limit = 5_000): Key[][] {
  const out: Key[][] = [];
  const walk = (node: unknown, path: Key[]) => {
    if (out.length >= limit || node === null || typeof node !== 'object') return;
    const entries: [Key, unknown][] = Array.isArray(node)
      ? node.map((v, i): [Key, unknown] => [i, v])
      : Object.entries(node as Record<string, unknown>);
    for (const [key, child] of entries) {
      const next = [...path, key];
      out.push(next);
      walk(child, next);
    }
  };
  walk(value, []);
  return out;
}

function parentAt(root: unknown, path: Key[]): Record<Key, unknown> | null {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Record<Key, unknown>)[key];
  return node !== null && typeof node === 'object' ? (node as Record<Key, unknown>) : null;
}

export class JsonBody {
  private readonly raw = new Map<string, string>();
  readonly steps: string[] = [];

  constructor(public value: unknown) {}

  /** A placeholder that becomes `text`, unquoted, in the serialized body. */
  private spliced(text: string): string {
    const key = `FUZZRAW${this.raw.size}Z`;
    this.raw.set(key, text);
    return key;
  }

  private replacement(random: Random, old: unknown): [string, unknown] {
    switch (random.int(11)) {
      case 0: {
        const s = typeof old === 'string' ? old : 'x';
        const i = random.int(s.length + 1);
        return ['nul', s.slice(0, i) + '\u0000' + s.slice(i)];
      }
      case 1: {
        const s = typeof old === 'string' ? old : 'x';
        return ['surrogate', s + random.pick(['\ud800', '\udfff', '\ud83d', '\udc00\ud800'])];
      }
      case 2:
        return [
          'big-number',
          random.pick([2147483648, 2147483647, -2147483649, 4294967296, 2 ** 53, 1e20, 1e308]),
        ];
      case 3:
        return ['fraction', random.pick([7.5, 0.1, -1.5, 1e-7, 2147483647.5])];
      case 4:
        return [
          'wrong-type',
          random.pick([[], {}, true, false, null, '12', 12, ['a'], { a: 1 }, '']),
        ];
      case 5:
        return ['huge-string', longString(random, random.size(1_000_000))];
      case 6: {
        const depth = random.size(200_000);
        const [open, close] = random.pick([
          ['[', ']'],
          ['{"a":', '}'],
        ] as const);
        return ['deep', this.spliced(open.repeat(depth) + '1' + close.repeat(depth))];
      }
      case 7:
        return ['huge-array', Array.from({ length: random.size(200_000) }, (_, i) => i)];
      case 8:
        return ['raw-literal', this.spliced(random.pick(RAW_LITERALS))];
      case 9:
        return ['odd-character', random.pick(ODD_CHARACTERS)];
      default:
        return ['odd-string', oddString(random)];
    }
  }

  /** One mutation at a field (fields forges fill in are picked five times as often). */
  mutate(random: Random): this {
    const paths = pathsOf(this.value);
    if (paths.length === 0 || random.chance(0.04)) {
      const [name, value] = this.replacement(random, this.value);
      this.steps.push(`${name} as the whole body`);
      this.value = value;
      return this;
    }
    const interesting = paths.filter((p) => INTERESTING.test(String(p[p.length - 1])));
    const path = random.pick(interesting.length > 0 && random.chance(0.7) ? interesting : paths);
    const parent = parentAt(this.value, path);
    const key = path[path.length - 1]!;
    if (parent === null) return this;
    const where = path.join('.');
    if (random.chance(0.12)) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      this.steps.push(`delete ${where}`);
      return this;
    }
    const [name, value] = this.replacement(random, parent[key]);
    parent[key] = value;
    this.steps.push(`${name} at ${where}`);
    return this;
  }

  text(): string {
    let text = JSON.stringify(this.value) ?? 'null';
    for (const [key, raw] of this.raw) text = text.split(`"${key}"`).join(raw);
    return text;
  }

  /** The body as bytes, now and then with bytes that are not UTF-8 inside a string. */
  bytes(random: Random, badUtf8Chance: number): Buffer {
    const bytes = Buffer.from(this.text(), 'utf8');
    if (!random.chance(badUtf8Chance)) return bytes;
    const starts: number[] = [];
    for (
      let i = bytes.indexOf(':"');
      i >= 0 && starts.length < 10_000;
      i = bytes.indexOf(':"', i + 2)
    )
      starts.push(i + 2);
    if (starts.length === 0) return bytes;
    const at = random.pick(starts);
    const bad = random.pick(BAD_UTF8);
    this.steps.push(`bytes ${bad.map((b) => b.toString(16)).join(' ')} in a string`);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  }
}
