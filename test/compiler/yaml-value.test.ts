// toPlain is the library's doc.toJS() without its walk of the whole document per alias: same
// data, same shared objects, same refusals.
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { indexAnchors } from '../../src/compiler/yaml-anchors.js';
import { toPlain } from '../../src/compiler/yaml-value.js';

const OPTIONS = { uniqueKeys: false, merge: true, prettyErrors: false } as const;

function both(text: string, version: '1.1' | '1.2'): [unknown, unknown] {
  const run = (convert: (doc: Document.Parsed) => unknown): unknown => {
    const doc = parseDocument(text, { ...OPTIONS, version }) as Document.Parsed;
    try {
      return convert(doc);
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  return [
    run((doc) => doc.toJS({ maxAliasCount: 100 })),
    run((doc) => toPlain(doc, indexAnchors(doc.contents), 100)),
  ];
}

const DOCUMENTS = [
  'a: 1\nb: [x, {c: ~}]\n',
  'base: &b {k: 1, l: [1]}\nx:\n  <<: *b\n  k: 2\ny: *b\n',
  'a: &a {k: 1}\nb: &b {k: 2, m: 3}\nc:\n  <<: [*a, *b]\n',
  'a: &a {k: 1}\nc:\n  <<: *a\n  <<: {k: 9, z: 1}\n',
  '__proto__: {polluted: 1}\ntoString: 2\nnull: 3\n~: 4\n1: 5\ntrue: 6\n',
  'a: &x 1\nb: &x 2\nc: *x\n',
  '"<<": 1\nx: {<<: {a: 1}}\n',
  '? [a]\n: 1\n',
  'a: !!set {x, y}\nb: !!omap [c: 1]\n',
  'a: *nowhere\n',
  'a: {<<: 1}\n',
  'a: [x, x]\nb: &b [*b]\n',
  `_:\n${Array.from(
    { length: 6 },
    (_, i) =>
      `  a${i}: &a${i} [${
        i === 0
          ? 'x, x, x, x, x, x'
          : Array(6)
              .fill(`*a${i - 1}`)
              .join(', ')
      }]`,
  ).join('\n')}\n`,
];

describe('toPlain', () => {
  for (const version of ['1.1', '1.2'] as const)
    it(`gives what doc.toJS() gives, in YAML ${version}`, () => {
      for (const text of DOCUMENTS) {
        const [library, ours] = both(text, version);
        expect(ours, text).toStrictEqual(library);
      }
    });

  it("shares an alias's object, as the library does, and copies what a merge brings in", () => {
    const doc = parseDocument('a: &a {l: [1]}\nb: *a\nc: {<<: *a}\n', OPTIONS) as Document.Parsed;
    const value = toPlain(doc, indexAnchors(doc.contents), 100) as Record<string, { l: unknown }>;
    expect(value.b).toBe(value.a);
    expect(value.c!.l).not.toBe(value.a!.l);
  });

  it("refuses an alias bomb with the library's words", () => {
    const [, ours] = both(DOCUMENTS.at(-1)!, '1.1');
    expect(ours).toMatch(/Excessive alias count/);
  });
});
