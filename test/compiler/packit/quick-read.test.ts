// The quick reader either gives up or gives exactly what the library's path gives, on a file
// that path reads without a single diagnostic.
import { describe, expect, it } from 'vitest';
import { quickRead } from '../../../src/compiler/packit/quick-read.js';
import { STRING_FIRST } from '../../../src/compiler/packit/quick-scalars.js';
import { readAsPyYaml, readPackitYaml } from '../../../src/compiler/packit/yaml.js';
import { readFileSync } from 'node:fs';
import { fixtures } from './helpers.js';
import { damaged, packitLike, seeded } from './yaml-samples.js';

function slow(text: string): unknown {
  const read = readAsPyYaml(text, '.packit.yaml');
  return read.ok && read.diagnostics.length === 0 ? read.source.value : 'not clean';
}

/** Given up, or the same value as the library's path. */
function agrees(text: string): boolean {
  const quick = quickRead(text);
  if (quick === undefined) return false;
  expect(quick, text).toStrictEqual(slow(text));
  return true;
}

const REAL = [
  ...fixtures('valid'),
  ...fixtures('invalid'),
  { name: 'examples/packit.yaml', text: readFileSync('examples/packit.yaml', 'utf8') },
];

describe('quick reader', () => {
  it('reads every real config, as the library does', () => {
    for (const { name, text } of fixtures('valid')) expect(agrees(text), name).toBe(true);
  });

  it('reads what the library reads', () => {
    for (const text of [
      'a: y\nb: N\nc: .\nd: .nan\ne: yes\nf: ~\ng: 0o7\nh: 012\ni: 1:30\nj: 2024-01-01\n',
      'x: &b {k: 1, l: [1, 2]}\nw:\n  <<: *b\n  k: 2\nz: *b\n',
      'a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: *a\n  <<: *b\n',
      'l:\n- a\n- b: 1\n  c: [x, "y", \'z\']\nm: 1\n',
      'f: >-  # note\n  one\n  two\n\n    more\n  three\ng: |\n  a\n\n  # b\n...\n# end\n',
      '---\n__proto__: 1\ntoString: 2\n"q": "a\\"b"\n',
    ])
      expect(agrees(text), text).toBe(true);
  });

  it('gives up on what only the library can tell', () => {
    for (const text of [
      'a: !!str 1\n',
      'a: one\n  two\n',
      'a: "one\n  two"\n',
      'a: 1\na: 2\n',
      'y: 1\n',
      '2024-01-01: 1\n',
      'a: |+\n  x\n',
      'a: |2\n   x\n',
      'a: 1\n---\nb: 2\n',
      '%YAML 1.1\n---\na: 1\n',
      'a:\tb\n',
      'a: &x\n  b: *x\n',
      'a: *nowhere\n',
      '- a\n',
      'a: b: c\n',
    ])
      expect(quickRead(text), text).toBeUndefined();
  });

  it('agrees with the library on 2,000 generated and damaged files', () => {
    const r = seeded(7);
    let read = 0;
    for (let i = 0; i < 2000; i++) {
      let text = r() < 0.4 ? packitLike(r) : REAL[Math.floor(r() * REAL.length)]!.text;
      if (i % 5 !== 0) for (let j = 0; j < 1 + Math.floor(r() * 3); j++) text = damaged(text, r);
      if (agrees(text)) read++;
    }
    expect(read).toBeGreaterThan(300); // the comparison is not vacuous
  });

  it('types as strings only scalars that no YAML 1.1 tag would take', () => {
    for (const first of 'ABCDEGHIJKLMPQRSUVWXZabcdeghijklmpqrsuvwxz_/$')
      expect(STRING_FIRST.test(`${first}x`)).toBe(true);
    for (const first of 'NnYyTtOoFf~.-+0123456789<') expect(STRING_FIRST.test(first)).toBe(false);
  });

  it('still points at places: the library parses a quickly read file when a check needs it', () => {
    const text = 'jobs:\n- job: tests\n  trigger: pull_request\n  targtes: [fedora-all]\n';
    const read = readPackitYaml(text, '.packit.yaml');
    if (!read.ok) throw new Error('expected a read');
    expect(read.locator.span(['jobs', 0, 'targtes'], 'key')).toEqual({
      line: 4,
      column: 3,
      length: 7,
    });
  });
});
