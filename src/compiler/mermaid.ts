/**
 * A graph as a Mermaid flowchart, for `plan --format mermaid`, the API and the page. A matrix
 * job is a subgraph; a whole job needed (graph.ts) is one arrow from its subgraph, and when
 * every node of a matrix job needs it, one arrow into that job's subgraph: the drawing grows
 * with the needs as stored, never with the product of two matrices. Reads stored graphs of
 * either format (format 1 lists needed nodes only).
 */
import type { GraphNode, NodeAction, StoredGraph } from '../contracts/graph.js';
import { needsIndex } from '../contracts/needs.js';

export function toMermaid(graph: Pick<StoredGraph, 'nodes'>): string {
  const index = needsIndex(graph.nodes);
  const ids = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]));
  const groups = new Map<string, string>();
  for (const node of graph.nodes)
    if (node.matrix !== null && !groups.has(node.job)) groups.set(node.job, `g${groups.size}`);

  const lines = ['flowchart LR'];
  const box = (node: GraphNode, indent: string) =>
    `${indent}${ids.get(node.id)}["${escape(node.id)}<br/><small>${escape(describeAction(node.action))}</small>"]`;
  const drawn = new Set<string>();
  for (const node of graph.nodes) {
    const group = groups.get(node.job);
    if (group === undefined) lines.push(box(node, '  '));
    else if (!drawn.has(node.job)) {
      drawn.add(node.job);
      lines.push(`  subgraph ${group} ["${escape(node.job)}"]`);
      for (const id of index.byJob.get(node.job) ?? [])
        lines.push(box(index.byId.get(id)!, '    '));
      lines.push('  end');
    }
  }

  const from = (entry: string) =>
    index.isJob(entry) ? (groups.get(entry) ?? ids.get(entry)) : ids.get(entry);
  const wholeJobEdges = new Set<string>();
  for (const [job, group] of groups) {
    for (const entry of sharedJobNeeds(index.byJob.get(job) ?? [], index.byId)) {
      wholeJobEdges.add(`${job}\0${entry}`);
      lines.push(`  ${from(entry)} --> ${group}`);
    }
  }
  for (const node of graph.nodes)
    for (const entry of node.needs) {
      if (wholeJobEdges.has(`${node.job}\0${entry}`)) continue;
      const source = from(entry);
      if (source !== undefined) lines.push(`  ${source} --> ${ids.get(node.id)}`);
    }
  return lines.join('\n') + '\n';
}

/** The whole jobs every one of these nodes needs. */
function sharedJobNeeds(
  nodeIds: readonly string[],
  byId: ReadonlyMap<string, GraphNode>,
): string[] {
  const counts = new Map<string, number>();
  for (const id of nodeIds)
    for (const entry of new Set(byId.get(id)!.needs))
      if (!byId.has(entry)) counts.set(entry, (counts.get(entry) ?? 0) + 1);
  return [...counts].filter(([, n]) => n === nodeIds.length).map(([entry]) => entry);
}

function describeAction(action: NodeAction): string {
  switch (action.kind) {
    case 'activity':
      return action.poll ? `${action.handler}, then poll` : action.handler;
    case 'timer':
      return 'sleep';
    case 'signal':
      return `wait ${action.signal}`;
    case 'poll':
      return `poll ${action.handler}`;
  }
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
