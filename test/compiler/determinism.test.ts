/**
 * The compiled graph is a pure function of (config text, event): the same inputs give the same
 * bytes and the same hash, in the same module instance and in a fresh one; any change of the
 * text, even in a comment, changes the source digest and so the graph hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { compilePipeline, type Graph } from '../../src/compiler/index.js';
import type { Event } from '../../src/events/event.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';

const example = readFileSync(new URL('../../examples/pipeline.yaml', import.meta.url), 'utf8');
const payload: unknown = JSON.parse(
  readFileSync(
    new URL('../../examples/events/github-pull_request-opened.json', import.meta.url),
    'utf8',
  ),
);

function pullRequestEvent(): Event {
  const result = normalizeEvent('github', 'pull_request', payload);
  if (!result.ok) throw new Error(`the example event was ignored: ${result.ignored}`);
  return result.event;
}

type Compile = typeof compilePipeline;

function graphOf(compile: Compile, handlers: typeof builtInRegistry, text: string): Graph {
  const result = compile(text, pullRequestEvent(), { file: 'pipeline.yaml', handlers });
  if (result.status !== 'graph') throw new Error(`expected a graph, got ${result.status}`);
  return result.graph;
}

const compileExample = (text = example) => graphOf(compilePipeline, builtInRegistry, text);

describe('determinism', () => {
  it('gives byte-identical graphs and the same hash when compiled twice', () => {
    const first = compileExample();
    const second = compileExample();
    expect(second).not.toBe(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(second.hash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same bytes from a fresh module instance', async () => {
    const before = compileExample();
    vi.resetModules();
    const compiler = await import('../../src/compiler/index.js');
    const catalog = await import('../../src/handlers/catalog.js');
    // Otherwise this test would prove nothing: the modules really were loaded again.
    expect(compiler.compilePipeline).not.toBe(compilePipeline);
    expect(catalog.builtInRegistry).not.toBe(builtInRegistry);
    const after = graphOf(compiler.compilePipeline, catalog.builtInRegistry, example);
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
    expect(after.hash).toBe(before.hash);
  });

  it('does not depend on the identity of the event object', () => {
    const a = compilePipeline(example, pullRequestEvent(), {
      file: 'pipeline.yaml',
      handlers: builtInRegistry,
    });
    const b = compilePipeline(example, structuredClone(pullRequestEvent()), {
      file: 'pipeline.yaml',
      handlers: builtInRegistry,
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('changes the source digest and the hash when one character of a comment changes', () => {
    const original = compileExample();
    const index = example.indexOf('realistic');
    expect(index).toBeGreaterThan(0);
    const edited = example.slice(0, index) + 'R' + example.slice(index + 1);
    expect(edited.length).toBe(example.length);
    const changed = compileExample(edited);
    expect(changed.source.sha256).not.toBe(original.source.sha256);
    expect(changed.hash).not.toBe(original.hash);
    // Only the digest differs: the nodes are those of the same pipeline.
    expect(changed.nodes).toEqual(original.nodes);
  });

  it('changes the source digest and the hash when one character of a value changes', () => {
    const original = compileExample();
    const edited = example.replace('sleep: 10m', 'sleep: 11m');
    expect(edited).not.toBe(example);
    const changed = compileExample(edited);
    expect(changed.source.sha256).not.toBe(original.source.sha256);
    expect(changed.hash).not.toBe(original.hash);
    const soak = changed.nodes.find((n) => n.id === 'soak');
    expect(soak?.action).toEqual({ kind: 'timer', duration_ms: 11 * 60_000 });
  });

  it('records the digest of exactly the text it compiled', () => {
    const graph = compileExample();
    expect(graph.source.sha256).toBe(createHash('sha256').update(example).digest('hex'));
  });
});
