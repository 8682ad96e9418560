/**
 * The page's graph layout (page/graph-layout.js) from the nodes' `needs`: a whole matrix job
 * needed is one edge out of its cluster, into the needing job's cluster when all its nodes need
 * it; dagre lays it out through a junction, so two matrices of 256 make one edge and a layout
 * linear in the nodes. Nodes of a format-1 graph (instances listed) draw one edge per pair.
 */
import { describe, expect, it } from 'vitest';

interface Input {
  id: string;
  job: string;
  name: string;
  matrix: Record<string, unknown> | null;
  needs: string[];
}
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Layout {
  nodes: (Box & { id: string; group: string | null })[];
  groups: (Box & { job: string; size: number })[];
  edges: {
    from: string;
    to: string;
    fromGroup: string | null;
    toGroup: string | null;
    points: { x: number; y: number }[];
  }[];
}
/** The page's module (checked JavaScript, typed by tsconfig.page.json): what this test uses. */
interface GraphLayout {
  dependencies: (nodes: Input[]) => {
    nodeEdges: [string, string][];
    jobEdges: { job: string; to: string; toGroup: boolean }[];
  };
  layoutGraph: (nodes: Input[]) => Layout;
}

const PAGE_MODULE = '../page/graph-layout.js';
const { dependencies, layoutGraph } = (await import(PAGE_MODULE)) as GraphLayout;

/** A matrix job's nodes, each needing `needs`. */
function matrix(job: string, size: number, needs: string[] = []): Input[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `${job}[${i}]`,
    job,
    name: `${job}[${i}]`,
    matrix: { i },
    needs,
  }));
}

const plain = (id: string, needs: string[] = []): Input => ({
  id,
  job: id,
  name: id,
  matrix: null,
  needs,
});

describe('dependencies', () => {
  it('draws a whole job into a cluster once, into a node otherwise, and nodes as nodes', () => {
    const nodes = [
      plain('checkout'),
      ...matrix('build', 2, ['checkout']),
      ...matrix('test', 3, ['build']),
      plain('report', ['build', 'checkout']),
    ];
    expect(dependencies(nodes)).toEqual({
      nodeEdges: [
        ['checkout', 'build[0]'],
        ['checkout', 'build[1]'],
        ['checkout', 'report'],
      ],
      jobEdges: [
        { job: 'build', to: 'test', toGroup: true },
        { job: 'build', to: 'report', toGroup: false },
      ],
    });
  });

  it('reads a format-1 graph, whose nodes list each needed instance, as node edges', () => {
    const nodes = [...matrix('a', 2), ...matrix('b', 2, ['a[0]', 'a[1]'])];
    expect(dependencies(nodes)).toEqual({
      nodeEdges: [
        ['a[0]', 'b[0]'],
        ['a[1]', 'b[0]'],
        ['a[0]', 'b[1]'],
        ['a[1]', 'b[1]'],
      ],
      jobEdges: [],
    });
  });
});

describe('layoutGraph', () => {
  it('lays out two matrices of 256 with one edge between their clusters', () => {
    const nodes = [...matrix('a', 256), ...matrix('b', 256, ['a'])];
    const layout = layoutGraph(nodes);
    expect(layout.nodes).toHaveLength(512);
    expect(layout.edges).toHaveLength(1);
    const [edge] = layout.edges;
    expect(edge).toMatchObject({ from: 'a', to: 'b', fromGroup: 'a', toGroup: 'b' });
    const a = layout.groups.find((g) => g.job === 'a')!;
    const b = layout.groups.find((g) => g.job === 'b')!;
    expect(a.x + a.width).toBeLessThanOrEqual(b.x);
    // From the right side of a's cluster to the left side of b's.
    expect(edge!.points[0]!.x).toBe(a.x + a.width);
    expect(edge!.points.at(-1)!.x).toBe(b.x);
    for (const point of [edge!.points[0]!, edge!.points.at(-1)!])
      expect(Number.isFinite(point.y)).toBe(true);
  });

  it('draws a whole job needed by one node as an edge from the cluster to that node', () => {
    const layout = layoutGraph([...matrix('build', 3), plain('publish', ['build'])]);
    expect(layout.edges).toEqual([
      expect.objectContaining({ from: 'build', to: 'publish', fromGroup: 'build', toGroup: null }),
    ]);
    const publish = layout.nodes.find((n) => n.id === 'publish')!;
    expect(layout.edges[0]!.points.at(-1)!.x).toBe(publish.x);
  });
});
