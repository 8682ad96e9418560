/**
 * Which node each alias names, and what the document becomes once its aliases are expanded,
 * found in one walk before anything expands them. The `yaml` library's `Alias#resolve` walks
 * the whole document for every alias it resolves, which made a file with many aliases quadratic
 * to read (8 ms for a 6 kB .packit.yaml); this index gives the same answer: the last node with
 * that anchor before the alias, in document order (keys before values).
 *
 * The same walk measures the expansion, so that hostile YAML is refused before it is turned
 * into data: an alias inside the node it names (`x: &x [*x]`) would make a circular value that
 * every later walk follows forever; a few aliases of aliases make billions of values. It counts
 * aliases, and for each node the values, scalar characters and depth of its expansion (an alias
 * weighs what it names, measured when that node was walked), and stops at the first node that
 * crosses a limit of limits.ts. Iterative: depth is what it measures, not what it risks.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Node } from 'yaml';
import { COMPILE_LIMITS, count } from './limits.js';

export interface Refusal {
  /** Where to point (offsets in the text): the alias or value that crosses the limit. */
  range: readonly [number, number] | undefined;
  message: string;
  /** `syntax` for an alias that names nothing, `limits` for the rest. */
  rule: 'syntax' | 'limits';
}

export interface AnchorIndex {
  targets: ReadonlyMap<Alias, Node | undefined>;
  /** The first node that makes the document circular or too large once expanded. */
  refusal: Refusal | undefined;
}

export type ExpansionLimits = Pick<
  typeof COMPILE_LIMITS,
  'maxAliases' | 'maxExpandedValues' | 'maxExpandedChars' | 'maxDepth'
>;

interface Size {
  values: number;
  chars: number;
  /** Levels, the node's own included. */
  depth: number;
}

/** A collection being walked: its children still to walk and the size of those walked. */
interface Frame {
  node: unknown;
  children: unknown[];
  next: number;
  size: Size;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

export function indexAnchors(root: unknown, limits: ExpansionLimits = COMPILE_LIMITS): AnchorIndex {
  const named = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  const sizes = new Map<Node, Size>();
  const open = new Set<unknown>();
  const total: Size = { values: 0, chars: 0, depth: 0 };
  let aliases = 0;
  const stack: Frame[] = [];

  /** Adds a walked node's own weight (or an alias's whole expansion) at the current depth. */
  const add = (node: unknown, weight: Size, kind: 'alias' | 'value'): void => {
    total.values += weight.values;
    total.chars += weight.chars;
    const depth = stack.length + weight.depth;
    const why = kind === 'alias' ? ' once this alias is expanded' : '';
    const bomb = aliases > 0 ? ' (is this a YAML alias bomb?)' : '';
    if (depth > limits.maxDepth)
      throw refuse(
        node,
        `nested more than ${count(limits.maxDepth)} levels deep${why}; a config may nest at most ${count(limits.maxDepth)}`,
      );
    if (total.values > limits.maxExpandedValues)
      throw refuse(
        node,
        `the file holds more than ${count(limits.maxExpandedValues)} values${why}; a config may hold at most ${count(limits.maxExpandedValues)}${bomb}`,
      );
    if (total.chars > limits.maxExpandedChars)
      throw refuse(
        node,
        `the file holds more than ${mib(limits.maxExpandedChars)} of text${why}; a config may hold at most ${mib(limits.maxExpandedChars)}${bomb}`,
      );
  };

  /** Records a finished node's size into its parent (and for an alias's later use). */
  const finish = (node: unknown, size: Size): void => {
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) sizes.set(node, size);
    }
    const parent = stack[stack.length - 1];
    if (!parent) return;
    parent.size.values += size.values;
    parent.size.chars += size.chars;
    parent.size.depth = Math.max(parent.size.depth, size.depth + 1);
  };

  const enter = (node: unknown): void => {
    if (node === null || node === undefined) return;
    if (isAlias(node)) {
      const target = named.get(node.source);
      targets.set(node, target);
      if (++aliases > limits.maxAliases)
        throw refuse(
          node,
          `more than ${count(limits.maxAliases)} aliases in the file; a config may use at most ${count(limits.maxAliases)}`,
        );
      if (!target)
        throw refuse(
          node,
          `unresolved alias *${node.source}: no anchor &${node.source} comes before it`,
          'syntax',
        );
      if (open.has(target))
        throw refuse(
          node,
          `alias *${node.source} refers to a mapping or list that contains it; a config cannot be circular`,
        );
      const size = sizes.get(target) ?? { values: 1, chars: 0, depth: 1 };
      add(node, size, 'alias');
      finish(node, size);
      return;
    }
    if (isScalar(node)) {
      if (node.anchor) named.set(node.anchor, node);
      const value = node.value;
      const size = { values: 1, chars: typeof value === 'string' ? value.length : 0, depth: 1 };
      add(node, size, 'value');
      finish(node, size);
      return;
    }
    if (isMap(node) || isSeq(node) || isPair(node)) {
      if (!isPair(node) && node.anchor) named.set(node.anchor, node);
      // A pair written in a flow sequence (`[a: b]`) is a mapping of its own.
      const children: unknown[] = isMap(node)
        ? node.items.flatMap((pair) => [pair.key, pair.value])
        : isPair(node)
          ? [node.key, node.value]
          : [...node.items];
      add(isPair(node) ? node.key : node, { values: 1, chars: 0, depth: 1 }, 'value');
      open.add(node);
      stack.push({ node, children, next: 0, size: { values: 1, chars: 0, depth: 1 } });
      return;
    }
    // Anything else the library may hold (a bare Pair at the top, a document): nothing to expand.
  };

  try {
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.children.length) {
        enter(frame.children[frame.next++]);
        continue;
      }
      stack.pop();
      open.delete(frame.node);
      finish(frame.node, frame.size);
    }
  } catch (error) {
    if (error instanceof Refused) return { targets, refusal: error.refusal };
    throw error;
  }
  return { targets, refusal: undefined };
}

function refuse(node: unknown, message: string, rule: Refusal['rule'] = 'limits'): Refused {
  const range = (node as Partial<Node> | null)?.range;
  return new Refused({ range: range ? [range[0], range[1]] : undefined, message, rule });
}

function mib(chars: number): string {
  return `${count(chars / 1024 / 1024)} MiB`;
}
