/**
 * A graph as a person reads it in a terminal: one line per node, then what was left out. A
 * whole job needed (a matrix not aligned with the node's) reads as one entry, `build (all 256)`,
 * and counts as one edge, as the graph stores it. Report names and the concurrency group read
 * as the event makes them (plan-values.ts); the event's values are printed inert (terminal-text.ts).
 */
import {
  formatDuration,
  needsIndex,
  type ExcludedJob,
  type Graph,
  type GraphNode,
  type NeedsIndex,
  type TriggerMiss,
} from '../compiler/index.js';
import type { Event } from '../events/event.js';
import { planGroup, planReport, shownValue } from './plan-values.js';
import { printable } from './terminal-text.js';

export function formatGraph(
  graph: Graph,
  event: Event,
  excluded: readonly ExcludedJob[],
  note?: string,
): string {
  const index = needsIndex(graph.nodes);
  let edges = 0;
  for (const node of graph.nodes) edges += node.needs.length;
  const lines = [
    `pipeline ${graph.pipeline} (${graph.source.file}) starts on ${describeEvent(event)}`,
    `${graph.nodes.length} node${graph.nodes.length === 1 ? '' : 's'}, ${edges} edge${edges === 1 ? '' : 's'}, graph ${graph.hash.slice(0, 12)}`,
  ];
  if (note) lines.push(`note: ${note}`);
  const group = planGroup(graph, event);
  if (graph.concurrency && group) {
    const { text, note } = shownValue(group);
    const policy = graph.concurrency.cancel_in_progress ? 'cancels older runs' : 'queued';
    lines.push(`concurrency: ${text} (${note ? `${note}; ` : ''}${policy})`);
  }
  lines.push('');
  let width = 0;
  for (const node of graph.nodes) width = Math.min(48, Math.max(width, node.id.length));
  for (const node of graph.nodes) {
    lines.push(`  ${node.id.padEnd(width)}  ${what(node)}`);
    for (const detail of details(node, index, graph, event))
      lines.push(`  ${' '.repeat(width)}    ${detail}`);
  }
  if (excluded.length > 0) {
    lines.push('', 'not in this run:');
    for (const { job, reason } of excluded) lines.push(`  ${job}: ${reason}`);
  }
  return lines.join('\n') + '\n';
}

export function formatNotTriggered(
  pipeline: string,
  event: Event,
  misses: readonly TriggerMiss[],
  excluded: readonly ExcludedJob[] = [],
): string {
  const lines = [`pipeline ${pipeline} starts nothing on ${describeEvent(event)}:`];
  for (const miss of misses) lines.push(`  ${miss.trigger}: ${printable(miss.reason)}`);
  // A .packit.yaml: each of its jobs with why it does not run.
  if (excluded.length > 0) lines.push('', 'jobs not selected:');
  for (const { job, reason } of excluded) lines.push(`  ${job}: ${reason}`);
  return lines.join('\n') + '\n';
}

function what(node: GraphNode): string {
  switch (node.action.kind) {
    case 'activity':
      return node.action.poll
        ? `${node.action.handler}, then poll ${node.action.poll.handler} every ${formatDuration(node.action.poll.every_ms)}`
        : node.action.handler;
    case 'timer':
      return `sleep ${formatDuration(node.action.duration_ms)}`;
    case 'signal':
      return `wait for signal "${node.action.signal}"${node.action.timeout_ms !== null ? ` (timeout ${formatDuration(node.action.timeout_ms)})` : ''}`;
    case 'poll':
      return `poll ${node.action.handler} every ${formatDuration(node.action.every_ms)}`;
  }
}

function details(node: GraphNode, index: NeedsIndex, graph: Graph, event: Event): string[] {
  const out: string[] = [];
  const needs = node.needs.map((entry) =>
    index.isJob(entry) ? `${entry} (all ${index.nodesOf(entry).length})` : entry,
  );
  if (needs.length > 0) out.push(`needs ${needs.join(', ')}`);
  if (node.if !== 'success()') out.push(`if ${node.if}`);
  const report = planReport(graph, node, event);
  if (report) {
    const { text, note } = shownValue(report);
    out.push(`reports ${text}${note ? ` (${note})` : ''}`);
  }
  return out;
}

function describeEvent(event: Event): string {
  const action = event.action ? ` ${event.action}` : '';
  const where = event.pr
    ? ` #${event.pr.number}`
    : event.tag
      ? ` tag ${event.tag}`
      : event.branch
        ? ` ${event.branch}`
        : '';
  const sha = event.sha ? ` @ ${event.sha.slice(0, 8)}` : '';
  return printable(`${event.forge} ${event.kind}${action} ${event.repo.full_name}${where}${sha}`);
}
