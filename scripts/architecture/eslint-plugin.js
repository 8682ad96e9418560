// @ts-check
/**
 * Two lint rules that hold the house to docs/architecture.json:
 * - `forgeflow/layers`: an import from one part to another must be an arrow the drawing has,
 *   and never one of its forbidden directions;
 * - `forgeflow/no-import-cycle`: no file may sit on an import cycle (type imports included).
 * test/architecture.test.ts checks the same over the whole tree; these say it in the editor.
 */
import { dirname, relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import {
  importCycles,
  importGraph,
  partOf,
  readArchitecture,
  sourceFiles,
} from './import-graph.js';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const architecture = readArchitecture(ROOT);
const arrows = new Set(architecture.arrows.map(([from, to]) => `${from} -> ${to}`));
const never = new Map(architecture.never.map(([from, to, why]) => [`${from} -> ${to}`, why]));

/** @type {Map<string, string[]> | undefined} */
let cycleOf;
/** Files on a cycle, each with its cycle; computed once per lint run over src/ and page/. */
function cycles() {
  if (cycleOf) return cycleOf;
  cycleOf = new Map();
  const graph = importGraph(ROOT, sourceFiles(ROOT, ['src', 'page']));
  for (const cycle of importCycles(graph)) for (const file of cycle) cycleOf.set(file, cycle);
  return cycleOf;
}

/** @param {string} filename */
const repoPath = (filename) => relative(ROOT, filename).split('\\').join('/');

/** @param {string} from @param {string} specifier */
function target(from, specifier) {
  const path = repoPath(resolve(ROOT, dirname(from), specifier));
  for (const candidate of [path.replace(/\.js$/, '.ts'), path])
    if (existsSync(resolve(ROOT, candidate))) return candidate;
  return path;
}

/**
 * Calls `check` with each relative module name the file imports and the node naming it.
 * @param {(node: import('estree').Node, specifier: string) => void} check
 */
function eachImport(check) {
  /** @param {{ source?: import('estree').Node | null }} node */
  const visit = (node) => {
    const source = node.source;
    if (
      source?.type === 'Literal' &&
      typeof source.value === 'string' &&
      source.value.startsWith('.')
    )
      check(source, source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: { type: 'problem', docs: { description: 'Imports follow docs/architecture.json' } },
  create(context) {
    const file = repoPath(context.filename);
    const from = partOf(architecture, file);
    if (from === undefined) return {};
    return eachImport((node, specifier) => {
      const to = partOf(architecture, target(file, specifier));
      if (to === undefined || to === from) return;
      const key = `${from} -> ${to}`;
      if (never.has(key))
        context.report({
          node,
          message: `${key} is forbidden (${never.get(key)}): docs/architecture.json`,
        });
      else if (!arrows.has(key))
        context.report({
          node,
          message: `${key} is not drawn in docs/architecture.json: draw it (and say why in docs/architecture.md) or import through a part that has the arrow`,
        });
    });
  },
};

/** @type {import('eslint').Rule.RuleModule} */
const noImportCycle = {
  meta: { type: 'problem', docs: { description: 'No file imports itself through others' } },
  create(context) {
    const file = repoPath(context.filename);
    const cycle = cycles().get(file);
    if (!cycle) return {};
    let reported = false;
    return eachImport((node, specifier) => {
      if (reported || !cycle.includes(target(file, specifier))) return;
      reported = true;
      const others = cycle.filter((other) => other !== file).join(', ');
      context.report({ node, message: `on an import cycle with ${others}` });
    });
  },
};

export default { rules: { layers, 'no-import-cycle': noImportCycle } };
