/**
 * Where each node of a run's graph goes: dagre lays the compiled graph out left to right, the
 * nodes of one matrix job inside a cluster. Computed once per graph: states change while a run
 * goes on, positions do not, so the drawing never jumps.
 */
import { graphlib, layout } from '@dagrejs/dagre';
import { matrixLabel } from './format.js';

export const NODE_HEIGHT = 46;
const MIN_WIDTH = 176; // room for the second line: `succeeded · 12m 05s · #3`
const MAX_WIDTH = 250;
const PADDING = 42; // the state stripe and dot on the left, a margin on the right
/** The label font of graph-view.js/styles.css (.node-label), for measuring. */
const LABEL_FONT = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
/** A group id no node id can be (node ids are job names, or job[values]). */
const GROUP = (/** @type {string} */ job) => `\u0000${job}`;

/** @type {CanvasRenderingContext2D | null | undefined} */
let measurer;
/**
 * The width of a label as the browser will draw it (a canvas measures it with the same font);
 * an estimate where there is no canvas.
 * @param {string} text
 */
function textWidth(text) {
  if (measurer === undefined) {
    measurer =
      typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    if (measurer) measurer.font = LABEL_FONT;
  }
  return measurer ? measurer.measureText(text).width : text.length * 8;
}

/**
 * @typedef {object} GraphInput the part of a node the layout needs
 * @property {string} id
 * @property {string} job
 * @property {string} name
 * @property {Record<string, unknown> | null} matrix
 *
 * @typedef {object} Point
 * @property {number} x
 * @property {number} y
 *
 * @typedef {object} Box a laid-out rectangle, by its top-left corner
 * @property {number} x
 * @property {number} y
 * @property {number} width
 * @property {number} height
 *
 * @typedef {Box & { id: string, label: string, group: string | null }} LaidNode
 * @typedef {Box & { job: string, size: number }} LaidGroup
 * @typedef {{ from: string, to: string, points: Point[] }} LaidEdge
 *
 * @typedef {object} Layout
 * @property {LaidNode[]} nodes
 * @property {LaidGroup[]} groups
 * @property {LaidEdge[]} edges
 * @property {number} width
 * @property {number} height
 */

/**
 * The label drawn in a node: a matrix node's values (its cluster names the job), else its name;
 * cut to what fits.
 * @param {GraphInput} node
 */
export function nodeLabel(node) {
  const text = node.matrix ? matrixLabel(node.matrix) || node.name : node.name;
  if (textWidth(text) <= MAX_WIDTH - PADDING) return text;
  let cut = text.length;
  while (cut > 1 && textWidth(`${text.slice(0, cut)}…`) > MAX_WIDTH - PADDING) cut--;
  return `${text.slice(0, cut)}…`;
}

/**
 * @param {GraphInput[]} nodes in graph order
 * @param {[string, string][]} edges `[from, to]`: `to` needs `from`
 * @returns {Layout}
 */
export function layoutGraph(nodes, edges) {
  const g = new graphlib.Graph({ compound: true, multigraph: false });
  // dagre doubles the ranks of a compound graph: a ranksep of 26 leaves about 78px between nodes.
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 26, edgesep: 12, marginx: 20, marginy: 26 });
  g.setDefaultEdgeLabel(() => ({}));

  /** @type {Map<string, number>} */
  const groupSizes = new Map();
  for (const node of nodes)
    if (node.matrix) groupSizes.set(node.job, (groupSizes.get(node.job) ?? 0) + 1);
  for (const job of groupSizes.keys()) g.setNode(GROUP(job), {});

  /** @type {Map<string, string>} */
  const labels = new Map();
  for (const node of nodes) {
    const label = nodeLabel(node);
    labels.set(node.id, label);
    const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(textWidth(label)) + PADDING));
    g.setNode(node.id, { width, height: NODE_HEIGHT });
    if (node.matrix) g.setParent(node.id, GROUP(node.job));
  }
  const known = new Set(nodes.map((n) => n.id));
  for (const [from, to] of edges) if (known.has(from) && known.has(to)) g.setEdge(from, to);

  layout(g);

  /** @param {{ x: number, y: number, width: number, height: number }} n @returns {Box} */
  const box = (n) => ({
    x: n.x - n.width / 2,
    y: n.y - n.height / 2,
    width: n.width,
    height: n.height,
  });
  const graph = g.graph();
  return {
    nodes: nodes.map((node) => ({
      ...box(g.node(node.id)),
      id: node.id,
      label: labels.get(node.id) ?? node.id,
      group: node.matrix ? node.job : null,
    })),
    groups: [...groupSizes].map(([job, size]) => ({ ...box(g.node(GROUP(job))), job, size })),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}

/**
 * An SVG path through dagre's edge points, its corners rounded (a quadratic curve through each
 * inner point, from midpoint to midpoint).
 * @param {Point[]} points
 */
export function edgePath(points) {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = /** @type {Point} */ (rest[i]);
    const q = /** @type {Point} */ (rest[i + 1]);
    d += ` Q${p.x},${p.y} ${(p.x + q.x) / 2},${(p.y + q.y) / 2}`;
  }
  const last = rest.at(-1);
  if (last) d += ` L${last.x},${last.y}`;
  return d;
}
