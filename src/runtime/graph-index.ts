/** Lookups in a run's graph: a node by id, the nodes that need it, graph order. Cached per graph. */
import type { GraphNode } from '../compiler/graph.js';
import type { RunInfo } from './types.js';

interface Index {
  byId: Map<string, GraphNode>;
  dependents: Map<string, string[]>;
  order: Map<string, number>;
}

const indexes = new WeakMap<object, Index>();

function indexOf(run: RunInfo): Index {
  let index = indexes.get(run.graph);
  if (!index) {
    const dependents = new Map<string, string[]>();
    for (const [from, to] of run.graph.edges)
      dependents.set(from, [...(dependents.get(from) ?? []), to]);
    index = {
      byId: new Map(run.graph.nodes.map((n) => [n.id, n])),
      dependents,
      order: new Map(run.graph.nodes.map((n, i) => [n.id, i])),
    };
    indexes.set(run.graph, index);
  }
  return index;
}

export function nodeDef(run: RunInfo, nodeId: string): GraphNode {
  const node = indexOf(run).byId.get(nodeId);
  if (!node) throw new Error(`run ${run.id} has no node ${nodeId} in its graph`);
  return node;
}

export function findNode(run: RunInfo, nodeId: string): GraphNode | undefined {
  return indexOf(run).byId.get(nodeId);
}

export function dependentsOf(run: RunInfo, nodeId: string): string[] {
  return indexOf(run).dependents.get(nodeId) ?? [];
}

/** Every node downstream of these (not including them). */
export function downstreamOf(run: RunInfo, nodeIds: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...nodeIds];
  while (stack.length > 0)
    for (const next of dependentsOf(run, stack.pop()!))
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
  return seen;
}

export function sortByGraph(run: RunInfo, ids: Iterable<string>): string[] {
  const order = indexOf(run).order;
  return [...ids].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
