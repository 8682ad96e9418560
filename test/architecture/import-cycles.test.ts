/**
 * src/ has no import cycle: each module sits on a layer below the ones that import it, so it can
 * be read (and changed) without the ones above. A failure names the cycle and one loop to cut.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCycles, importCycles, importGraph } from '../support/import-cycles.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));

describe('imports among src files', () => {
  it('form no cycle', () => {
    const graph = importGraph(repository, 'src');
    expect(graph.size).toBeGreaterThan(100); // the tree was found, not an empty folder
    expect(describeCycles(importCycles(graph))).toBe('');
  });
});

describe('the cycle check', () => {
  const root = mkdtempSync(join(tmpdir(), 'forgeflow-cycles-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('counts type-only imports and re-exports, and names one loop through the cycle', () => {
    write('src/a.ts', `import type { B } from './b.js';\nexport type A = B;\n`);
    write('src/b.ts', `export * from './deep/c.js';\nexport type B = string;\n`);
    write('src/deep/c.ts', `import { a } from '../a.js';\nimport pg from 'pg';\n`);
    write('src/d.ts', `import type { A } from './a.js';\n`);
    const cycles = importCycles(importGraph(root, 'src'));
    expect(cycles).toEqual([
      {
        files: ['src/a.ts', 'src/b.ts', 'src/deep/c.ts'],
        loop: ['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/a.ts'],
      },
    ]);
    expect(describeCycles(cycles)).toContain('src/a.ts → src/b.ts → src/deep/c.ts → src/a.ts');
  });

  it('finds no cycle in layers', () => {
    const layered = new Map([
      ['top.ts', ['middle.ts', 'bottom.ts']],
      ['middle.ts', ['bottom.ts']],
      ['bottom.ts', []],
    ]);
    expect(importCycles(layered)).toEqual([]);
  });
});
