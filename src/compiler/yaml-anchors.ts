/**
 * Which node each alias names, found in one walk. The `yaml` library's `Alias#resolve` walks the
 * whole document for every alias it resolves, which made a file with many aliases quadratic
 * to read (8 ms for a 6 kB .packit.yaml); this index gives the same answer: the last node
 * with that anchor before the alias, in document order (keys before values).
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Node } from 'yaml';

export interface AnchorIndex {
  targets: ReadonlyMap<Alias, Node | undefined>;
  /** The first alias inside the node it names (`a: &x {b: *x}`), along values only. */
  cycle: Alias | undefined;
}

export function indexAnchors(root: unknown): AnchorIndex {
  const named = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  // The collections around the node being walked, when it is reached through values only.
  const ancestors = new Set<unknown>();
  let cycle: Alias | undefined;
  // Recursion is bounded: hostile-text.ts refuses nesting deeper than a few hundred levels.
  const walk = (node: unknown, inValue: boolean): void => {
    if (isAlias(node)) {
      const target = named.get(node.source);
      targets.set(node, target);
      if (!cycle && inValue && ancestors.has(target)) cycle = node;
    } else if (isScalar(node)) {
      if (node.anchor) named.set(node.anchor, node);
    } else if (isMap(node) || isSeq(node)) {
      if (node.anchor) named.set(node.anchor, node);
      if (inValue) ancestors.add(node);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          walk(item.key, false);
          // A pair written in a flow sequence (`[a: b]`) is no mapping of its own.
          walk(item.value, inValue && isMap(node));
        } else walk(item, inValue);
      }
      ancestors.delete(node);
    }
  };
  walk(root, true);
  return { targets, cycle };
}
