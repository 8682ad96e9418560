/**
 * A JSON Schema with its local `$ref`s (`#/definitions/name`) replaced by what they name, for
 * ajv. ajv compiles a referenced definition into a function of its own and appends that
 * function's errors with `concat`, copying every error so far: 30,000 wrong items of a list
 * of references took 9 s (a hostile .packit.yaml from the fuzzer). Inlined, errors are pushed.
 * Our schemas are not recursive; a cycle is a programming error and throws.
 */
type Json = unknown;

export function inlineRefs(schema: Record<string, Json>): Record<string, Json> {
  const definitions = (schema.definitions ?? {}) as Record<string, Json>;
  const resolve = (node: Json, trail: readonly string[]): Json => {
    if (Array.isArray(node)) return node.map((item) => resolve(item, trail));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Record<string, Json>;
    const out: Record<string, Json> = {};
    if (typeof $ref === 'string') {
      const name = /^#\/definitions\/([^/]+)$/.exec($ref)?.[1];
      if (name === undefined || !(name in definitions))
        throw new Error(`cannot inline $ref ${$ref}`);
      if (trail.includes(name)) throw new Error(`recursive $ref ${$ref}`);
      Object.assign(out, resolve(definitions[name], [...trail, name]));
    }
    for (const [key, value] of Object.entries(rest))
      if (key !== 'definitions') out[key] = resolve(value, trail);
    return out;
  };
  return resolve(schema, []) as Record<string, Json>;
}
