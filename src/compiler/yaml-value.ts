/**
 * The document as plain data, exactly as `Document#toJS()` gives it (scalars kept as parsed,
 * `<<` merges, the alias-expansion cap and its errors), step for step like the library's code,
 * but resolving aliases through the index of yaml-anchors.ts instead of a walk of the whole
 * document per alias. What this does not mirror (tagged sets and ordered maps, keys that are
 * collections) is left to the library.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, YAMLMap, YAMLSeq } from 'yaml';
import type { Alias, Document, Node, Pair } from 'yaml';
import type { AnchorIndex } from './yaml-anchors.js';

interface Anchor {
  aliasCount: number;
  count: number;
  res: unknown;
}

interface Context {
  targets: AnchorIndex['targets'];
  anchors: Map<Node, Anchor>;
  maxAliasCount: number;
  mergeTag: boolean;
}

type Target = Record<string, unknown> | Map<unknown, unknown>;

/** Thrown for what only the library converts. */
export class Unsupported extends Error {}

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** `doc.toJS({ maxAliasCount })`. */
export function toPlain(doc: Document.Parsed, index: AnchorIndex, maxAliasCount: number): unknown {
  const mergeTag = doc.schema.tags.some((tag) => tag.tag === MERGE_TAG && Boolean(tag.default));
  try {
    return nodesToPlain(doc.contents, index, maxAliasCount, mergeTag);
  } catch (error) {
    if (error instanceof Unsupported) return doc.toJS({ maxAliasCount });
    throw error;
  }
}

/** The same for nodes built without a document; throws Unsupported where toPlain asks the library. */
export function nodesToPlain(
  root: unknown,
  index: AnchorIndex,
  maxAliasCount: number,
  mergeTag: boolean,
): unknown {
  return toJS(root, { targets: index.targets, anchors: new Map(), maxAliasCount, mergeTag });
}

function toJS(value: unknown, ctx: Context): unknown {
  if (isAlias(value)) {
    const found = resolve(value, ctx);
    if (!found)
      throw new ReferenceError(
        `Unresolved alias (the anchor must be set before the alias): ${value.source}`,
      );
    return ctx.anchors.get(found)?.res;
  }
  if (isPair(value)) {
    const single: Target = {};
    addPair(ctx, single, value);
    return single;
  }
  if (!isScalar(value) && !isMap(value) && !isSeq(value)) return value;
  const data: Anchor | undefined = value.anchor
    ? { aliasCount: 0, count: 1, res: undefined }
    : undefined;
  if (data) ctx.anchors.set(value, data);
  if (isScalar(value)) {
    if (data) data.res = value.value;
    return value.value;
  }
  return isMap(value) ? fromMap(value, ctx, false, data) : fromSeq(value, ctx, data);
}

function fromMap(node: YAMLMap, ctx: Context, asMap: boolean, data?: Anchor): Target {
  if (Object.getPrototypeOf(node) !== YAMLMap.prototype) throw new Unsupported();
  const map: Target = asMap ? new Map() : {};
  if (data) data.res = map;
  for (const pair of node.items) addPair(ctx, map, pair);
  return map;
}

function fromSeq(node: YAMLSeq, ctx: Context, data?: Anchor): unknown[] {
  if (Object.getPrototypeOf(node) !== YAMLSeq.prototype) throw new Unsupported();
  const seq: unknown[] = [];
  if (data) data.res = seq;
  for (const item of node.items) seq.push(toJS(item, ctx));
  return seq;
}

function addPair(ctx: Context, map: Target, { key, value }: Pair): void {
  if (isMerge(key, ctx)) return addMerge(ctx, map, value);
  const jsKey = toJS(key, ctx);
  if (map instanceof Map) {
    map.set(jsKey, toJS(value, ctx));
    return;
  }
  // The library prints a collection key as YAML (with a process warning): leave that to it.
  if (jsKey !== null && typeof jsKey === 'object') throw new Unsupported();
  // Never an object here (those went to the library just above).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const name = jsKey === null ? '' : String(jsKey);
  const jsValue = toJS(value, ctx);
  // `__proto__`, `toString`: an own property, never the prototype's.
  if (name in map) define(map, name, jsValue);
  else map[name] = jsValue;
}

function isMerge(key: unknown, ctx: Context): boolean {
  if (!isScalar(key)) return false;
  if ((key as { addToJSMap?: unknown }).addToJSMap) return true;
  const value = key.value;
  const merge = value === '<<' || (typeof value === 'symbol' && value.description === '<<');
  return merge && (!key.type || key.type === 'PLAIN') && ctx.mergeTag;
}

function addMerge(ctx: Context, map: Target, value: unknown): void {
  const source = isAlias(value) ? resolve(value, ctx) : value;
  if (isSeq(source)) for (const item of source.items) mergeValue(ctx, map, item);
  else mergeValue(ctx, map, source);
}

/** Keys already set stay; the source is converted afresh, as a Map (keys as parsed). */
function mergeValue(ctx: Context, map: Target, value: unknown): void {
  const source = isAlias(value) ? resolve(value, ctx) : value;
  if (!isMap(source)) throw new Error('Merge sources must be maps or map aliases');
  const from = fromMap(source, ctx, true) as Map<unknown, unknown>;
  for (const [key, item] of from) {
    if (map instanceof Map) {
      if (!map.has(key)) map.set(key, item);
    } else if (!Object.prototype.hasOwnProperty.call(map, key as PropertyKey)) {
      // defineProperty, as the library does, matters only for `__proto__` (and is slow).
      if (key === '__proto__') define(map, key, item);
      else map[key as string] = item;
    }
  }
}

function define(map: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `Alias#resolve(doc, ctx)`: the named node, counted against the expansion cap. */
function resolve(alias: Alias, ctx: Context): Node | undefined {
  if (ctx.maxAliasCount === 0) throw new ReferenceError('Alias resolution is disabled');
  const found = ctx.targets.get(alias);
  if (!found) return undefined;
  let data = ctx.anchors.get(found);
  if (!data) {
    toJS(found, ctx);
    data = ctx.anchors.get(found);
  }
  if (data?.res === undefined)
    throw new ReferenceError('This should not happen: Alias anchor was not resolved?');
  if (ctx.maxAliasCount >= 0) {
    data.count += 1;
    if (data.aliasCount === 0) data.aliasCount = aliasCount(found, ctx);
    if (data.count * data.aliasCount > ctx.maxAliasCount)
      throw new ReferenceError('Excessive alias count indicates a resource exhaustion attack');
  }
  return found;
}

/** How many values one expansion of `node` makes, as the library estimates it. */
function aliasCount(node: unknown, ctx: Context): number {
  if (isAlias(node)) {
    const source = ctx.targets.get(node);
    const anchor = source && ctx.anchors.get(source);
    return anchor ? anchor.count * anchor.aliasCount : 0;
  }
  if (isMap(node) || isSeq(node)) {
    let count = 0;
    for (const item of node.items as unknown[]) count = Math.max(count, aliasCount(item, ctx));
    return count;
  }
  if (isPair(node)) return Math.max(aliasCount(node.key, ctx), aliasCount(node.value, ctx));
  return 1;
}
