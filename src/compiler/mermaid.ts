/** A graph as a Mermaid flowchart, for `plan --format mermaid`, the API and the page. */
import type { Graph, NodeAction } from './graph.js';

export function toMermaid(graph: Graph): string {
  const ids = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) {
    const what = describeAction(node.action);
    lines.push(`  ${ids.get(node.id)}["${escape(node.id)}<br/><small>${escape(what)}</small>"]`);
  }
  for (const [from, to] of graph.edges) lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
  return lines.join('\n') + '\n';
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
