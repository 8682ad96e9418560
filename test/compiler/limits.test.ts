/**
 * Issue 12: every compile takes bounded time and memory. Self-referential YAML aliases, alias
 * bombs wide and deep, thousands of jobs, long `needs` chains, matrices of matrices and floods
 * of errors each come back as diagnostics at a line and column (never an internal compiler
 * error, never a hang), refused by a named limit of src/compiler/limits.ts before the work it
 * bounds; a matrix needing a matrix is stored as one entry per node, not one per pair.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPILE_LIMITS,
  compilePackit,
  toMermaid,
  validatePackit,
  validatePipeline,
  type Diagnostic,
} from '../../src/compiler/index.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import { compile, graphOf, push } from './helpers.js';

const options = { file: 'pipeline.yaml', handlers: builtInRegistry };

/** The file's diagnostics; it must be refused, and compiling it must say the same. */
function refused(text: string): Diagnostic[] {
  const result = validatePipeline(text, options);
  expect(result.ok).toBe(false);
  for (const d of result.diagnostics) expect(d.message).not.toMatch(/internal compiler error/);
  const compiled = compile(text, push('main'));
  expect(compiled.status).toBe('invalid');
  expect(compiled.diagnostics).toEqual(result.diagnostics);
  return result.diagnostics;
}

/** The one diagnostic a refused file gets, as `line:col [rule] message`. */
function only(text: string): string {
  const diagnostics = refused(text);
  expect(diagnostics.map((d) => d.message)).toHaveLength(1);
  const d = diagnostics[0]!;
  return `${d.line}:${d.column} [${d.rule}] ${d.message}`;
}

const CIRCULAR = 'refers to a mapping or list that contains it; a config cannot be circular';

/** A valid pipeline plus `extra` lines at the top level (`x-…` keys are unknown: the schema). */
const withTop = (extra: string) =>
  `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with: { command: ["true"] }\n${extra}\n`;

describe('self-referential aliases (issue 12: "a ten-byte config takes the server down")', () => {
  it.each([
    ['a flow list holding itself', 'x: &x [*x]', '1:8'],
    ['a flow mapping holding itself', 'x: &x {y: *x}', '1:11'],
    ['a list holding a list holding it', 'x: &x [1, [*x]]', '1:12'],
    ['a block list holding itself', 'x: &x\n  - *x', '2:5'],
    ['a block mapping holding itself', 'x: &x\n  y: *x', '2:6'],
    ['a block mapping two levels down', 'x: &x\n  y:\n    z: [1, *x]', '3:12'],
    ['a mapping merging itself in', 'x: &x {<<: *x}', '1:12'],
    ['a pair in a flow list', 'x: &x [a: *x]', '1:11'],
    ['a mapping whose key is itself', 'x: &x {*x : 1}', '1:8'],
  ])('refuses %s at the alias, on its own', (_name, text, at) => {
    expect(only(text)).toBe(`${at} [limits] alias *x ${CIRCULAR}`);
  });

  it('refuses it inside a real pipeline, at the alias, without looking further', () => {
    const text = `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with: &w\n      command: ["true"]\n      again: *w\n`;
    expect(only(text)).toBe(`8:14 [limits] alias *w ${CIRCULAR}`);
  });

  it('refuses a cycle through two anchors', () => {
    expect(only('a: &a\n  b: &b\n    c: *a\n')).toBe(`3:8 [limits] alias *a ${CIRCULAR}`);
  });

  it('still reads an alias to a finished node, in a list that is anchored too', () => {
    const text = `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with: &w\n      command: &c ["true", *n]\nx-n: &n "x"\n`;
    // *n comes before &n: unresolved, not circular.
    expect(only(text)).toBe('7:28 [syntax] unresolved alias *n: no anchor &n comes before it');
    const fine = `x-n: &n "x"\nversion: 1\non: push\njobs:\n  a:\n    uses: exec\n    with: &w\n      command: &c ["true", *n]\n  b:\n    uses: exec\n    with: *w\n`;
    expect(refused(fine).map((d) => d.message)).toEqual([
      'unknown key "x-n" at the top level; expected one of: version, name, on, env, defaults, concurrency, timeout, trust, jobs',
    ]);
  });

  it.each([
    ['x: &x [*x]', '1:8'],
    ['x: &x {y: *x}', '1:11'],
    ['x: &x [1, [*x]]', '1:12'],
    ['x: &x\n  - *x', '2:5'],
    ['x: &x\n  y: *x', '2:6'],
  ])('refuses %j in a .packit.yaml too (the same reader)', (text, at) => {
    const result = validatePackit(text, { file: '.packit.yaml' });
    expect(result.ok).toBe(false);
    const [d] = result.diagnostics;
    expect(`${d!.line}:${d!.column} [${d!.rule}] ${d!.message}`).toBe(
      `${at} [limits] alias *x ${CIRCULAR}`,
    );
    expect(compilePackit(text, push('main'), { file: '.packit.yaml' }).status).toBe('invalid');
  });
});

