/**
 * Import cycles among a tree of TypeScript files: the graph of relative imports (type-only ones
 * included: a cycle of types still ties the modules' layers together), and its strongly
 * connected components of more than one file. Each cycle is named by its files and by one loop
 * through them, the edges a change has to cut.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** File → the files it imports; paths relative to the root, with `/`. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export interface ImportCycle {
  /** Every file of the cycle, sorted. */
  files: string[];
  /** One closed loop through it: a → b → … → a. */
  loop: string[];
}

const SOURCE = /\.(ts|js)$/;

/** The relative imports among the source files under `root/dir`. */
export function importGraph(root: string, dir: string): ImportGraph {
  const files = sourceFiles(join(root, dir));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name))
      // Sources import `./x.js` for `./x.ts` (NodeNext resolution); a package is not ours.
      .flatMap((path) => [path, path.replace(/\.js$/, '.ts')].find((f) => known.has(f)) ?? []);
    graph.set(
      toKey(root, file),
      targets.map((t) => toKey(root, t)),
    );
  }
  return graph;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

function toKey(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

/** The graph's cycles (Tarjan's strongly connected components), in a stable order. */
export function importCycles(graph: ImportGraph): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: ImportCycle[] = [];

  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfImport = graph.get(file)?.includes(file) ?? false;
    if (component.length > 1 || selfImport) {
      const files = component.sort();
      cycles.push({ files, loop: loopThrough(graph, new Set(files), files[0]!) });
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** The shortest path from `start` back to itself inside the component (breadth first). */
function loopThrough(graph: ImportGraph, component: Set<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const file = queue[head]!;
    for (const next of graph.get(file) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, file);
      queue.push(next);
    }
  }
  return [start, start]; // unreachable for a real component
}

/** Each cycle: its size and files, then a loop through them. */
export function describeCycles(cycles: readonly ImportCycle[]): string {
  return cycles
    .map((c) => `${c.files.length} files: ${c.files.join(' ')}\n  loop: ${c.loop.join(' → ')}`)
    .join('\n');
}
