/**
 * Plain JavaScript values ⇄ `@actions/expressions` data, for the runtime evaluator.
 *
 * Every walk here is recursive but depth-limited (MAX_DEPTH containers) and size-limited
 * (MAX_NODES values), so a hostile or accidental value — nested 10,000 levels deep, cyclic, or a
 * DAG that shares objects exponentially — throws ConversionError instead of overflowing the stack
 * or hanging.
 */
import { data } from '@actions/expressions';
import type { Pair } from '@actions/expressions/data/expressiondata';

/** Containers nested deeper than this are rejected (the root container is level 1). */
export const MAX_DEPTH = 64;
/** Values (containers and leaves) visited by one conversion before it gives up. */
export const MAX_NODES = 1_000_000;

export class ConversionError extends Error {
  override readonly name = 'ConversionError';
}

/** Depth, cycle and size bookkeeping shared by the walks below. */
export class Guard {
  #nodes = 0;
  readonly #ancestors = new Set<object>();

  /** Counts a leaf. */
  leaf(): void {
    if (++this.#nodes > MAX_NODES) {
      throw new ConversionError(`value has more than ${MAX_NODES.toLocaleString('en')} parts`);
    }
  }

  /** Enters `container` at `depth` (1 for the root); pair with `leave`. */
  enter(container: object, depth: number): void {
    this.leaf();
    if (this.#ancestors.has(container)) throw new ConversionError('value is cyclic');
    if (depth > MAX_DEPTH) {
      throw new ConversionError(`value is nested deeper than ${MAX_DEPTH} levels`);
    }
    this.#ancestors.add(container);
  }

  leave(container: object): void {
    this.#ancestors.delete(container);
  }
}

/**
 * The library's Dictionary indexes keys in a plain object and tests them with `in`, so a key that
 * lower-cases to an Object.prototype member (`constructor`, `__proto__`) is silently dropped and
 * reads back as null. This one keeps the same semantics (case-insensitive, first key wins) on a Map.
 */
class SafeDictionary extends data.Dictionary {
  readonly #index = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #values: data.ExpressionData[] = [];

  override add(key: string, value: data.ExpressionData): void {
    const folded = key.toLowerCase();
    if (this.#index.has(folded)) return;
    this.#index.set(folded, this.#values.length);
    this.#keys.push(key);
    this.#values.push(value);
  }

  override get(key: string): data.ExpressionData | undefined {
    const index = this.#index.get(key.toLowerCase());
    return index === undefined ? undefined : this.#values[index];
  }

  override values(): data.ExpressionData[] {
    return this.#values;
  }

  override pairs(): Pair[] {
    return this.#keys.map((key, i) => ({ key, value: this.#values[i] ?? new data.Null() }));
  }
}

/** Context data that the evaluator reads by name, converting each context on first use. */
export class LazyContexts extends data.Dictionary {
  readonly #sources = new Map<string, unknown>();
  readonly #converted = new Map<string, data.ExpressionData>();

