/**
 * Property tests of the compiler on mutated real configs: `examples/pipeline.yaml` and every
 * `.yaml` under `test/golden/` (read at test time; the folder may be missing or empty). Whatever
 * the text, `compilePipeline` answers with one of its three statuses and never throws; an
 * 'invalid' answer carries at least one error at a real position; a 'graph' is well formed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { compilePipeline, validatePipeline, type CompileResult } from '../../src/compiler/index.js';
import type { Event } from '../../src/events/event.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const options = { file: 'pipeline.yaml', handlers: builtInRegistry };
const NUM_RUNS = 300;

function exampleEvent(name: string, forge: 'github' | 'gitlab', header: string): Event {
  const payload: unknown = JSON.parse(readFileSync(join(root, 'examples/events', name), 'utf8'));
  const result = normalizeEvent(forge, header, payload);
  if (!result.ok) throw new Error(`${name} was ignored: ${result.ignored}`);
  return result.event;
}

const EVENTS: readonly Event[] = [
  exampleEvent('github-pull_request-opened.json', 'github', 'pull_request'),
  exampleEvent('github-push-branch.json', 'github', 'push'),
  exampleEvent('gitlab-merge_request.json', 'gitlab', 'Merge Request Hook'),
];

/** The example and every golden `.yaml` that exists right now. */
function sourceTexts(): string[] {
  const texts = [readFileSync(join(root, 'examples/pipeline.yaml'), 'utf8')];
  const golden = join(root, 'test/golden');
  if (existsSync(golden)) {
    const files = readdirSync(golden, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    for (const file of files) texts.push(readFileSync(join(golden, file), 'utf8'));
  }
  return texts;
}

// ---------------------------------------------------------------------------------------------
// What every answer must satisfy

const STATUSES = ['invalid', 'not-triggered', 'graph'];

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function checkAnswer(text: string, result: CompileResult): void {
  expect(STATUSES).toContain(result.status);
  for (const d of result.diagnostics) {
    expect(d.line, d.message).toBeGreaterThanOrEqual(1);
    expect(d.line, d.message).toBeLessThanOrEqual(lineCount(text) + 1);
    expect(d.column, d.message).toBeGreaterThanOrEqual(1);
    // The compiler turns its own crashes into this diagnostic: it is a thrown exception in disguise.
    expect(d.message).not.toMatch(/^internal compiler error/);
  }
  if (result.status === 'invalid') {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
  } else {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }
  if (result.status === 'graph') {
    const ids = result.graph.nodes.map((n) => n.id);
    expect(new Set(ids).size, `duplicate node ids in ${ids.join(', ')}`).toBe(ids.length);
    const known = new Set(ids);
    // A needs entry is a node, or a job standing for all of its nodes (graph.ts).
    const jobs = new Set(result.graph.nodes.map((n) => n.job));
    for (const node of result.graph.nodes)
      for (const need of node.needs)
        expect(known.has(need) || jobs.has(need), `${node.id} needs ${need}`).toBe(true);
  }
}

function compileForEveryEvent(text: string): void {
  for (const event of EVENTS) {
    let result: CompileResult;
    try {
      result = compilePipeline(text, event, options);
    } catch (error) {
      throw new Error(
        `compilePipeline threw on a ${event.forge} ${event.kind} event: ${String(error)}`,
        { cause: error },
      );
    }
    checkAnswer(text, result);
  }
}

// ---------------------------------------------------------------------------------------------
// Text mutations

type TextMutation = (text: string) => string;

const at = (n: number, length: number) => (length === 0 ? 0 : n % length);

function editLines(text: string, edit: (lines: string[]) => void): string {
  const lines = text.split('\n');
  edit(lines);
  return lines.join('\n');
}

const INSERTIONS = [
  '${{',
  '}}',
  '${{ }}',
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '\t',
  '- ',
  '#',
  '"',
  "'",
  '\n',
  '  ',
  '&a ',
  '*a',
  '<<: ',
  '? ',
  '|',
  '---\n',
  '\0',
  '\r\n',
];

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  // delete a random slice
  fc
    .tuple(fc.nat(), fc.integer({ min: 1, max: 200 }))
    .map(([start, length]): TextMutation => (text) => {
      const s = at(start, text.length);
      return text.slice(0, s) + text.slice(s + length);
    }),
  // duplicate a line
  fc.nat().map(
    (i): TextMutation =>
      (text) =>
        editLines(text, (lines) => {
          const k = at(i, lines.length);
          lines.splice(k, 0, lines[k] ?? '');
        }),
  ),
  // swap two lines
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): TextMutation =>
      (text) =>
        editLines(text, (lines) => {
          const a = at(i, lines.length);
          const b = at(j, lines.length);
          [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        }),
  ),
  // insert characters: YAML and expression punctuation, or anything
  fc
    .tuple(
      fc.nat(),
      fc.oneof(
        fc.constantFrom(...INSERTIONS),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
    )
    .map(([position, insert]): TextMutation => (text) => {
      const p = at(position, text.length + 1);
      return text.slice(0, p) + insert + text.slice(p);
    }),
  // change the indentation of a line
  fc.tuple(fc.nat(), fc.integer({ min: -6, max: 6 })).map(
    ([i, delta]): TextMutation =>
      (text) =>
        editLines(text, (lines) => {
          const k = at(i, lines.length);
          const line = lines[k] ?? '';
          lines[k] =
            delta >= 0 ? ' '.repeat(delta) + line : line.replace(new RegExp(`^ {0,${-delta}}`), '');
        }),
  ),
  // truncate
  fc.nat().map(
    (n): TextMutation =>
      (text) =>
        text.slice(0, at(n, text.length + 1)),
  ),
);

