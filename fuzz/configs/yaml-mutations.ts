/**
 * Mutations of a config's YAML structure, through the `yaml` library's document model so that
 * comments, anchors and styles survive: keys renamed (to real keys, typos, odd text, a
 * sibling's name: duplicate keys), pairs copied or deleted, values swapped for wrong types,
 * anchors and aliases injected (an alias inside its own anchor makes the self-referential kind),
 * merge keys, deep flow nesting. A mutation that cannot apply leaves the document as it was.
 */
import {
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { ODD_STRINGS, oddString } from '../hostile-text.js';
import type { Random } from '../random.js';

export interface StructureMutation {
  name: string;
  /** Edits `doc` in place. */
  apply(random: Random, doc: Document.Parsed, nest: Nesting): void;
}

/** Deep nesting is spliced in as text after stringifying (the library recurses per level). */
export class Nesting {
  readonly spliced = new Map<string, string>();

  placeholder(random: Random): string {
    const depth = random.size(60_000);
    const [open, close] = random.pick([
      ['[', ']'],
      ['{a: ', '}'],
      ['[{x: ', '}]'],
    ] as const);
    const key = `FUZZNEST${this.spliced.size}Z`;
    this.spliced.set(key, open.repeat(depth) + close.repeat(depth));
    return key;
  }

  splice(text: string): string {
    let out = text;
    for (const [key, value] of this.spliced) out = out.split(key).join(value);
    return out;
  }
}

const KEY_NAMES = [
  'version',
  'name',
  'on',
  'env',
  'defaults',
  'concurrency',
  'jobs',
  'uses',
  'with',
  'needs',
  'matrix',
  'include',
  'exclude',
  'sleep',
  'wait_for',
  'poll',
  'if',
  'retry',
  'report',
  'until',
  'every',
  'timeout',
  'deadline',
  'command',
  'shell',
  'env',
  'pull_request',
  'push',
  'comment',
  'manual',
  'schedule',
  'branches',
  'paths',
  'types',
  'job',
  'trigger',
  'targets',
  'packages',
  'specfile_path',
  'upstream_package_name',
  'downstream_package_name',
  'files_to_sync',
  'actions',
  'metadata',
  'branch',
  'dist_git_branches',
  'identifier',
  'skip_build',
  'tmt_plan',
  'manual_trigger',
  'require',
  'labels',
  'packit_instances',
  '<<',
  '_',
] as const;

interface Collected {
  nodes: Node[];
  pairs: { pair: Pair; map: YAMLMap }[];
}

function collect(doc: Document.Parsed): Collected {
  const nodes: Node[] = [];
  const pairs: Collected['pairs'] = [];
  visit(doc, {
    Node(_key, node) {
      nodes.push(node);
    },
    Pair(_key, pair, path) {
      const parent = path[path.length - 1];
      if (isMap(parent)) pairs.push({ pair, map: parent });
    },
  });
  return { nodes, pairs };
}

function keyText(pair: Pair): string | null {
  return isScalar(pair.key) ? String(pair.key.value) : null;
}

/** A value of the wrong type, or an odd one. */
function oddValue(random: Random, doc: Document.Parsed, nest: Nesting): Node {
  switch (random.int(9)) {
    case 0:
      return doc.createNode(random.pick([2147483648, -2147483649, 1e308, 0.5, -1, 0, 2 ** 53 + 2]));
    case 1:
      return doc.createNode(random.pick([true, false, null]));
    case 2:
      return doc.createNode([]);
    case 3:
      return doc.createNode({});
    case 4:
      return doc.createNode(Array.from({ length: random.size(20_000) }, (_, i) => `v${i}`));
    case 5:
      return doc.createNode(
        Object.fromEntries(Array.from({ length: random.size(5_000) }, (_, i) => [`k${i}`, i])),
      );
    case 6:
      return doc.createNode(nest.placeholder(random));
    default:
      return doc.createNode(oddString(random));
  }
}

function renamed(random: Random, key: string, siblings: string[]): string {
  switch (random.int(4)) {
    case 0:
      return random.pick(KEY_NAMES);
    case 1: {
      // A typo: a letter dropped or doubled.
      const i = random.int(Math.max(1, key.length));
      return random.chance(0.5)
        ? key.slice(0, i) + key.slice(i + 1)
        : key.slice(0, i + 1) + key.slice(i);
    }
    case 2:
      return siblings.length > 0 ? random.pick(siblings) : key; // a duplicate key
    default:
      return random.chance(0.5) ? random.pick(ODD_STRINGS) : oddString(random);
  }
}

/** The pairs inside `node`, at any depth. */
function pairsWithin(node: Node): Set<Pair> {
  const found = new Set<Pair>();
  if (isCollection(node))
    visit(node, {
      Pair(_key, pair) {
        found.add(pair);
      },
    });
  return found;
}

export const STRUCTURE_MUTATIONS: readonly StructureMutation[] = [
  {
    name: 'rename-key',
    apply(random, doc) {
      const { pairs } = collect(doc);
      if (pairs.length === 0) return;
      const { pair, map } = random.pick(pairs);
      const key = keyText(pair);
      if (key === null) return;
      const siblings = map.items.map(keyText).filter((k): k is string => k !== null && k !== key);
      pair.key = doc.createNode(renamed(random, key, siblings));
    },
  },
  {
    name: 'copy-pair',
    apply(random, doc) {
      const { pairs } = collect(doc);
      if (pairs.length === 0) return;
      const { pair, map } = random.pick(pairs);
      map.items.splice(random.int(map.items.length + 1), 0, pair.clone(doc.schema));
    },
  },
  {
    name: 'delete',
    apply(random, doc) {
      const collections = collect(doc).nodes.filter((n) => isCollection(n) && n.items.length > 0);
      if (collections.length === 0) return;
      const target = random.pick(collections);
      if (isCollection(target)) target.items.splice(random.int(target.items.length), 1);
    },
  },
  {
    name: 'odd-value',
    apply(random, doc, nest) {
      const { pairs } = collect(doc);
      if (pairs.length === 0) return;
      random.pick(pairs).pair.value = oddValue(random, doc, nest);
    },
  },
  {
    name: 'wrap-value',
    apply(random, doc) {
      const { pairs } = collect(doc);
      if (pairs.length === 0) return;
      const { pair } = random.pick(pairs);
      pair.value = doc.createNode(random.chance(0.5) ? [pair.value] : { x: pair.value });
    },
  },
  {
    // An anchor on one node and an alias to it elsewhere; inside the node itself now and
    // then: the self-referential alias of issue 12 (`x: &x [*x]`).
    name: 'alias',
    apply(random, doc) {
      const { nodes, pairs } = collect(doc);
      const targets = nodes.filter((n) => isCollection(n) || isScalar(n));
      if (targets.length === 0 || pairs.length === 0) return;
      const anchored = random.pick(targets);
      const within = pairsWithin(anchored);
      const inside = pairs.filter(({ pair }) => within.has(pair));
      const pool = random.chance(0.4) && inside.length > 0 ? inside : pairs;
      const { pair } = random.pick(pool);
      if (pair.value === anchored) return;
      pair.value = doc.createAlias(anchored, `a${random.int(4)}`);
    },
  },
  {
    name: 'merge-key',
    apply(random, doc) {
      const maps = collect(doc).nodes.filter(isMap);
      if (maps.length === 0) return;
      const into = random.pick(maps);
      const from = random.pick(maps);
      const alias = doc.createAlias(from, `m${random.int(4)}`);
      const value = random.chance(0.3) ? doc.createNode([alias, alias]) : alias;
      into.items.splice(random.int(into.items.length + 1), 0, doc.createPair('<<', value));
    },
  },
  {
    name: 'huge-sequence',
    apply(random, doc) {
      const seqs = collect(doc).nodes.filter(isSeq);
      if (seqs.length === 0) return;
      const seq = random.pick(seqs);
      const first = seq.items[0];
      const count = random.size(50_000);
      for (let i = 0; i < count; i++)
        seq.items.push(
          isScalar(first) ? doc.createNode(`${String(first.value)}-${i}`) : doc.createNode(i),
        );
    },
  },
];

/** The text of a mutated document; null when the library cannot write it (its limit, not ours). */
export function mutateStructure(
  random: Random,
  text: string,
  mutations: readonly StructureMutation[],
): string | null {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return null;
  const nest = new Nesting();
  try {
    for (const mutation of mutations) mutation.apply(random, doc, nest);
    return nest.splice(doc.toString({ lineWidth: 0 }));
  } catch {
    return null;
  }
}
