/**
 * The house holds to its drawing (docs/architecture.json, DESIGN.md §1): every source file
 * belongs to a part, every import between parts is a drawn arrow and none a forbidden
 * direction, the arrows go one way (no circle of parts), and no file sits on an import cycle.
 * eslint.config.js says the same file by file; this checks the whole tree at once.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  importCycles,
  importGraph,
  partOf,
  readArchitecture,
  sourceFiles,
} from '../../scripts/architecture/import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const architecture = readArchitecture(root);
const files = sourceFiles(root, ['src', 'page']);
const graph = importGraph(root, files);

/** Each import between two parts, as "From -> To: file -> file". */
function crossings(): { key: string; where: string }[] {
  const found = [];
  for (const [file, targets] of graph)
    for (const target of targets) {
      const from = partOf(architecture, file);
      const to = partOf(architecture, target);
      if (from && to && from !== to)
        found.push({ key: `${from} -> ${to}`, where: `${file} -> ${target}` });
    }
  return found;
}

describe('the architecture', () => {
  it('reads a tree of some size (the walk found the files and their imports)', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(graph.get('src/runtime/attempt-execution.ts')).toContain('src/contracts/errors.ts');
  });

  it('places every source file on a part', () => {
    expect(files.filter((file) => partOf(architecture, file) === undefined)).toEqual([]);
  });

  it('has no import in a forbidden direction', () => {
    const never = new Set(architecture.never.map(([from, to]) => `${from} -> ${to}`));
    expect(crossings().filter(({ key }) => never.has(key))).toEqual([]);
  });

  it('draws every import between parts as an arrow', () => {
    const arrows = new Set(architecture.arrows.map(([from, to]) => `${from} -> ${to}`));
    expect(crossings().filter(({ key }) => !arrows.has(key))).toEqual([]);
  });

  it('draws arrows that go one way: the parts form no circle', () => {
    const partGraph = new Map<string, string[]>(
      Object.keys(architecture.parts).map((p) => [p, []]),
    );
    for (const [from, to] of architecture.arrows) partGraph.get(from!)?.push(to!);
    expect(importCycles(partGraph)).toEqual([]);
  });

  it('has no file on an import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a cycle and a forbidden import when there is one (the checks can fail)', () => {
    const circle = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(importCycles(circle)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    expect(partOf(architecture, 'src/runtime/worker.ts')).toBe('Runtime');
    expect(partOf(architecture, 'src/contracts/graph.ts')).toBe('Contracts');
    expect(architecture.never).toContainEqual(['Runtime', 'Compiler', expect.any(String)]);
  });
});
