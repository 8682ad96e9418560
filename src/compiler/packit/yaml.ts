/**
 * Reads a `.packit.yaml` the way Packit's PyYAML `safe_load` does: YAML 1.1 (yes/no/on/off
 * are booleans, but y/n and "." stay strings), a repeated key is a warning (the last one
 * wins), an empty file is `{}`, and with several `<<` merge keys in one mapping the later one
 * wins. Hostile input (size, depth,
 * alias bombs) is refused by loadYaml; a self-referencing alias is refused here.
 */
import { isAlias, isMap, isPair, isSeq, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import {
  isMergeKey,
  LIMITS,
  loadYaml,
  Locator,
  makeDiagnostic,
  spanOf,
  type YamlSource,
} from '../yaml-source.js';
import type { PackitLocator } from './locate.js';
import { PACKIT_WORDS, packitSays } from './words.js';

export type PackitYaml =
  | {
      ok: true;
      source: YamlSource;
      locator: PackitLocator;
      value: Record<string, unknown>;
      diagnostics: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

export function readPackitYaml(text: string, file: string): PackitYaml {
  const loaded = loadYaml(text, file, { version: '1.1', duplicateKeys: 'warning' });
  if (!loaded.ok) {
    const diagnostics = loaded.diagnostics.map((d) =>
      d.rule === 'syntax' && d.severity === 'error'
        ? { ...d, message: d.message + packitSays(PACKIT_WORDS.syntax) }
        : d,
    );
    return { ok: false, diagnostics };
  }
  const { source } = loaded;
  const diagnostics = [...loaded.diagnostics];
  const locator = new Locator(source);
  const retyped = asPyYaml(source);
  if (laterMergesFirst(source.doc.contents) || retyped) {
    source.value = source.doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  }
  const cycle = selfReference(source.doc);
  if (cycle) {
    const [start, end] = cycle.range ?? [0, 1];
    diagnostics.push(
      makeDiagnostic(
        file,
        spanOf(source.text, source.lineCounter, start, end),
        'limits',
        'this alias refers to a mapping or list that contains it; a Packit config cannot be circular',
      ),
    );
    return { ok: false, diagnostics };
  }
  const value = source.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    diagnostics.push(
      makeDiagnostic(
        file,
        locator.span([]),
        'schema',
        `a Packit config is a mapping of keys (specfile_path, jobs, ...); the file holds ${what}` +
          packitSays(PACKIT_WORDS.notMapping),
      ),
    );
    return { ok: false, diagnostics };
  }
  return { ok: true, source, locator, value: value as Record<string, unknown>, diagnostics };
}

/**
 * PyYAML lets the last of several `<<` keys win; the `yaml` library lets the first win. Reversing
 * the merge keys of each mapping gives PyYAML's result (explicit keys win either way).
 * Returns whether anything moved.
 */
function laterMergesFirst(root: unknown): boolean {
  let moved = false;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const slots = node.items.flatMap((pair, i) => (isMergeKey(pair.key) ? [i] : []));
      if (slots.length > 1) {
        const merges = slots.map((i) => node.items[i]!).reverse();
        slots.forEach((slot, k) => (node.items[slot] = merges[k]!));
        moved = true;
      }
      for (const pair of node.items) stack.push(pair.value);
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return moved;
}

/**
 * Where the `yaml` library's YAML 1.1 differs from PyYAML's on plain scalars: it reads y, Y, n
 * and N as booleans and "." as a float (NaN); PyYAML keeps them strings (`env: {DEBUG: y}`,
 * `files_to_sync: [{src: x, dest: .}]`). Returns whether any was changed back.
 */
function asPyYaml(source: YamlSource): boolean {
  let changed = false;
  visit(source.doc, {
    Scalar(_, node) {
      if (node.type !== 'PLAIN' || !node.range) return;
      const written = source.text.slice(node.range[0], node.range[1]);
      const letter = typeof node.value === 'boolean' && /^[yYnN]$/.test(written);
      const dot = Number.isNaN(node.value) && !/^\.nan$/i.test(written);
      if (letter || dot) {
        node.value = written;
        changed = true;
      }
    },
  });
  return changed;
}

/** An alias inside the node it names (`a: &x {b: *x}`) makes a circular value. */
function selfReference(doc: Document.Parsed): Node | undefined {
  const visit = (node: unknown, ancestors: Set<unknown>): Node | undefined => {
    if (isAlias(node)) return ancestors.has(node.resolve(doc)) ? node : undefined;
    const children = isMap(node)
      ? node.items.filter(isPair).map((pair) => pair.value)
      : isSeq(node)
        ? node.items
        : [];
    if (children.length === 0) return undefined;
    ancestors.add(node);
    for (const child of children) {
      const found = visit(child, ancestors);
      if (found) return found;
    }
    ancestors.delete(node);
    return undefined;
  };
  return visit(doc.contents, new Set());
}
