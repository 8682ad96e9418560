/**
 * Lookups in a run's graph: a node by id, what it needs and what needs it, graph order. Cached
 * per graph. A `needs` entry is a node or a whole job (every node of a matrix job, graph.ts);
 * graphs stored in format 1 list nodes only and read the same.
 */
import type { GraphNode } from '../contracts/graph.js';
import { needsIndex, type NeedsIndex } from '../contracts/needs.js';
import type { RunInfo, RunSpec } from './types.js';

interface Index {
  needs: NeedsIndex;
  order: Map<string, number>;
}

const indexes = new WeakMap<object, Index>();

function indexOf(run: Pick<RunSpec, 'graph'>): Index {
  let index = indexes.get(run.graph);
  if (!index) {
    index = {
      needs: needsIndex(run.graph.nodes),
      order: new Map(run.graph.nodes.map((n, i) => [n.id, i])),
    };
    indexes.set(run.graph, index);
  }
  return index;
}

export function nodeDef(run: RunInfo, nodeId: string): GraphNode {
  const node = indexOf(run).needs.byId.get(nodeId);
  if (!node) throw new Error(`run ${run.id} has no node ${nodeId} in its graph`);
  return node;
}

export function findNode(run: Pick<RunSpec, 'graph'>, nodeId: string): GraphNode | undefined {
  return indexOf(run).needs.byId.get(nodeId);
}

/** The handler a node calls; for a node that calls none (a sleep, a signal), its kind. */
export function handlerOf(node: GraphNode | undefined): string {
  const action = node?.action;
  if (!action) return 'unknown';
  return action.kind === 'activity' || action.kind === 'poll' ? action.handler : action.kind;
}

/** The nodes a node needs, its whole-job entries expanded: whose outputs and states it reads. */
export function neededNodesOf(run: RunInfo, node: GraphNode): string[] {
  const { needs } = indexOf(run);
  return node.needs.flatMap((entry) => needs.nodesOf(entry));
}

/** The nodes of a job, in graph order. */
export function nodesOfJob(run: RunInfo, job: string): readonly string[] {
  return indexOf(run).needs.byJob.get(job) ?? [];
}

/** The nodes that name this node in their needs (not those that need its whole job). */
export function nodeDependentsOf(run: RunInfo, nodeId: string): readonly string[] {
  return indexOf(run).needs.nodeDependents(nodeId);
}

/** The nodes that need this whole job: they wait for every node of it. */
export function jobDependentsOf(run: RunInfo, job: string): readonly string[] {
  return indexOf(run).needs.jobDependents(job);
}

/** Which of a node's needs entries are not done when `pending` nodes are not (a retry's count). */
export function entriesWaitingOn(
  run: RunInfo,
  node: GraphNode,
  pending: ReadonlySet<string>,
): number {
  const { needs } = indexOf(run);
  return node.needs.filter((entry) => needs.nodesOf(entry).some((id) => pending.has(id))).length;
}

/** Every node downstream of these (not including them). */
export function downstreamOf(run: RunInfo, nodeIds: Iterable<string>): Set<string> {
  const { needs } = indexOf(run);
  const seen = new Set<string>();
  const jobsSeen = new Set<string>();
  const stack = [...nodeIds];
  const visit = (next: string) => {
    if (seen.has(next)) return;
    seen.add(next);
    stack.push(next);
  };
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const next of needs.nodeDependents(id)) visit(next);
    // What needs a node's whole job is downstream of each of its nodes: walked once per job.
    const job = needs.byId.get(id)?.job;
    if (job !== undefined && !jobsSeen.has(job)) {
      jobsSeen.add(job);
      for (const next of needs.jobDependents(job)) visit(next);
    }
  }
  return seen;
}

export function sortByGraph(run: RunInfo, ids: Iterable<string>): string[] {
  const order = indexOf(run).order;
  return [...ids].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
