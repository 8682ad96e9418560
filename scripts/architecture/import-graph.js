// @ts-check
/**
 * The house's imports as a graph of repository files, read the way TypeScript reads them
 * (ts.preProcessFile: static imports, re-exports, import types and dynamic imports with a literal
 * name), and the parts of docs/architecture.json they fall in. Shared by eslint.config.js and
 * test/architecture.test.ts, so the lint and the test judge the same graph.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { stronglyConnected } from '../../src/common/cycles.js';

/** @typedef {{ is: string[], says?: string }} Part */
/** @typedef {{ parts: Record<string, Part>, arrows: string[][], never: string[][] }} Architecture */

const SOURCE = /\.(ts|js)$/;

/**
 * Every .ts/.js file under `dirs` (repository-relative, with `/`), sorted.
 * @param {string} root
 * @param {readonly string[]} dirs
 */
export function sourceFiles(root, dirs) {
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const dir of dirs) if (existsSync(join(root, dir))) walk(dir);
  return files.sort();
}

/**
 * Each file's imports of other files of the repository (`./x.js` resolved to `x.ts` where that
 * is the file); imports of packages and of files that do not exist are left out.
 * @param {string} root
 * @param {readonly string[]} files
 * @returns {Map<string, string[]>}
 */
export function importGraph(root, files) {
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    /** @type {Set<string>} */
    const targets = new Set();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveImport(root, file, fileName);
      if (target !== undefined) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** @param {string} root @param {string} from @param {string} specifier */
function resolveImport(root, from, specifier) {
  const path = relative(root, resolve(root, dirname(from), specifier))
    .split('\\')
    .join('/');
  for (const candidate of [path.replace(/\.js$/, '.ts'), path])
    if (existsSync(join(root, candidate))) return candidate;
  return undefined;
}

/**
 * The import cycles: each strongly connected component of more than one file (or a file that
 * imports itself), files sorted, cycles sorted by their first file (src/common/cycles.js finds
 * the components; imports of files outside the graph are left out).
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
export function importCycles(graph) {
  /** @type {Map<string, string[]>} */
  const inside = new Map(
    [...graph].map(([file, targets]) => [file, targets.filter((t) => graph.has(t))]),
  );
  return stronglyConnected([...inside.keys()], inside)
    .filter((c) => c.length > 1 || (inside.get(c[0] ?? '') ?? []).includes(c[0] ?? ''))
    .map((c) => c.sort())
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/**
 * The part a file belongs to: the part whose `is` entry (a folder ending in `/`, or a file)
 * names it most closely; undefined for a file on no part.
 * @param {Architecture} architecture
 * @param {string} file
 * @returns {string | undefined}
 */
export function partOf(architecture, file) {
  let best;
  let length = -1;
  for (const [name, part] of Object.entries(architecture.parts))
    for (const place of part.is)
      if (
        (place === file || (place.endsWith('/') && file.startsWith(place))) &&
        place.length > length
      ) {
        best = name;
        length = place.length;
      }
  return best;
}

/**
 * docs/architecture.json of the repository at `root`.
 * @param {string} root
 * @returns {Architecture}
 */
export function readArchitecture(root) {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(join(root, 'docs/architecture.json'), 'utf8'));
  return /** @type {Architecture} */ (parsed);
}
