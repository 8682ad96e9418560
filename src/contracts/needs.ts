/**
 * Reading the `needs` of a graph's nodes (graph.ts): an entry is a node id, or a job id standing
 * for every node of that job. One index per graph gives each entry's nodes and each node's
 * dependents, for the runtime, the CLI's plan and the Mermaid drawing alike, in time and memory
 * linear in the entries (a matrix needing a matrix is never expanded into instance pairs).
 */
import type { GraphNode } from './graph.js';

export interface NeedsIndex {
  /** The nodes by id, in graph order. */
  byId: ReadonlyMap<string, GraphNode>;
  /** Each job's nodes, in graph order. */
  byJob: ReadonlyMap<string, readonly string[]>;
  /** The node ids an entry stands for (none for an entry that names nothing). */
  nodesOf(entry: string): readonly string[];
  /** Whether an entry names a whole job rather than one node. */
  isJob(entry: string): boolean;
  /** The nodes whose needs name this node itself. */
  nodeDependents(nodeId: string): readonly string[];
  /** The nodes whose needs name this whole job (they wait for all of its nodes). */
  jobDependents(job: string): readonly string[];
}

const NONE: readonly string[] = [];

export function needsIndex(nodes: readonly GraphNode[]): NeedsIndex {
  const byId = new Map<string, GraphNode>();
  const byJob = new Map<string, string[]>();
  for (const node of nodes) {
    byId.set(node.id, node);
    let list = byJob.get(node.job);
    if (!list) byJob.set(node.job, (list = []));
    list.push(node.id);
  }
  const nodeDependents = new Map<string, string[]>();
  const jobDependents = new Map<string, string[]>();
  for (const node of nodes) {
    for (const entry of node.needs) {
      const into = byId.has(entry) ? nodeDependents : jobDependents;
      let list = into.get(entry);
      if (!list) into.set(entry, (list = []));
      list.push(node.id);
    }
  }
  return {
    byId,
    byJob,
    nodesOf: (entry) => (byId.has(entry) ? [entry] : (byJob.get(entry) ?? NONE)),
    isJob: (entry) => !byId.has(entry) && byJob.has(entry),
    nodeDependents: (nodeId) => nodeDependents.get(nodeId) ?? NONE,
    jobDependents: (job) => jobDependents.get(job) ?? NONE,
  };
}
