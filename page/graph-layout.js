/**
 * Where each node of a run's graph goes: dagre lays the compiled graph out left to right, the
 * nodes of one matrix job inside a cluster. Computed once per graph: states change while a run
 * goes on, positions do not, so the drawing never jumps.
 *
 * The edges come from each node's `needs`, whose entries are node ids or, for a matrix job
 * needed as a whole, the job's id (the compiled graph stores it so). A whole job needed is drawn
 * as one edge out of its cluster, and into the needing job's cluster when all of that job's
 * nodes need it: two matrices of 256 give one edge, not 65,536. For the layout such an edge
 * passes through an invisible junction after the needed cluster (every node of it → junction →
 * each needing node), so the work stays linear in the nodes and needs.
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
/** The junction after a cluster that its whole-job edges leave from (another id no node has). */
const JUNCTION = (/** @type {string} */ job) => `\u0001${job}`;

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
 * @property {string[]} needs node ids, or job ids standing for every node of the job
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
 * @typedef {object} LaidEdge `to` needs `from`, each a node id or, where `fromGroup` or
 *   `toGroup` names a matrix job, that job's cluster
 * @property {string} from
 * @property {string} to
 * @property {string | null} fromGroup
 * @property {string | null} toGroup
 * @property {Point[]} points
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
 * What to draw for the nodes' needs: edges between nodes, and whole-job edges from a cluster to
 * a node or to a whole cluster.
 * @param {GraphInput[]} nodes
 * @returns {{ nodeEdges: [string, string][], jobEdges: { job: string, to: string, toGroup: boolean }[] }}
 */
export function dependencies(nodes) {
  const ids = new Set(nodes.map((n) => n.id));
  /** @type {Map<string, GraphInput[]>} */
  const byJob = new Map();
  for (const node of nodes) {
    const list = byJob.get(node.job);
    if (list) list.push(node);
    else byJob.set(node.job, [node]);
  }
  /** @param {string} entry */
  const isJob = (entry) => !ids.has(entry) && byJob.has(entry);

  /** @type {[string, string][]} */
  const nodeEdges = [];
  /** @type {{ job: string, to: string, toGroup: boolean }[]} */
  const jobEdges = [];
  /** @type {Set<string>} `${job}\0${entry}`: drawn once into the job's cluster */
  const intoCluster = new Set();
  for (const [job, members] of byJob) {
    if (!members.some((n) => n.matrix)) continue;
    /** @type {Map<string, number>} */
    const counts = new Map();
    for (const node of members)
      for (const entry of new Set(node.needs))
        if (isJob(entry)) counts.set(entry, (counts.get(entry) ?? 0) + 1);
    for (const [entry, count] of counts)
      if (count === members.length) {
        intoCluster.add(`${job}\0${entry}`);
        jobEdges.push({ job: entry, to: job, toGroup: true });
      }
  }
  for (const node of nodes)
    for (const entry of node.needs) {
      if (ids.has(entry)) nodeEdges.push([entry, node.id]);
      else if (isJob(entry) && !intoCluster.has(`${node.job}\0${entry}`))
        jobEdges.push({ job: entry, to: node.id, toGroup: false });
    }
  return { nodeEdges, jobEdges };
}

/**
 * @param {GraphInput[]} nodes in graph order
 * @returns {Layout}
 */
export function layoutGraph(nodes) {
  const g = new graphlib.Graph({ compound: true, multigraph: false });
  // dagre doubles the ranks of a compound graph: a ranksep of 26 leaves about 78px between nodes.
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 26, edgesep: 12, marginx: 20, marginy: 26 });
  g.setDefaultEdgeLabel(() => ({}));

  /** @type {Map<string, number>} */
  const groupSizes = new Map();
  /** @type {Map<string, string[]>} */
  const members = new Map();
  for (const node of nodes) {
    const list = members.get(node.job);
    if (list) list.push(node.id);
    else members.set(node.job, [node.id]);
    if (node.matrix) groupSizes.set(node.job, (groupSizes.get(node.job) ?? 0) + 1);
  }
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
  const { nodeEdges, jobEdges } = dependencies(nodes);
  for (const [from, to] of nodeEdges) g.setEdge(from, to);
  // dagre cannot route an edge to a cluster: a junction stands for the needed cluster's end.
  for (const { job, to, toGroup } of jobEdges) {
    const junction = JUNCTION(job);
    if (!g.hasNode(junction)) {
      g.setNode(junction, { width: 1, height: 1 });
      for (const id of members.get(job) ?? []) g.setEdge(id, junction);
    }
    for (const id of toGroup ? (members.get(to) ?? []) : [to]) g.setEdge(junction, id);
  }

  layout(g);

  /** @param {{ x: number, y: number, width: number, height: number }} n @returns {Box} */
  const box = (n) => ({
    x: n.x - n.width / 2,
    y: n.y - n.height / 2,
    width: n.width,
    height: n.height,
  });
  const known = new Set(nodes.map((n) => n.id));
  /** @type {LaidEdge[]} */
  const edges = g
    .edges()
    .filter((e) => known.has(e.v) && known.has(e.w))
    .map((e) => ({
      from: e.v,
      to: e.w,
      fromGroup: null,
      toGroup: null,
      points: g.edge(e).points ?? [],
    }));
  for (const { job, to, toGroup } of jobEdges) {
    const from = box(g.node(GROUP(job)));
    const junction = g.node(JUNCTION(job));
    const target = box(g.node(toGroup ? GROUP(to) : to));
    const clamp = (/** @type {number} */ y, /** @type {Box} */ b) =>
      Math.min(b.y + b.height - 8, Math.max(b.y + 8, y));
    const endY = clamp(junction.y, target);
    edges.push({
      from: job,
      to,
      fromGroup: job,
      toGroup: toGroup ? to : null,
      points: [
        { x: from.x + from.width, y: clamp(junction.y, from) },
        { x: junction.x, y: junction.y },
        { x: target.x, y: endY },
      ],
    });
  }
  const graph = g.graph();
  return {
    nodes: nodes.map((node) => ({
      ...box(g.node(node.id)),
      id: node.id,
      label: labels.get(node.id) ?? node.id,
      group: node.matrix ? node.job : null,
    })),
    groups: [...groupSizes].map(([job, size]) => ({ ...box(g.node(GROUP(job))), job, size })),
    edges,
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
