/**
 * Import cycles among a tree of TypeScript files: the graph of relative imports (type-only ones
 * included: a cycle of types still ties the modules' layers together), and its strongly
 * connected components of more than one file (src/common/cycles.ts, which the compiler's `needs`
 * check uses too). Each cycle is named by its files and by one loop through them: where to cut.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { cyclePath, stronglyConnected } from '../../src/common/cycles.js';

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

/** The graph's cycles, each once, in a stable order (by their first file). */
export function importCycles(graph: ImportGraph): ImportCycle[] {
  const files = [...graph.keys()].sort();
  return stronglyConnected(files, graph)
    .filter(([only, ...others]) => others.length > 0 || graph.get(only!)?.includes(only!))
    .map((component) => {
      const sorted = component.sort();
      return { files: sorted, loop: cyclePath(sorted[0]!, graph, new Set(sorted)) };
    })
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** Each cycle: its size and files, then a loop through them. */
export function describeCycles(cycles: readonly ImportCycle[]): string {
  return cycles
    .map((c) => `${c.files.length} files: ${c.files.join(' ')}\n  loop: ${c.loop.join(' → ')}`)
    .join('\n');
}
