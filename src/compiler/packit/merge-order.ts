/**
 * PyYAML lets the last of several `<<` keys in one mapping win; the `yaml` library lets the
 * first win. Reversing the merge keys among themselves gives PyYAML's result (explicit keys
 * win either way).
 */
import type { YAMLMap } from 'yaml';
import { isMergeKey } from '../yaml-source.js';

export function laterMergesFirst(node: YAMLMap): void {
  const slots: number[] = [];
  node.items.forEach((pair, i) => {
    if (isMergeKey(pair.key)) slots.push(i);
  });
  const merges = slots.map((i) => node.items[i]!).reverse();
  slots.forEach((slot, k) => (node.items[slot] = merges[k]!));
}