// ---------------------------------------------------------------------------------------------
// Structure mutations (on the parsed YAML, serialized again with the `yaml` package)

type Key = string | number;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function allPaths(value: unknown, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  const entries: [Key, unknown][] = Array.isArray(value)
    ? [...(value as unknown[]).entries()]
    : isRecord(value)
      ? Object.entries(value)
      : [];
  for (const [key, child] of entries) {
    const path = [...prefix, key];
    out.push(path);
    allPaths(child, path, out);
  }
  return out;
}

function parentOf(root: unknown, path: Key[]): unknown {
  let node = root;
  for (const key of path.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
  }
  return node;
}

type StructureMutation = (root: unknown) => unknown;

/** Picks a path of `root` by index; `f` edits the parent in place. */
function atPath(index: number, f: (parent: unknown, key: Key) => void): StructureMutation {
  return (root) => {
    const paths = allPaths(root);
    const path = paths[at(index, paths.length)];
    if (path === undefined) return root;
    const key = path[path.length - 1]!;
    f(parentOf(root, path), key);
    return root;
  };
}

const KEY_NAMES = [
  'version',
  'name',
  'on',
  'env',
  'defaults',
  'concurrency',
  'timeout',
  'jobs',
  'uses',
  'with',
  'needs',
  'matrix',
  'include',
  'exclude',
  'sleep',
  'wait_for',
  'poll',
  'if',
  'retry',
  'report',
  'until',
  'every',
  'command',
  'shell',
  'pull_request',
  'push',
  'release',
  'comment',
  'manual',
  'branches',
  'types',
  'build',
  'test',
];

