/**
 * `forgeflow run`'s progress: a note (a signal's hint, a Ctrl-C's message) said between
 * updates is printed above the node table on a terminal, which is then drawn again below it,
 * so the redraw in place never writes over it; without a terminal it is just printed.
 */
import { describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { Progress } from '../src/cli/progress.js';
import { compilePipeline } from '../src/compiler/index.js';
import { manualEvent } from '../src/forges/normalize.js';
import { builtInRegistry } from '../src/handlers/catalog.js';

function graph() {
  const compiled = compilePipeline(
    'version: 1\non: manual\njobs:\n  a:\n    sleep: 1s\n  b:\n    wait_for: { signal: go }\n',
    manualEvent({ repo: 'octo/app' }),
    { file: 'p.yaml', handlers: builtInRegistry },
  );
  if (compiled.status !== 'graph') throw new Error(compiled.status);
  return compiled.graph;
}

function captured(): { io: Io; writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    io: { out: (t) => void writes.push(t), err: () => undefined, color: false, readFile: () => '' },
  };
}

describe('Progress.note', () => {
  it('on a terminal, says it where the table was and draws the table again below', () => {
    const { io, writes } = captured();
    const progress = new Progress(io, graph(), true);
    progress.update({ type: 'node:waiting', runId: 'r', nodeId: 'b', signal: 'go' });
    writes.length = 0;
    progress.note('b waits for signal "go"\n');
    expect(writes).toHaveLength(2);
    // Up the two lines of the table, cleared to the end of the screen, then the note.
    expect(writes[0]).toBe('\x1b[2F\x1b[Jb waits for signal "go"\n');
    expect(writes[1]).toMatch(/^\x1b\[2Ka +pending +\n\x1b\[2Kb +waiting +for signal "go"\n$/);
    // The next redraw goes up over the table only, not over the note.
    progress.update({ type: 'node:scheduled', runId: 'r', nodeId: 'a', attempt: 1 });
    expect(writes[2]).toMatch(/^\x1b\[2F\x1b\[2Ka +scheduled/);
  });

  it('without a terminal, prints it as it is', () => {
    const { io, writes } = captured();
    const progress = new Progress(io, graph(), false);
    progress.note('said\n');
    expect(writes).toEqual(['said\n']);
  });
});
