/**
 * Replay fixtures, the graph side (test/fixtures/replay/, recorded by scripts/record-replays.ts):
 * each stored graph is of a format the runtime still reads and carries its own hash, and the
 * stored config compiled for the stored event gives exactly that graph again, so a compiler
 * change that alters graphs shows up here (a deliberate one re-records, and the diff shows it).
 * The API's Mermaid view still draws each of them. Also: the fixtures are those of the cases as
 * they are now.
 */
import { describe, expect, it } from 'vitest';
import { toMermaid } from '../../src/compiler/index.js';
import { GRAPH_FORMAT, sealGraph, type Graph } from '../../src/contracts/graph.js';
import { caseGraph } from './case.js';
import { REPLAY_CASES } from './cases/index.js';
import { readStoredCase, storedCaseNames } from './fixture-files.js';

/** The formats a stored run's graph may have (src/contracts/graph.ts StoredGraph). */
const READABLE_FORMATS = [GRAPH_FORMAT, 1];

const RE_RECORD = 'npx tsx scripts/record-replays.ts';

describe.each(REPLAY_CASES)('the replay case $name', (replayCase) => {
  const stored = readStoredCase(replayCase);

  it('is stored as the case is now written', () => {
    expect(stored.config, `the case's config changed: ${RE_RECORD}`).toEqual(replayCase.config);
    expect(stored.event, `the case's event changed: ${RE_RECORD}`).toEqual(replayCase.event());
  });

  it('holds a graph of a readable format, sealed with its own hash', () => {
    expect(READABLE_FORMATS).toContain(stored.graph.format);
    expect(sealGraph(stored.graph as Graph).hash).toBe(stored.graph.hash);
  });

  it('gets the same graph from its stored config and event', () => {
    const again = caseGraph(replayCase, stored.config, stored.event);
    expect(again).toEqual(stored.graph);
    // The hash covers the keys' order too, which toEqual does not see.
    expect(again.hash).toBe(stored.graph.hash);
  });

  it("draws in the API's Mermaid view, a box for each node", () => {
    const boxes = toMermaid(stored.graph)
      .split('\n')
      .flatMap((line) => /^\s+n\d+\["(.*?)<br\/>/.exec(line)?.[1] ?? []);
    expect(boxes.sort()).toEqual(stored.graph.nodes.map((n) => n.id).sort());
  });
});

describe('the replay fixtures', () => {
  it('are one folder per case, none left of a removed case', () => {
    expect(storedCaseNames()).toEqual(REPLAY_CASES.map((c) => c.name).sort());
  });

  it('hold a graph of every format the runtime reads', () => {
    const formats = new Set(REPLAY_CASES.map((c) => readStoredCase(c).graph.format));
    expect([...formats].sort()).toEqual([...READABLE_FORMATS].sort());
  });
});