const structureMutation: fc.Arbitrary<StructureMutation> = fc.oneof(
  // replace a subtree with anything
  fc.tuple(fc.nat(), fc.anything()).map(([i, value]) =>
    atPath(i, (parent, key) => {
      if (Array.isArray(parent)) parent[Number(key)] = value;
      else if (isRecord(parent)) parent[key] = value;
    }),
  ),
  // replace a subtree with a copy of another subtree of the same document
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): StructureMutation => (root) => {
    const paths = allPaths(root);
    const source = paths[at(j, paths.length)];
    if (source === undefined) return root;
    const parent = parentOf(root, source);
    const key = source[source.length - 1]!;
    const copy: unknown = structuredClone(
      Array.isArray(parent) ? parent[Number(key)] : isRecord(parent) ? parent[key] : null,
    );
    return atPath(i, (target, k) => {
      if (Array.isArray(target)) target[Number(k)] = copy;
      else if (isRecord(target)) target[k] = copy;
    })(root);
  }),
  // delete a key (or a list item)
  fc.nat().map((i) =>
    atPath(i, (parent, key) => {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (isRecord(parent)) delete parent[key];
    }),
  ),
  // rename a key, keeping its place
  fc
    .tuple(fc.nat(), fc.oneof(fc.constantFrom(...KEY_NAMES), fc.string({ maxLength: 10 })))
    .map(([i, name]) =>
      atPath(i, (parent, key) => {
        if (!isRecord(parent) || typeof key !== 'string') return;
        const entries = Object.entries(parent).map(([k, v]): [string, unknown] => [
          k === key ? name : k,
          v,
        ]);
        for (const k of Object.keys(parent)) delete parent[k];
        for (const [k, v] of entries) parent[k] = v;
      }),
    ),
);

function serialize(value: unknown, style: 'block' | 'flow' | 'json'): string | null {
  try {
    const text =
      style === 'json'
        ? JSON.stringify(value, null, 1)
        : stringify(value, style === 'flow' ? { collectionStyle: 'flow' } : {});
    return typeof text === 'string' ? text : null;
  } catch {
    return null; // the serializer's limits, not the compiler's
  }
}

// ---------------------------------------------------------------------------------------------

/** Sources that compile to a graph for some event are picked three times as often as the rest. */
function weighted<T>(items: readonly { value: T; valid: boolean }[]): fc.Arbitrary<T> {
  const pick = (valid: boolean) => items.filter((i) => i.valid === valid).map((i) => i.value);
  const [good, bad] = [pick(true), pick(false)];
  if (good.length === 0 || bad.length === 0) return fc.constantFrom(...items.map((i) => i.value));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...good), weight: 3 },
    { arbitrary: fc.constantFrom(...bad), weight: 1 },
  );
}

describe('compilePipeline on mutated configs', () => {
  const texts = sourceTexts().map((text) => ({
    value: text,
    valid: EVENTS.some((e) => compilePipeline(text, e, options).status === 'graph'),
  }));
  // As data only what the library reads as a tree: not the hostile goldens (circular, bombs).
  const parsed = texts.flatMap(({ value: text, valid }) => {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) return [];
    if (validatePipeline(text, options).diagnostics.some((d) => d.rule === 'limits')) return [];
    let value: unknown;
    try {
      value = doc.toJS();
    } catch {
      return []; // an alias to nothing
    }
    return isRecord(value) ? [{ value, valid }] : [];
  });

  it('reads the example and the golden configs', () => {
    expect(texts.length).toBeGreaterThanOrEqual(1);
    expect(texts[0]!.valid).toBe(true);
    expect(parsed.length).toBeGreaterThanOrEqual(1);
  });

  it('answers every source unchanged', () => {
    for (const { value } of texts) compileForEveryEvent(value);
  });

  it('never throws on text mutations: deleted slices, moved lines, stray characters, truncation', () => {
    fc.assert(
      fc.property(
        weighted(texts),
        fc.array(textMutation, { minLength: 1, maxLength: 4 }),
        (text, mutations) => {
          compileForEveryEvent(mutations.reduce((t, mutate) => mutate(t), text));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws on structure mutations: subtrees replaced, moved, deleted or renamed', () => {
    fc.assert(
      fc.property(
        weighted(parsed),
        fc.array(structureMutation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('block' as const, 'flow' as const, 'json' as const),
        (value, mutations, style) => {
          const mutated = mutations.reduce<unknown>(
            (v, mutate) => mutate(v),
            structuredClone(value),
          );
          const text = serialize(mutated, style);
          if (text !== null) compileForEveryEvent(text);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
