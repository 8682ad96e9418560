// Nothing a repository holds crashes the loader: every input gives a result with diagnostics.
import { describe, expect, it } from 'vitest';
import { load } from './helpers.js';

const fails = (text: string, message: RegExp) => {
  const result = load(text);
  expect(result.ok).toBe(false);
  expect(result.diagnostics.map((d) => d.message).join('\n')).toMatch(message);
};

describe('hostile input', () => {
  it('a list, a string or a number instead of a mapping', () => {
    fails('- job: tests\n', /a Packit config is a mapping.*holds a list.*Invalid input type/);
    fails('just words\n', /holds a string/);
    fails('42\n', /holds a number/);
  });

  it('a file over 512 KiB', () => {
    fails(`jobs: []\n# ${'x'.repeat(512 * 1024)}\n`, /at most 512 KiB/);
  });

  it('deep nesting, in brackets and in blocks', () => {
    fails(`tf_extra_params: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /nested more than/);
    const block = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    fails(`tf_extra_params:\n${block}\n`, /nested more than/);
  });

  it('an alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    fails(`_:\n${lines.map((l) => `  ${l}`).join('\n')}\n`, /alias/);
  });

  it('an alias inside the mapping it names', () => {
    fails(
      'tf_extra_params: &loop\n  again: *loop\n',
      /refers to a mapping or list that contains it/,
    );
  });

  it('an alias to an anchor that does not exist', () => {
    fails('_: *undefined\n', /unresolved alias \*undefined: no anchor &undefined comes before it/);
  });

  it('binary junk and stray control characters', () => {
    fails('jobs: []\n\u0000\u0001', /control character/);
  });

  it('odd but valid YAML values never crash: dates, keys that are numbers, nulls everywhere', () => {
    for (const text of [
      'version_suffix: 2024-01-01\n',
      'targets: {1: {}}\njobs: [null]\n',
      'packages: {a: null}\njobs: [{job: tests, trigger: commit, packages: {a: null}}]\n',
      'jobs: [{job: null, trigger: null, packages: [null]}]\n',
      'jobs: [{job: tests, trigger: commit, metadata: [1]}]\n',
    ]) {
      const result = load(text);
      expect(result.diagnostics.length, text).toBeGreaterThan(0);
    }
  });
});
