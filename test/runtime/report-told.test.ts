/**
 * Nodes whose statuses their handlers tell (graph `statuses`, what Packit's builds and tests
 * compile to): `accepted` posted when the run starts, also for a node still waiting for its
 * needs; none of the runtime's own "queued"/"running"; the `status` of the first call's output
 * and of each poll's posted when it changes, in order, linking where the handler says; the end
 * taking the last output's (or the error's) description and link. Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { sealGraph, type Graph } from '../../src/contracts/graph.js';
import { HandlerError } from '../../src/contracts/errors.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { Blocker, compileFor, pipeline, PollCounter, testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

interface Posted {
  context: string;
  state: string;
  description: string;
  target_url: string;
}

const clock = new FakeClock();
const blocker = new Blocker();
const posted: Posted[] = [];
const record: Handler<Posted> = {
  spec: { name: 'forge.status', description: 'Records statuses.', input: { type: 'object' } },
  run: (input) => {
    posted.push(input);
    return Promise.resolve(null);
  },
};

/** Says `words[n]` at its n-th call of a key (first call and polls alike); fails on `fail`. */
const calls = new Map<string, number>();
const told: Handler<{ key: string; words: string[]; fail?: string }> = {
  spec: { name: 'test.told', description: 'Tells a status.', input: { type: 'object' } },
  run: (input) => {
    const n = calls.get(input.key) ?? 0;
    calls.set(input.key, n + 1);
    const description = input.words[Math.min(n, input.words.length - 1)]!;
    const status = {
      state: 'running',
      description,
      target_url: `https://ci.example/${description.replaceAll(' ', '-')}`,
    };
    const ended = n >= input.words.length - 1;
    if (ended && input.fail)
      return Promise.reject(
        HandlerError.custom('Told', input.fail, { nonRetryable: true, details: { status } }),
      );
    return Promise.resolve({ key: input.key, ended, status });
  },
};
const handlers = testHandlers(blocker, new PollCounter())
  .set('forge.status', record)
  .set('test.told', told);
// The clock jumps a whole poll interval (the default lease) while a status post may be in
// flight: a longer lease keeps the jump from handing that post to another try.
const t = useRuntime({ clock, handlers, settings: { leaseMs: 3_600_000 } });
const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });

/** The pipeline compiled, its reported nodes given `statuses` (what only Packit compiles to). */
function withStatuses(jobs: string): Graph {
  const graph = compileFor(pipeline(jobs), handlers, event);
  const body: Omit<Graph, 'hash'> & { hash?: string } = { ...graph };
  delete body.hash;
  return sealGraph({
    ...body,
    nodes: body.nodes.map((n) =>
      n.report === null ? n : { ...n, statuses: { accepted: `${n.id} accepted` } },
    ),
  });
}

async function statuses(context: string, count: number): Promise<Posted[]> {
  for (;;) {
    const mine = posted.filter((p) => p.context === context);
    if (mine.length >= count) return mine;
    await t.runtime.events.next('status:finished');
  }
}

/** Moves the clock to each poll until the run ends. */
async function pollToEnd(runId: string): Promise<string> {
  const off = t.runtime.events.onAny((e) => {
    if (e.type === 'child:started') setImmediate(() => clock.advance(30_000));
    if (e.type === 'node:polled')
      setImmediate(() => clock.advance(Math.max(0, e.nextAt - clock.now())));
  });
  try {
    return await t.runtime.waitForRun(runId, 15_000);
  } finally {
    off();
  }
}

const POLLED = (key: string, words: string[], fail?: string) => `
    uses: test.told
    with: { key: ${key}, words: ${JSON.stringify(words)}${fail ? `, fail: ${fail}` : ''} }
    poll:
      uses: test.told
      with: { key: ${key}, words: ${JSON.stringify(words)}${fail ? `, fail: ${fail}` : ''} }
      every: 30s
      until: "\${{ output.ended }}"`;

describe('statuses told by handlers', () => {
  it('are all accepted at the start, then each change once, in order, where the handler links', async () => {
    const graph = withStatuses(`  first:
    uses: test.wait
  build:
    needs: first
    report: build${POLLED('ok', ['submitted', 'submitted', 'building', 'building', 'built'])}
`);
    const { runId } = await t.runtime.start(graph, event);
    // Accepted while still waiting for its needs (a node held by test.wait is before it).
    await blocker.arrived('first');
    expect((await statuses('build', 1)).map((p) => [p.state, p.description])).toEqual([
      ['pending', 'build accepted'],
    ]);
    blocker.release('first');
    expect(await pollToEnd(runId)).toBe('succeeded');
    // The first call's status, then the polls' changes only (five calls, three words).
    const seen = await statuses('build', 4);
    expect(seen.map((p) => [p.state, p.description, p.target_url])).toEqual([
      ['pending', 'build accepted', `http://localhost:8080/runs/${runId}`],
      ['running', 'submitted', 'https://ci.example/submitted'],
      ['running', 'building', 'https://ci.example/building'],
      ['success', 'built', 'https://ci.example/built'],
    ]);
    expect(calls.get('ok')).toBe(5);
  });

  it('end a failure with the error’s status', async () => {
    const graph = withStatuses(`  broken:
    report: broken${POLLED('bad', ['submitted', 'gone wrong'], 'Gone')}
`);
    const { runId } = await t.runtime.start(graph, event);
    expect(await pollToEnd(runId)).toBe('failed');
    const seen = await statuses('broken', 3);
    expect(seen.map((p) => [p.state, p.description, p.target_url])).toEqual([
      ['pending', 'broken accepted', `http://localhost:8080/runs/${runId}`],
      ['running', 'submitted', 'https://ci.example/submitted'],
      ['failure', 'gone wrong', 'https://ci.example/gone-wrong'],
    ]);
  });
});
