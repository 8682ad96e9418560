/**
 * Deferred secrets: a template that reads `secrets` (directly, or through an env variable set
 * from one) is not evaluated when its node is scheduled; it is kept as written, so the graph,
 * the stored input and the history hold the expression, never the value. Only when an attempt
 * starts is it evaluated, with the secrets and nothing else (the compiler makes sure such a
 * template reads nothing else). Which strings are deferred is always decided on the template
 * (from the config), never on evaluated text, so event data that looks like `${{ secrets.X }}`
 * stays text.
 */
import { secretKey } from '../common/secrets.js';
import type { DeferredSecrets, InputPath } from '../contracts/graph.js';
import { templateReferences, type Reference } from './check.js';
import { evaluateTemplate } from './evaluate.js';
import { hasExpression } from './template.js';

function readsSecret(reference: Reference, secretEnv: ReadonlySet<string>): boolean {
  const [context, name] = reference;
  return context === 'secrets' || (context === 'env' && name !== undefined && secretEnv.has(name));
}

/** Whether a template reads a secret, directly or through an env variable set from one. */
export function readsSecrets(
  template: string,
  secretEnv: ReadonlySet<string> = new Set(),
): boolean {
  // Most strings read neither: they are not parsed (context names are case-insensitive).
  if (!hasExpression(template)) return false;
  if (!/secrets/i.test(template) && (secretEnv.size === 0 || !/env/i.test(template))) return false;
  return templateReferences(template)?.some((r) => readsSecret(r, secretEnv)) === true;
}

/** The env variables (templates) that are set from secrets. */
export function secretEnvNames(env: Readonly<Record<string, string>>): Set<string> {
  return new Set(Object.keys(env).filter((name) => readsSecrets(env[name] ?? '')));
}

/** The secret names (upper-case) a template reads directly. */
export function secretNamesIn(template: string): string[] {
  const names = (templateReferences(template) ?? []).flatMap(([context, name]) =>
    context === 'secrets' && name !== undefined ? [secretKey(name)] : [],
  );
  return [...new Set(names)];
}

/** Where in an input template the deferred strings are (iterative: depth is no risk). */
export function deferredPaths(input: unknown, secretEnv: ReadonlySet<string>): InputPath[] {
  const paths: InputPath[] = [];
  const stack: [unknown, InputPath][] = [[input, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (readsSecrets(value, secretEnv)) paths.push(path);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, [...path, key]]);
    }
  }
  return paths.reverse();
}

/** What an input template defers, given the env templates of its node. */
export function deferredSecrets(
  input: unknown,
  env: Readonly<Record<string, string>>,
): DeferredSecrets {
  const names = secretEnvNames(env);
  return {
    paths: deferredPaths(input, names),
    env: Object.fromEntries(Object.entries(env).filter(([name]) => names.has(name))),
  };
}

/** `keep` for evaluateValue at schedule time: the strings to leave as written. */
export function keepSecretTemplates(
  env: Readonly<Record<string, string>>,
): (template: string) => boolean {
  const names = secretEnvNames(env);
  return (template) => readsSecrets(template, names);
}

export function valueAt(root: unknown, path: InputPath): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * The input with each deferred template evaluated: with the secrets and the env variables set
 * from them, and nothing else. The stored input holds the templates at `deferred.paths`.
 */
export function resolveDeferred(
  stored: unknown,
  deferred: DeferredSecrets,
  secrets: Readonly<Record<string, string>>,
): unknown {
  const env = Object.fromEntries(
    Object.entries(deferred.env).map(([name, template]) => {
      const value = evaluateTemplate(template, { secrets });
      return [name, typeof value === 'string' ? value : JSON.stringify(value)];
    }),
  );
  const resolved: unknown = structuredClone(stored);
  for (const path of deferred.paths) {
    const template = valueAt(resolved, path);
    if (typeof template !== 'string') continue;
    const value = evaluateTemplate(template, { secrets, env });
    if (path.length === 0) return value;
    const parent = valueAt(resolved, path.slice(0, -1)) as object;
    // defineProperty, not `=`: a key named __proto__ stays an ordinary property.
    Object.defineProperty(parent, path[path.length - 1]!, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return resolved;
}
