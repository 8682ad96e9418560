/**
 * `structuredClone` for the plain data a YAML file gives (objects, arrays, primitives), in
 * plain JavaScript: several times faster on small values, with the same result (objects shared
 * within the value stay shared in the copy, an own `__proto__` key stays a key). Anything else
 * in the value (a date, a set) sends the whole value to structuredClone.
 */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

export function clonePlain<T>(value: T): T {
  try {
    return copy(value, new Map()) as T;
  } catch (error) {
    if (error instanceof NotPlain) return structuredClone(value);
    throw error;
  }
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) {
    // structuredClone refuses these; so does it then.
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN;
    return value;
  }
  const known = seen.get(value);
  if (known !== undefined) return known;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Array.prototype) {
    const from = value as unknown[];
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < from.length; i++) {
      if (!(i in from)) throw NOT_PLAIN; // a hole
      out.push(copy(from[i], seen));
    }
    return out;
  }
  if (proto !== Object.prototype) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    const item = copy((value as Record<string, unknown>)[key], seen);
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: item,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else out[key] = item;
  }
  return out;
}