  constructor(contexts: Iterable<[string, unknown]>) {
    super();
    for (const [name, value] of contexts) {
      const folded = name.toLowerCase();
      if (!this.#sources.has(folded)) this.#sources.set(folded, value);
    }
  }

  override get(key: string): data.ExpressionData | undefined {
    const folded = key.toLowerCase();
    if (!this.#sources.has(folded)) return undefined;
    let value = this.#converted.get(folded);
    if (value === undefined) {
      value = toExpressionData(this.#sources.get(folded));
      this.#converted.set(folded, value);
    }
    return value;
  }
}

/**
 * JS → expression data. Objects become dictionaries (own enumerable string keys), arrays (and
 * Sets) arrays, Maps dictionaries keyed by String(key); `undefined`, functions and symbols
 * null; bigints numbers. A value with a `toJSON` method (Date → ISO string) is replaced by its
 * result first, as JSON.stringify does.
 */
export function toExpressionData(value: unknown): data.ExpressionData {
  const guard = new Guard();
  const convert = (input: unknown, depth: number): data.ExpressionData => {
    const value = withToJSON(input);
    switch (typeof value) {
      case 'string':
        guard.leaf();
        return new data.StringData(value);
      case 'number':
        guard.leaf();
        return new data.NumberData(value);
      case 'bigint':
        guard.leaf();
        return new data.NumberData(Number(value));
      case 'boolean':
        guard.leaf();
        return new data.BooleanData(value);
      case 'object':
        if (value === null) break;
        return convertContainer(value, depth);
    }
    guard.leaf();
    return new data.Null();
  };
  const convertContainer = (value: object, depth: number): data.ExpressionData => {
    guard.enter(value, depth);
    let result: data.ExpressionData;
    if (Array.isArray(value) || value instanceof Set) {
      const array = new data.Array();
      const items: readonly unknown[] = Array.isArray(value) ? value : [...value];
      // Indexed, not for…of: holes in sparse arrays become null like JSON's.
      for (let i = 0; i < items.length; i++) array.add(convert(items[i], depth + 1));
      result = array;
    } else {
      const dictionary = new SafeDictionary();
      const entries =
        value instanceof Map
          ? [...value.entries()]
          : Object.entries(value as Record<string, unknown>);
      for (const [key, item] of entries) dictionary.add(String(key), convert(item, depth + 1));
      result = dictionary;
    }
    guard.leave(value);
    return result;
  };
  return convert(value, 1);
}

function withToJSON(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function'
    ? (toJSON as (key: string) => unknown).call(value, '')
    : value;
}

/** Expression data → JS: dictionaries → objects (original key case), arrays → arrays. */
export function toPlain(value: data.ExpressionData): unknown {
  const guard = new Guard();
  const convert = (value: data.ExpressionData, depth: number): unknown => {
    switch (value.kind) {
      case data.Kind.Null:
        guard.leaf();
        return null;
      case data.Kind.Boolean:
      case data.Kind.Number:
      case data.Kind.String:
        guard.leaf();
        return value.value;
      case data.Kind.Array: {
        guard.enter(value, depth);
        const result = value.values().map((item) => convert(item, depth + 1));
        guard.leave(value);
        return result;
      }
      case data.Kind.Dictionary: {
        guard.enter(value, depth);
        const result: Record<string, unknown> = {};
        for (const { key, value: item } of value.pairs()) {
          setKey(result, key, convert(item, depth + 1));
        }
        guard.leave(value);
        return result;
      }
    }
  };
  return convert(value, 1);
}

/**
 * A value as it reads inside a string: the library's coerceString() for primitives (null → '',
 * true → 'true', numbers to at most 15 significant decimals). For objects and arrays
 * coerceString() returns the words "Object" and "Array" — what GitHub Actions prints too, and
 * never what anyone wants in a URL or a comment — so we deliberately diverge and write the JSON
 * that `toJSON(value)` would produce (pretty-printed with two spaces): `${{ x }}` inside text reads
 * the same as `${{ toJSON(x) }}`.
 */
export function toText(value: data.ExpressionData): string {
  if (value.kind === data.Kind.Array || value.kind === data.Kind.Dictionary) {
    return JSON.stringify(toPlain(value), null, 2);
  }
  return value.coerceString();
}

/**
 * Deep copy of arrays and plain objects with every string replaced by `map(string)`; other values
 * (numbers, Dates, class instances, …) are kept as they are. Keys are never mapped.
 */
export function mapStrings(value: unknown, map: (text: string) => unknown): unknown {
  const guard = new Guard();
  const convert = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      guard.leaf();
      return map(value);
    }
    if (Array.isArray(value)) {
      guard.enter(value, depth);
      const result: unknown[] = [];
      for (let i = 0; i < value.length; i++) result.push(convert(value[i], depth + 1));
      guard.leave(value);
      return result;
    }
    if (isPlainObject(value)) {
      guard.enter(value, depth);
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value))
        setKey(result, key, convert(item, depth + 1));
      guard.leave(value);
      return result;
    }
    guard.leaf();
    return value;
  };
  return convert(value, 1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `result[key] = value`, except that a `__proto__` key stays an ordinary property. */
function setKey(result: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(result, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    result[key] = value;
  }
}
