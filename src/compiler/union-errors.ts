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
  let remaining = [...errors];
  const done = new Set<ErrorObject>();
  for (;;) {
    const union = remaining
      .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !done.has(e))
      .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
    if (!union) return remaining;
    done.add(union);
    const branches = (union.schema as Schema[] | undefined) ?? [];
    const inBranch = (e: ErrorObject, i: number) =>
      e.schemaPath.startsWith(`${union.schemaPath}/${i}/`) &&
      (e.instancePath === union.instancePath ||
        e.instancePath.startsWith(`${union.instancePath}/`));
    const branchOf = (e: ErrorObject) => branches.findIndex((_, i) => inBranch(e, i));

    if (branches.length > 0 && branches.every((b) => requiredOnly(b) !== undefined)) {
      remaining = remaining.filter((e) => branchOf(e) === -1);
      continue;
    }
    const type = jsonType(valueAt(data, pointerToPath(union.instancePath)));
    const best = branches
      .map((branch, i) => ({ i, branch, count: remaining.filter((e) => inBranch(e, i)).length }))
      .filter(({ branch }) => typeMatches(typesOf(branch), type) && branch.const === undefined)
      .sort((a, b) => a.count - b.count)[0];
    remaining = remaining.filter((e) => {
      const index = branchOf(e);
      if (index === -1) return e !== union || !best;
      return best !== undefined && index === best.i;
    });
  }
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