describe('alias limits', () => {
  it(`refuses more than ${COMPILE_LIMITS.maxAliases} aliases, at the first one too many`, () => {
    const aliases = Array.from({ length: 1001 }, () => '*s').join(', ');
    const text = withTop(`x-s: &s 1\nx-list: [${aliases}]`);
    const d = refused(text);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      line: 8,
      column: 10 + 4 * 1000,
      rule: 'limits',
      message: 'more than 1,000 aliases in the file; a config may use at most 1,000',
    });
  });

  it('allows a thousand uses of one anchor (PyYAML, which Packit uses, has no limit)', () => {
    const aliases = Array.from({ length: 1000 }, () => '*s').join(', ');
    const text = `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with: { command: [&s "x", ${aliases}] }\n`;
    expect(validatePipeline(text, options).ok).toBe(true);
  });

  it('refuses a wide alias bomb (one big list used 99 times) before expanding it', () => {
    const list = Array.from({ length: 2000 }, () => 'x').join(',');
    const uses = Array.from({ length: 99 }, () => '*a').join(',');
    const text = withTop(`x-a: &a [${list}]\nx-b: [${uses}]`);
    expect(only(text)).toMatch(
      /^8:\d+ \[limits\] the file holds more than 25,000 values once this alias is expanded; a config may hold at most 25,000 \(is this a YAML alias bomb\?\)$/,
    );
  });

  it('refuses a file of more than 25,000 plain values before parsing it (it once overflowed the stack)', () => {
    // The 25,001st comma: 7 lines (6 newlines) and 24,995 commas into the list.
    const list = Array.from({ length: 200_000 }, () => 'x').join(',');
    const text = `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with:\n      command: [${list}]\n`;
    expect(only(text)).toBe(
      `7:${16 + 2 * 24_995} [limits] the file has more than 25,000 lines and commas, so more values than a config may hold (at most 25,000)`,
    );
  });

  it('refuses more than 25,000 values once aliases are expanded, lines and commas fewer', () => {
    const list = Array.from({ length: 15_000 }, () => 'x').join(',');
    const text = `${withTop(`x-a: &a [${list}]`)}x-b: [*a]\n`;
    expect(only(text)).toMatch(
      /^8:7 \[limits\] the file holds more than 25,000 values once this alias is expanded; a config may hold at most 25,000 \(is this a YAML alias bomb\?\)$/,
    );
  });

  it('refuses more than 4 MiB of text once aliases are expanded', () => {
    const big = 'y'.repeat(64 * 1024);
    const uses = Array.from({ length: 70 }, () => '*t').join(', ');
    const text = withTop(`x-t: &t "${big}"\nx-u: [${uses}]`);
    expect(only(text)).toMatch(
      /^8:\d+ \[limits\] the file holds more than 4 MiB of text once this alias is expanded; a config may hold at most 4 MiB \(is this a YAML alias bomb\?\)$/,
    );
  });

  it('refuses nesting deeper than 64 levels once aliases are expanded', () => {
    // Each anchor nests the previous one 20 levels deeper: x-d is 80 levels deep.
    const nest = (inner: string) => `${'['.repeat(20)}${inner}${']'.repeat(20)}`;
    const text = withTop(
      `x-a: &a ${nest('1')}\nx-b: &b ${nest('*a')}\nx-c: &c ${nest('*b')}\nx-d: ${nest('*c')}`,
    );
    expect(only(text)).toBe(
      '10:26 [limits] nested more than 64 levels deep once this alias is expanded; a config may nest at most 64',
    );
  });

  it('refuses 66 levels of block nesting without aliases, at the first value too deep', () => {
    // The file's mapping, x-deep's and k0…k61's are 64 levels: the key k62 is the 65th.
    const lines = Array.from({ length: 66 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`);
    const text = `version: 1\non: push\njobs: {}\nx-deep:\n${lines.join('\n')} 1\n`;
    expect(only(text)).toBe(
      '67:64 [limits] nested more than 64 levels deep; a config may nest at most 64',
    );
  });

  it('points an unresolved alias at itself', () => {
    expect(only(withTop('x-y: *nothing'))).toBe(
      '7:6 [syntax] unresolved alias *nothing: no anchor &nothing comes before it',
    );
  });
});

/** `n` jobs `j0…`, job i needing job i-1 (`chain`) or i+1 (`reverse`), or nothing (`flat`). */
/** `n` jobs, a line each (flow style keeps thousands under the limit of lines and commas). */
function jobs(n: number, shape: 'flat' | 'chain' | 'reverse'): string {
  const lines = ['version: 1', 'on: push', 'jobs:'];
  for (let i = 0; i < n; i++) {
    const need =
      shape === 'chain' && i > 0
        ? `needs: j${i - 1}, `
        : shape === 'reverse' && i < n - 1
          ? `needs: j${i + 1}, `
          : '';
    lines.push(`  j${i}: { ${need}sleep: 1s }`);
  }
  return lines.join('\n') + '\n';
}

describe('jobs', () => {
  it.each(['flat', 'chain', 'reverse'] as const)(
    'refuses 3,000 jobs (%s) with one diagnostic at "jobs", before any other check',
    (shape) => {
      expect(only(jobs(3000, shape))).toBe(
        '3:1 [limits] 3,000 jobs; a pipeline may have at most 1,000',
      );
    },
  );

  it.each(['chain', 'reverse'] as const)(
    'compiles a %s of 1,000 jobs (the limit): no recursion along needs',
    (shape) => {
      const { graph } = graphOf(jobs(1000, shape), push('main'));
      expect(graph.nodes).toHaveLength(1000);
      const needing = graph.nodes.filter((n) => n.needs.length === 1);
      expect(needing).toHaveLength(999);
    },
  );

  it('finds a cycle of 1,000 jobs', () => {
    const text = jobs(1000, 'chain').replace('  j0: { ', '  j0: { needs: j999, ');
    const cycles = refused(text).filter((d) => d.rule === 'cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message).toMatch(/^jobs need each other in a cycle: j0 → j999 → j998 → /);
  });

  it('suggests a job for every unknown need shown, and stops suggesting past the shown ones', () => {
    // 1,200 misspelt needs: a suggestion compares with every job id, so only those shown get one.
    const lines = ['version: 1', 'on: push', 'jobs:'];
    for (let i = 0; i < 400; i++) {
      const next = (i + 1) % 400;
      lines.push(`  job${i}:`, `    needs: [jbo${next}, ojb${next}, job${next}x]`, '    sleep: 1s');
    }
    const diagnostics = refused(lines.join('\n'));
    expect(diagnostics).toHaveLength(1001);
    const needs = diagnostics.filter((d) => d.rule === 'needs');
    expect(needs).toHaveLength(1000);
    expect(needs[0]!.message).toBe(
      'job "job0" needs "jbo1", which is not a job; did you mean "job1"?',
    );
    for (const d of needs) expect(d.message).toMatch(/; did you mean "job\d+"\?$/);
    expect(diagnostics[1000]!.message).toMatch(/^200 more problems from here on are not shown/);
  });
});

/** `count` jobs, each a matrix of `size` values of its own key, each needing the one before. */
function matrices(count: number, size: number): string {
  const lines = ['version: 1', 'on: push', 'jobs:'];
  const values = Array.from({ length: size }, (_, v) => `v${v}`).join(', ');
  for (let i = 0; i < count; i++) {
    lines.push(`  m${i}:`, `    matrix: { k${i}: [${values}] }`, '    sleep: 1s');
    if (i > 0) lines.push(`    needs: m${i - 1}`);
  }
  return lines.join('\n') + '\n';
}

describe('a matrix needing a matrix (issue 12: "graph size")', () => {
  it('stores 20 jobs × 256 instances as one needs entry per node, not 1,245,184 edges', () => {
    const { graph } = graphOf(matrices(20, 256), push('main'));
    expect(graph.nodes).toHaveLength(20 * 256);
    const entries = graph.nodes.reduce((sum, n) => sum + n.needs.length, 0);
    expect(entries).toBe(19 * 256);
    expect(graph.nodes.find((n) => n.id === 'm5[v3]')!.needs).toEqual(['m4']);
    expect('edges' in graph).toBe(false);
    // 46 MB when every instance pair was an edge.
    expect(JSON.stringify(graph).length).toBeLessThan(4 * 1024 * 1024);
  });

  it('draws it in Mermaid as one arrow between the two subgraphs', () => {
    const { graph } = graphOf(matrices(2, 3), push('main'));
    expect(toMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  subgraph g0 ["m0"]',
        '    n0["m0[v0]<br/><small>sleep</small>"]',
        '    n1["m0[v1]<br/><small>sleep</small>"]',
        '    n2["m0[v2]<br/><small>sleep</small>"]',
        '  end',
        '  subgraph g1 ["m1"]',
        '    n3["m1[v0]<br/><small>sleep</small>"]',
        '    n4["m1[v1]<br/><small>sleep</small>"]',
        '    n5["m1[v2]<br/><small>sleep</small>"]',
        '  end',
        '  g0 --> g1',
        '',
      ].join('\n'),
    );
  });

  it('still aligns instances of matrices with the same keys, one node each', () => {
    const text = `version: 1\non: push\njobs:\n  a:\n    matrix: { t: [x, y] }\n    sleep: 1s\n  b:\n    needs: a\n    matrix: { t: [x, y] }\n    sleep: 1s\n  c:\n    needs: [a, b]\n    sleep: 1s\n`;
    const { graph } = graphOf(text, push('main'));
    expect(graph.nodes.map((n) => [n.id, n.needs])).toEqual([
      ['a[x]', []],
      ['a[y]', []],
      ['b[x]', ['a[x]']],
      ['b[y]', ['a[y]']],
      ['c', ['a', 'b']],
    ]);
  });

  it(`refuses 45 such jobs by the node limit (${COMPILE_LIMITS.maxNodes}), at the job that crosses it`, () => {
    // 40 × 256 = 10,240: the matrix of m39 (line 3 + 4 × 39 + 1) crosses 10,000. (300 such
    // jobs, which once exhausted a 2 GB heap, are now refused earlier: 76,800 commas.)
    expect(only(matrices(45, 256))).toBe(
      '160:5 [limits] with job "m39" the graph has 10,240 nodes once matrices are expanded; a graph may have at most 10,000',
    );
  });

  it(`refuses more than ${COMPILE_LIMITS.maxEdges} dependencies, at the needs that cross it`, () => {
    // 39 matrices of 256, each needing every earlier one: 256 × (1 + 2 + …) entries.
    const lines = ['version: 1', 'on: push', 'jobs:'];
    const values = Array.from({ length: 256 }, (_, v) => v).join(', ');
    for (let i = 0; i < 39; i++) {
      lines.push(`  m${i}:`, `    matrix: { k${i}: [${values}] }`, '    sleep: 1s');
      if (i > 0)
        lines.push(`    needs: [${Array.from({ length: i }, (_, k) => `m${k}`).join(', ')}]`);
    }
    // 256 × (1 + … + 28) = 103,936 at m28, whose needs are on line 3 + 4 × 28 + 3.
    expect(only(lines.join('\n') + '\n')).toBe(
      '118:5 [limits] with job "m28" the graph has 103,936 dependencies (one per node and job it needs); a graph may have at most 100,000',
    );
  });

  it('refuses a graph whose nodes would hold more than 16 MiB of settings', () => {
    // 256 nodes of a job whose input is 80 kB: about 20 MiB once copied into each node.
    const text = `version: 1\non: push\njobs:\n  a:\n    matrix: { k: [${Array.from({ length: 256 }, (_, v) => v).join(', ')}] }\n    uses: exec\n    with: { command: ["echo", "${'z'.repeat(80 * 1024)}"] }\n`;
    expect(only(text)).toMatch(
      /^4:3 \[limits\] with job "a" the graph takes about 20\.\d MiB \(each node holds its job's settings\); a graph may take at most 16\.0 MiB$/,
    );
  });

  it(`refuses a matrix with more than ${COMPILE_LIMITS.maxMatrixEntries} include entries`, () => {
    const include = Array.from({ length: 1025 }, (_, i) => `{t: ${i}}`).join(', ');
    const text = `version: 1\non: push\njobs:\n  a:\n    matrix: { t: [1], include: [${include}] }\n    sleep: 1s\n`;
    expect(refused(text).map((d) => `${d.line}:${d.column} [${d.rule}] ${d.message}`)).toEqual([
      '5:5 [limits] the matrix of job "a" has 1,025 "include" entries; a matrix may have at most 1,024',
    ]);
  });
});

describe('a flood of errors', () => {
  it(`reports the first ${COMPILE_LIMITS.maxDiagnostics} and counts the rest in one more`, () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `k${i}: 1`).join('\n');
    const diagnostics = refused(withTop(keys));
    expect(diagnostics).toHaveLength(1001);
    expect(diagnostics[999]!.message).toMatch(/^unknown key "k999" at the top level/);
    expect(diagnostics[1000]).toMatchObject({
      line: 1007,
      column: 1,
      rule: 'limits',
      severity: 'error',
      message:
        '500 more problems from here on are not shown; a file is reported up to 1,000 at a time',
    });
  });

  it('gives each of thousands of bad values its own place in one mapping', () => {
    const env = Array.from({ length: 3000 }, (_, i) => `  E${i}: [1]`).join('\n');
    const diagnostics = refused(withTop(`env:\n${env}`));
    expect(diagnostics).toHaveLength(1001);
    diagnostics.slice(0, 1000).forEach((d, i) => {
      expect(d).toMatchObject({ line: 8 + i, column: 6 + String(i).length });
      expect(d.message).toBe(`"env.E${i}" must be a string, a number or true or false, not a list`);
    });
  });
});
