/**
 * ajv reports every branch of a failed union (`on:` may be a name, a list or a mapping), which
 * reads as noise. Keep only the errors of the branch whose type matches what the user wrote;
 * when no branch does, or the branches differ only in which key they require (`command` or
 * `shell`), keep the union's own error so one message can name the alternatives.
 */
import type { ErrorObject } from 'ajv';
import { jsonType } from './wording.js';
import { pointerToPath, valueAt } from './paths.js';

export type Schema = Record<string, unknown>;

export function collapseUnions(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const removed = new Set<ErrorObject>();
  const below = errorsBelow(errors);
  // Outer unions first (shortest schema path; stable, so file order breaks ties).
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (removed.has(union)) continue;
    // A branch's errors are at the union's place or below it.
    const candidates = (below.get(union.instancePath) ?? []).filter((e) => !removed.has(e));
    const branches = (union.schema as Schema[] | undefined) ?? [];
    const inBranch = (e: ErrorObject, i: number) =>
      e.schemaPath.startsWith(`${union.schemaPath}/${i}/`);
    const branchOf = (e: ErrorObject) => branches.findIndex((_, i) => inBranch(e, i));

    if (branches.length > 0 && branches.every((b) => requiredOnly(b) !== undefined)) {
      for (const e of candidates) if (branchOf(e) !== -1) removed.add(e);
      continue;
    }
    const type = jsonType(valueAt(data, pointerToPath(union.instancePath)));
    const counts = branches.map(() => 0);
    const indexes = new Map<ErrorObject, number>();
    for (const e of candidates) {
      const index = branchOf(e);
      indexes.set(e, index);
      if (index !== -1) counts[index]!++;
    }
    const best = branches
      .map((branch, i) => ({ i, branch, count: counts[i]! }))
      .filter(({ branch }) => typeMatches(typesOf(branch), type) && branch.const === undefined)
      .sort((a, b) => a.count - b.count)[0];
    for (const e of candidates) {
      const index = indexes.get(e)!;
      const keep = index === -1 ? e !== union || !best : best !== undefined && index === best.i;
      if (!keep) removed.add(e);
    }
  }
  return errors.filter((e) => !removed.has(e));
}

/**
 * For each instance path, the errors at it or below it, in their order: one pass, each error
 * listed under each of its (depth-bounded) ancestors, instead of a scan of all per union.
 */
function errorsBelow(errors: readonly ErrorObject[]): Map<string, ErrorObject[]> {
  const below = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const path = error.instancePath;
    for (let end = 0; end !== -1; end = path.indexOf('/', end + 1)) {
      const prefix = path.slice(0, end);
      let list = below.get(prefix);
      if (!list) below.set(prefix, (list = []));
      list.push(error);
      if (end === path.length) break;
    }
    if (path !== '') {
      let list = below.get(path);
      if (!list) below.set(path, (list = []));
      list.push(error);
    }
  }
  return below;
}

/** The key a branch such as `{ required: ['command'] }` asks for, if that is all it does. */
export function requiredOnly(schema: Schema): string | undefined {
  const required = schema.required;
  return Object.keys(schema).length === 1 && Array.isArray(required) && required.length === 1
    ? String(required[0])
    : undefined;
}

export function typesOf(schema: Schema): Set<string> {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type.map(String));
  if (schema.const !== undefined) return new Set([jsonType(schema.const)]);
  if (Array.isArray(schema.anyOf)) {
    return new Set((schema.anyOf as Schema[]).flatMap((s) => [...typesOf(s)]));
  }
  return new Set(['any']);
}

function typeMatches(types: Set<string>, type: string): boolean {
  return types.has('any') || types.has(type) || (type === 'integer' && types.has('number'));
}
