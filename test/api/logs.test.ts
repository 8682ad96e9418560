/**
 * GET /api/v1/runs/{id}/nodes/{node}/logs (issue 16): a page of a node's numbered lines after a
 * cursor, of one attempt when asked; node ids with brackets, URL-encoded; 404 problems for an
 * unknown run or node; and `?follow=true`, a Server-Sent Events stream that sends lines as a
 * running node writes them and ends once it is finished. Runs on PGlite and Postgres.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsCommand } from '../../src/cli/commands/runs.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Handler } from '../../src/handlers/types.js';
import { compileFor, pipeline, testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

/** Logs its lines; with `hold`, then waits for the test, logs "bye" and ends. */
let release: () => void = () => undefined;
let started: () => void = () => undefined;
const talk: Handler<{ lines: string[]; hold?: boolean }> = {
  spec: {
    name: 'test.talk',
    description: 'Logs lines (tests only).',
    input: { type: 'object', properties: { lines: { type: 'array' }, hold: { type: 'boolean' } } },
  },
  async run(input, context) {
    for (const line of input.lines) context.log.line('stdout', line);
    if (input.hold) {
      const released = new Promise<void>((resolve) => (release = resolve));
      started();
      await released;
      context.log.line('stderr', 'bye');
    }
    return null;
  },
};

const handlers = testHandlers();
handlers.set('test.talk', talk);
const api = useApi({ handlers });
let base = '';

beforeAll(async () => {
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
});
afterAll(() => release());

async function start(jobs: string): Promise<string> {
  const event = manualEvent({ repo: 'octo/app' });
  return (await api.runtime.start(compileFor(pipeline(jobs), handlers, event), event)).runId;
}

const logsOf = (runId: string, node: string, query = '') =>
  `/api/v1/runs/${runId}/nodes/${encodeURIComponent(node)}/logs${query}`;

describe('node logs API', () => {
  let runId = '';
  beforeAll(async () => {
    runId = await start(`
  build:
    matrix: { target: [fedora-41, "release/2"] }
    uses: test.talk
    with: { lines: ["one \${{ matrix.target }}", "two", "three"] }
`);
    expect(await api.runtime.waitForRun(runId, 20_000)).toBe('succeeded');
  });

  it('pages through a node whose id has brackets (and a slash), after a cursor', async () => {
    const first = await api.get(logsOf(runId, 'build[fedora-41]', '?limit=2'));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      lines: [
        { n: 1, attempt: 1, stream: 'stdout', text: 'one fedora-41' },
        { n: 2, text: 'two' },
      ],
      next_after: 2,
      more: true,
      finished: false,
      node_status: 'succeeded',
      dropped_lines: 0,
    });
    const rest = await api.get(logsOf(runId, 'build[fedora-41]', '?after=2'));
    expect(rest.json()).toMatchObject({ lines: [{ n: 3, text: 'three' }], finished: true });
    const slash = await api.get(logsOf(runId, 'build[release/2]'));
    expect(slash.json<{ lines: { text: string }[] }>().lines[0]?.text).toBe('one release/2');
    const other = await api.get(logsOf(runId, 'build[fedora-41]', '?attempt=2'));
    expect(other.json()).toMatchObject({ lines: [], next_after: 0 });
  });

  it('answers 404 problems for an unknown run or node, 400 for a bad cursor', async () => {
    const noRun = await api.get(logsOf('00000000-0000-4000-8000-000000000000', 'build'));
    expect(noRun.statusCode).toBe(404);
    expect(noRun.headers['content-type']).toContain('application/problem+json');
    expect(noRun.json()).toMatchObject({ code: 'RUN_NOT_FOUND' });
    const noNode = await api.get(logsOf(runId, 'build[fedora-99]'));
    expect(noNode.statusCode).toBe(404);
    expect(noNode.json()).toMatchObject({ code: 'NODE_NOT_FOUND' });
    const bad = await api.get(logsOf(runId, 'build[fedora-41]', '?after=-1'));
    expect(bad.statusCode).toBe(400);
  });

  it('follows a running node as Server-Sent Events until it ends', async () => {
    const held = new Promise<void>((resolve) => (started = resolve));
    const live = await start(`  hold: { uses: test.talk, with: { lines: [first], hold: true } }\n`);
    await held;
    const response = await fetch(`${base}${logsOf(live, 'hold', '?follow=true')}`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (wanted: string) => {
      while (!text.includes(wanted)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${wanted}: ${text}`);
        text += value;
      }
    };
    await until('"text":"first"');
    expect(text).toMatch(/^event: line\nid: 1\ndata: \{"n":1,"attempt":1,"stream":"stdout"/);
    expect(text).not.toContain('event: end');
    release();
    await until('event: end');
    expect(text).toContain('id: 2\ndata: {"n":2,"attempt":1,"stream":"stderr"');
    expect(text).toContain('"text":"bye"');
    expect(text).toMatch(
      /event: end\ndata: \{"node_status":"succeeded","finished":true,"next_after":2\}\n\n$/,
    );
    expect((await reader.read()).done).toBe(true);
  });

  it('follows from a Last-Event-ID, and ends at once for a finished node', async () => {
    const response = await fetch(`${base}${logsOf(runId, 'build[fedora-41]', '?follow=true')}`, {
      headers: { 'last-event-id': '2' },
    });
    const text = await response.text();
    expect(text.match(/^id: \d+$/gm)).toEqual(['id: 3']);
    expect(text).toContain('event: end');
  });
});

/** `forgeflow runs logs ARGS` in-process against this file's server. */
async function cli(args: string[], color = false) {
  let out = '';
  let err = '';
  const io = {
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
    color,
    columns: 100,
    readFile: () => '',
  };
  const code = await runsCommand(['logs', '--server', base, ...args], io, {});
  return { code, out, err };
}

describe('forgeflow runs logs', () => {
  let runId = '';
  beforeAll(async () => {
    runId = await start(`
  build:
    matrix: { target: [a, b] }
    uses: test.talk
    with: { lines: ["built \${{ matrix.target }}", "\\u001b[31mred\\u001b[0m \\u001b]0;title\\u0007"] }
  quiet: { uses: test.script, needs: build }
`);
    expect(await api.runtime.waitForRun(runId, 20_000)).toBe('succeeded');
  });

  it("prints every node's lines prefixed by its id; ANSI kept only in colour", async () => {
    const plain = await cli([runId]);
    expect(plain.code).toBe(0);
    expect(plain.out).toBe(
      [
        'build[a] | built a',
        'build[a] | red \\x1b]0;title\\x07',
        'build[b] | built b',
        'build[b] | red \\x1b]0;title\\x07',
        '',
      ].join('\n'),
    );
    const coloured = await cli([runId, 'build[b]'], true);
    expect(coloured.out).toContain('\u001b[31mred\u001b[0m \\x1b]0;title\\x07');
    expect(coloured.out).toMatch(/^\u001b\[\d+mbuild\[b\]\u001b\[\d+m \| built b/);
  });

  it('follows a running node until it ends', async () => {
    const held = new Promise<void>((resolve) => (started = resolve));
    const live = await start(`  hold: { uses: test.talk, with: { lines: [first], hold: true } }\n`);
    await held;
    const following = cli([live, 'hold', '--follow']);
    release();
    const { code, out } = await following;
    expect(code).toBe(0);
    expect(out).toBe('hold | first\nhold | bye\n');
  });

  it('says an unknown node as the server does', async () => {
    const { code, err } = await cli([runId, 'nope']);
    expect(code).toBe(1);
    expect(err).toContain('NODE_NOT_FOUND (404)');
  });
});
