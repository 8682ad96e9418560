/**
 * How Packit's messages show values: Python's `repr` and type names, so that forgeflow can say
 * what Packit says ("Unknown key 'x' in {'x': 1}", "(type <class 'int'>)").
 */

/** Python's `repr` of a JSON-like value. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value;
}

/** Python's `type(value)` as printed: `<class 'str'>`. */
export function pyType(value: unknown): string {
  const name =
    value === null || value === undefined
      ? 'NoneType'
      : typeof value === 'boolean'
        ? 'bool'
        : typeof value === 'string'
          ? 'str'
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? 'int'
              : 'float'
            : Array.isArray(value)
              ? 'list'
              : 'dict';
  return `<class '${name}'>`;
}
