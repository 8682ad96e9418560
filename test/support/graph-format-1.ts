/**
 * Graph format 1, as the compiler wrote it before format 2 (src/contracts/graph.ts): every
 * needed instance of a matrix job listed instead of the job, and an `edges` list of the same
 * pairs. Runs stored then still finish on it; tests make such graphs from format-2 ones. Its
 * nodes have no matrix controls (fail_fast, max_parallel, continue_on_error): they came later.
 */
import { sealGraph, type Graph, type StoredGraph } from '../../src/contracts/graph.js';

export function asFormat1(graph: Graph): StoredGraph {
  const byJob = new Map<string, string[]>();
  for (const node of graph.nodes) byJob.set(node.job, [...(byJob.get(node.job) ?? []), node.id]);
  const ids = new Set(graph.nodes.map((n) => n.id));
  const nodes = graph.nodes.map(
    ({ fail_fast: _f, max_parallel: _m, continue_on_error: _c, ...node }) => ({
      ...node,
      needs: node.needs.flatMap((entry) => (ids.has(entry) ? [entry] : (byJob.get(entry) ?? []))),
    }),
  );
  const edges = nodes.flatMap((node) =>
    node.needs.map((from): [string, string] => [from, node.id]),
  );
  const body = { ...graph, format: 1 as const, nodes, edges };
  // Hashed as format 1 was: the JSON of everything but the hash, in the builder's key order.
  return { ...sealGraph(body as unknown as Graph), format: 1, edges };
}
