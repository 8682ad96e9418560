/**
 * A run's graph as SVG: the laid-out nodes coloured by their state now (`data-state`, the same
 * `s-…` classes as the status chips), matrix jobs as labelled clusters, and the edges (a whole
 * matrix job needed: one edge from its cluster), those of the selected node drawn stronger. A
 * click or Enter on a node selects it.
 */
import { formatDuration, nodeDuration, statusLabel } from './format.js';
import { edgePath, NODE_HEIGHT } from './graph-layout.js';
import { html } from './html.js';

/** @import { Layout, LaidEdge, LaidNode } from './graph-layout.js' */
/** @import { RunNode } from './types.js' */

/** What the second line of a node says after its state. */
const KIND_NOTE = /** @type {Record<string, string>} */ ({ timer: 'timer', signal: 'signal' });

/**
 * The second line of a node: state, duration so far, attempt when it took more than one.
 * @param {RunNode | undefined} node
 * @param {number} now
 */
function subLine(node, now) {
  if (!node) return 'unknown';
  const parts = [statusLabel(node.status)];
  const ms = nodeDuration(node, now);
  if (ms !== null) parts.push(formatDuration(ms));
  if (node.attempt > 1) parts.push(`#${node.attempt}`);
  if (KIND_NOTE[node.kind]) parts.push(KIND_NOTE[node.kind] ?? '');
  return parts.join(' · ');
}

/**
 * @param {{ node: LaidNode, state: RunNode | undefined, selected: boolean, now: number,
 *   onSelect: (id: string) => void }} props
 */
function GraphNode({ node, state, selected, now, onSelect }) {
  const status = state?.status ?? 'pending';
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onSelect(node.id);
  };
  return html`<g
    class=${`node s-${status}${selected ? ' selected' : ''}`}
    data-node-id=${node.id}
    data-state=${status}
    transform=${`translate(${node.x},${node.y})`}
    tabindex="0"
    role="button"
    aria-label=${`${node.id}: ${statusLabel(status)}`}
    onClick=${() => onSelect(node.id)}
    onKeyDown=${onKey}
  >
    <title>${state?.name ?? node.id} — ${statusLabel(status)}</title>
    <rect class="node-box" width=${node.width} height=${node.height} rx="7" />
    <rect class="node-stripe" width="5" height=${node.height} rx="2" />
    <circle class="node-dot" cx="17" cy="17" r="4.5" />
    <text class="node-label" x="28" y="21">${node.label}</text>
    <text class="node-sub" x="28" y=${NODE_HEIGHT - 11}>${subLine(state, now)}</text>
  </g>`;
}

/**
 * @param {{ layout: Layout, nodes: Map<string, RunNode>, selected: string | null, now: number,
 *   onSelect: (id: string) => void }} props
 */
export function GraphView({ layout, nodes, selected, now, onSelect }) {
  const selectedGroup = layout.nodes.find((n) => n.id === selected)?.group ?? null;
  return html`<svg
    class="graph"
    width=${layout.width}
    height=${layout.height}
    viewBox=${`0 0 ${layout.width} ${layout.height}`}
    style=${{ minWidth: `${Math.round(layout.width * 0.7)}px` }}
    role="img"
    aria-label="The run's graph"
  >
    <defs>
      <marker
        id="arrow"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto-start-reverse"
      >
        <path d="M0,1 L9,5 L0,9 z" class="arrow-head" />
      </marker>
    </defs>
    ${layout.groups.map(
      (group) =>
        html`<g class="group" key=${`group:${group.job}`} data-group=${group.job}>
          <rect x=${group.x} y=${group.y} width=${group.width} height=${group.height} rx="10" />
          <text class="group-label" x=${group.x + 12} y=${group.y - 6}>
            ${group.job} <tspan class="group-size">matrix × ${group.size}</tspan>
          </text>
        </g>`,
    )}
    ${layout.edges.map(
      (edge) =>
        html`<path
          key=${`${edge.fromGroup ? 'job:' : ''}${edge.from}->${edge.toGroup ? 'job:' : ''}${edge.to}`}
          class=${`edge${edge.fromGroup ? ' edge-job' : ''}${touches(edge, selected, selectedGroup) ? ' edge-hot' : ''}`}
          data-from=${edge.from}
          data-to=${edge.to}
          d=${edgePath(edge.points)}
          marker-end="url(#arrow)"
        />`,
    )}
    ${layout.nodes.map(
      (node) =>
        html`<${GraphNode}
          key=${node.id}
          node=${node}
          state=${nodes.get(node.id)}
          selected=${selected === node.id}
          now=${now}
          onSelect=${onSelect}
        />`,
    )}
  </svg>`;
}

/**
 * Whether an edge starts or ends at the selected node, or at its matrix job's cluster (an edge
 * that needs or is needed by the whole job).
 * @param {LaidEdge} edge
 * @param {string | null} selected
 * @param {string | null} selectedGroup
 */
function touches(edge, selected, selectedGroup) {
  if (selected === null) return false;
  if (edge.fromGroup === null ? edge.from === selected : edge.fromGroup === selectedGroup)
    return true;
  return edge.toGroup === null ? edge.to === selected : edge.toGroup === selectedGroup;
}

/** The colours of the graph, explained. */
export function GraphLegend() {
  const states = ['succeeded', 'running', 'waiting', 'retrying', 'failed', 'canceled', 'pending'];
  return html`<div class="legend" aria-hidden="true">
    ${states.map(
      (s) =>
        html`<span class=${`legend-item s-${s}`}><span class="dot"></span>${statusLabel(s)}</span>`,
    )}
  </div>`;
}
