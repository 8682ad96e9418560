/**
 * Every diagnostic names a line:col the text has, however broken the YAML (issue 12: "0
 * diagnostics without line:col"), and finding positions stays linear in the errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/compiler/index.js';
import { LineIndex } from '../../src/compiler/line-index.js';
import { declaredTriggers } from '../../src/compiler/checks/jobs.js';
import { compile, pullRequest } from './helpers.js';

const REGRESSIONS = new URL('./fuzz-regressions/', import.meta.url);

/** The diagnostics whose line:col is not in the text (one past a line's end is: "missing X"). */
function misplaced(text: string, diagnostics: readonly Diagnostic[]): string[] {
  const lines = text.split('\n');
  return diagnostics
    .filter((d) => d.line > lines.length + 1 || d.column > (lines[d.line - 1]?.length ?? 0) + 1)
    .map((d) => `${d.line}:${d.column} ${d.message}`);
}

describe('LineIndex', () => {
  const index = new LineIndex('ab\ncd\n\nlast');

  it('gives 1-based line and column for offsets on each line', () => {
    expect(index.position(0)).toEqual({ line: 1, column: 1 });
    expect(index.position(2)).toEqual({ line: 1, column: 3 }); // the line break itself
    expect(index.position(3)).toEqual({ line: 2, column: 1 });
    expect(index.position(6)).toEqual({ line: 3, column: 1 });
    expect(index.position(10)).toEqual({ line: 4, column: 4 });
  });

  it('clamps offsets outside the text', () => {
    expect(index.position(-5)).toEqual({ line: 1, column: 1 });
    expect(index.position(99)).toEqual({ line: 4, column: 5 });
  });

  it('knows where each line ends', () => {
    expect([1, 2, 3, 4].map((line) => index.lineEnd(line))).toEqual([2, 5, 6, 11]);
  });
});

describe('syntax errors the yaml library misplaces', () => {
  const files = readdirSync(REGRESSIONS).filter((f) => f.endsWith('.yaml'));

  it('has the fuzzer finds to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s: every diagnostic is at a line:col of the text', (file) => {
    const text = readFileSync(new URL(file, REGRESSIONS), 'utf8');
    const result = compile(text, pullRequest('opened'));
    expect(result.status).toBe('invalid');
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(misplaced(text, result.diagnostics)).toEqual([]);
  });

  it('points at each of many errors on one long line', () => {
    // Every `""` after the first is a scalar where none may be: one error each, on line 5.
    const text = `version: 1\non: push\njobs:\n  c:\n    uses: ${'""'.repeat(20_000)}\n  d:\n    sleep: 1s\n`;
    const result = compile(text, pullRequest('opened'));
    const syntax = result.diagnostics.filter((d) => d.rule === 'syntax');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.every((d) => d.line === 5)).toBe(true);
    expect(syntax[0]!.column).toBeGreaterThan(11);
    expect(misplaced(text, result.diagnostics)).toEqual([]);
  });
});

describe('a long `on:` list of unknown triggers', () => {
  it('reports each unknown item once, at its own column', () => {
    const items = Array.from({ length: 2_000 }, (_, i) => `push-${i}`);
    const text = `version: 1\non: [push, ${items.join(', ')}]\njobs:\n  a:\n    sleep: 1s\n`;
    const result = compile(text, pullRequest('opened'));
    const unknown = result.diagnostics.filter((d) =>
      /of "on": "push-\d+" is not allowed/.test(d.message),
    );
    // One per item up to the cap (ajv once reported six per item: one per possible name).
    expect(unknown).toHaveLength(1_000);
    expect(unknown[0]).toMatchObject({ line: 2, column: 12 });
    expect(unknown[0]!.message).toMatch(/did you mean "push"\?/);
    expect(result.diagnostics.at(-1)!.message).toMatch(/^1,000 more problems from here on/);
  });

  it('gives the job checks at most the five trigger names, each once', () => {
    expect(
      declaredTriggers(['push', 'push', 'x', ...Array.from({ length: 1000 }, () => 'manual')]),
    ).toEqual(['push', 'manual']);
    expect(declaredTriggers({ comment: {}, nope: 1 })).toEqual(['comment']);
    expect(declaredTriggers('release')).toEqual(['release']);
    expect(declaredTriggers(undefined)).toBeUndefined();
  });
});
