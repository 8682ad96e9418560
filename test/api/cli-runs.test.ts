/**
 * `forgeflow runs …` in-process against a real server on a loopback port: tables and --format json,
 * filters and pages, a run's nodes and errors, its history, cancel, retry and signal; and what
 * goes wrong said clearly: no token (1), an unknown run (1, the server's code), a server that is
 * not there (1, where it looked), bad usage (2, before any request).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsCommand } from '../../src/cli/commands/runs.js';
import { main } from '../../src/cli/main.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

const blocker = new Blocker();
const api = useApi({ handlers: testHandlers(blocker, new PollCounter()) });

let server = '';
beforeAll(async () => {
  server = await api.app.listen({ port: 0, host: '127.0.0.1' });
});

interface Result {
  code: number;
  out: string;
  err: string;
}

/** `forgeflow runs ARGS` against the test server; the token in the environment unless `env` differs. */
async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = { FORGEFLOW_API_TOKEN: TOKEN },
  terminal: { color: boolean; columns: number } = { color: false, columns: 100 },
): Promise<Result> {
  let out = '';
  let err = '';
  const io = {
    out: (text: string) => void (out += text),
    err: (text: string) => void (err += text),
    ...terminal,
    readFile: () => {
      throw new Error('runs reads no files');
    },
  };
  // The test server first: a test's own --server comes later and wins.
  const [sub = '', ...rest] = args;
  const code = await runsCommand([sub, '--server', server, ...rest], io, env);
  return { code, out, err };
}

const ok = (...lines: string[]) =>
  `version: 1\nname: cli\non: [manual, push]\njobs:\n${lines.join('\n')}\n`;

const SUCCEEDS = ok('  build:', '    uses: test.script', '    with: { echo: { n: 1 } }');
const FAILS_ONCE = ok(
  '  build:',
  '    uses: test.script',
  '    with:',
  '      steps:',
  '        - fail: { type: Boom, message: the build broke, non_retryable: true }',
  '        - output: fixed',
  '  publish:',
  '    needs: build',
  '    uses: test.script',
);
const HOLDS = ok('  hold:', '    uses: test.wait');
const GATED = ok(
  '  gate:',
  '    wait_for: { signal: go }',
  '  after:',
  '    needs: gate',
  '    uses: test.script',
  '    with: { echo: "${{ needs.gate.output }}" }',
);

async function start(pipeline: string, repo: string, sha?: string): Promise<string> {
  const response = await api.post('/api/v1/runs', { pipeline, repo, ...(sha ? { sha } : {}) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ run_id: string }>().run_id;
}

async function finished(pipeline: string, repo: string, sha?: string): Promise<string> {
  const id = await start(pipeline, repo, sha);
  await api.runtime.waitForRun(id, 15_000);
  return id;
}

describe('forgeflow runs list', () => {
  const repo = 'octo/cli-list';
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) ids.push(await finished(SUCCEEDS, repo, `${i}`.repeat(40)));
    ids.push(await finished(FAILS_ONCE, repo, 'f'.repeat(40)));
  });

  it('prints a table, newest first: id, status, pipeline, repo, trigger, commit, started, duration', async () => {
    const { code, out, err } = await cli(['list', '--repo', repo]);
    expect([code, err]).toEqual([0, '']);
    const [header, ...rows] = out.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+STATUS\s+PIPELINE\s+REPO\s+TRIGGER\s+COMMIT\s+STARTED\s+DURATION$/,
    );
    expect(rows.map((row) => row.slice(0, 8))).toEqual(
      [...ids].reverse().map((id) => id.slice(0, 8)),
    );
    expect(rows[0]).toMatch(
      /^\w{8}\s+failed\s+cli\s+octo\/cli-list\s+manual\s+fffffff\s+(just now|\d+s ago)\s+(\d+ms|[\d.]+s)$/,
    );
    expect(rows[1]).toMatch(/\ssucceeded\s+cli\s+octo\/cli-list\s+manual\s+3333333\s/);
    expect(out).not.toContain('more:');
  });

  it('prints the server answer with --format json', async () => {
    const { code, out } = await cli(['list', '--repo', repo, '--format', 'json']);
    expect(code).toBe(0);
    const page = JSON.parse(out) as { runs: { id: string; status: string }[]; next_cursor: null };
    expect(page.runs.map((r) => r.id)).toEqual([...ids].reverse());
    expect(page.next_cursor).toBeNull();
  });

  it('filters by status and commit', async () => {
    const failed = await cli(['list', '--repo', repo, '--status', 'failed', '--format', 'json']);
    expect((JSON.parse(failed.out) as { runs: { id: string }[] }).runs.map((r) => r.id)).toEqual([
      ids[4],
    ]);
    const bySha = await cli(['list', '--sha', '2222222']);
    expect(bySha.out.trimEnd().split('\n')).toHaveLength(2);
    expect(bySha.out).toContain(ids[2]!.slice(0, 8));
    const none = await cli(['list', '--repo', 'octo/nothing-here']);
    expect([none.code, none.out]).toEqual([0, 'no runs\n']);
  });

  it('says how to get the next page, and follows every page with --all', async () => {
    const first = await cli(['list', '--repo', repo, '--limit', '2']);
    expect(first.out.trimEnd().split('\n')[2]).toContain(ids[3]!.slice(0, 8));
    const cursor = /more: add --cursor (\S+) for the next page/.exec(first.out)?.[1];
    expect(cursor).toBeDefined();
    const second = await cli([
      'list',
      '--repo',
      repo,
      '--limit',
      '2',
      '--cursor',
      cursor!,
      '--format',
      'json',
    ]);
    expect((JSON.parse(second.out) as { runs: { id: string }[] }).runs.map((r) => r.id)).toEqual([
      ids[2],
      ids[1],
    ]);

    const all = await cli(['list', '--repo', repo, '--limit', '2', '--all', '--format', 'json']);
    expect(JSON.parse(all.out)).toMatchObject({ next_cursor: null });
    expect((JSON.parse(all.out) as { runs: { id: string }[] }).runs.map((r) => r.id)).toEqual(
      [...ids].reverse(),
    );
    const table = await cli(['list', '--repo', repo, '--limit', '2', '--all']);
    expect(table.out.trimEnd().split('\n')).toHaveLength(1 + ids.length);
    expect(table.out).not.toContain('more:');
  });
});

describe('forgeflow runs show and history', () => {
  it('shows a succeeded run: its fields and a table of its nodes', async () => {
    const id = await finished(SUCCEEDS, 'octo/cli-show', 'a'.repeat(40));
    const { code, out } = await cli(['show', id.slice(0, 8)]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^run ${id}  succeeded\n`));
    expect(out).toMatch(/^pipeline +cli$/m);
    expect(out).toMatch(/^repo +octo\/cli-show$/m);
    expect(out).toMatch(/^event +github manual$/m);
    expect(out).toMatch(new RegExp(`^commit +${'a'.repeat(40)}$`, 'm'));
    expect(out).toMatch(/^duration +\d/m);
    expect(out).toMatch(/^nodes +1: 1 succeeded$/m);
    expect(out).toMatch(/^NODE\s+WHAT\s+STATUS\s+ATTEMPTS\s+DURATION\s+ERROR$/m);
    expect(out).toMatch(/^build\s+test\.script\s+succeeded\s+1\s+\d+(ms|\.\ds|s)$/m);
    expect(out).not.toMatch(/^error/m);

    const json = await cli(['show', id, '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({
      id,
      status: 'succeeded',
      node_list: [{ id: 'build' }],
    });
  });

  it('says which event started a run, and lists it by pull request', async () => {
    const payload = JSON.parse(
      readFileSync(
        new URL('../../examples/events/github-pull_request-opened.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const response = await api.post('/api/v1/runs', {
      pipeline: SUCCEEDS.replace('on: [manual, push]', 'on: [pull_request]'),
      event: payload,
      event_type: 'pull_request',
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<{ run_id: string }>().run_id;
    await api.runtime.waitForRun(id, 15_000);
    const { out } = await cli(['show', id]);
    expect(out).toMatch(
      /^event +github pull_request opened #2 "Update the README with new information\." \(changes → master\) by Codertocat$/m,
    );
    const list = await cli(['list', '--pr', '#2', '--repo', 'Codertocat/Hello-World']);
    expect(list.out).toMatch(
      /succeeded\s+cli\s+Codertocat\/Hello-World\s+pull_request #2\s+ec26c3e\s/,
    );
  });

  it('shows a failed run with its error, and the node that failed and the one skipped', async () => {
    const id = await finished(FAILS_ONCE, 'octo/cli-show');
    const { code, out } = await cli(['show', id]);
    expect(code).toBe(0); // the command worked; the run failed
    expect(out).toMatch(new RegExp(`^run ${id}  failed\n`));
    expect(out).toMatch(/^nodes +2: 1 failed, 1 skipped$/m);
    expect(out).toMatch(/^build\s+test\.script\s+failed\s+1\s+\S+\s+Boom$/m);
    expect(out).toMatch(/^publish\s+test\.script\s+skipped$/m);
    // The whole message, however long: a table would cut it.
    expect(out).toMatch(/\nerrors\n {2}build: Boom: the build broke \(not retried: .+\)\n$/);
  });

  it('shows the text an error carries, and colours statuses fitted to the terminal', async () => {
    const id = await finished(
      ok(
        '  make:',
        '    uses: exec',
        '    with: { command: [sh, -c, "echo line 1 >&2; echo cc: no such file >&2; exit 3"] }',
        '    retry: { maximum_attempts: 1 }',
      ),
      'octo/cli-show',
    );
    const plain = await cli(['show', id]);
    expect(plain.out).toMatch(
      /\nerrors\n {2}make: ExitCode: exited with code 3.*\n {4}stderr_tail:\n {6}line 1\n {6}cc: no such file\n$/,
    );

    const { out } = await cli(['list', '--repo', 'octo/cli-show'], undefined, {
      color: true,
      columns: 50,
    });
    expect(out).toContain('\u001b[31mfailed\u001b[39m');
    expect(out).toContain('\u001b[32msucceeded\u001b[39m');
    const visible = out
      .replace(/\u001b\[\d+m/g, '')
      .trimEnd()
      .split('\n');
    expect(Math.max(...visible.map((line) => line.length))).toBeLessThanOrEqual(80);
    expect(visible.filter((line) => line.endsWith(' '))).toEqual([]);
    expect(visible[1]).toMatch(/ octo\/cli-\S*… /);
  });

  it('prints the history in pages, or all of it with --all', async () => {
    const id = await finished(FAILS_ONCE, 'octo/cli-history');
    const all = await cli(['history', id, '--all', '--format', 'json']);
    const events = (JSON.parse(all.out) as { events: { seq: number; type: string }[] }).events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('RunStarted');
    expect(events.at(-1)?.type).toBe('RunFailed');
    const detail = JSON.parse((await cli(['show', id, '--format', 'json'])).out) as {
      history_length: number;
    };
    expect(events).toHaveLength(detail.history_length);

    const page = await cli(['history', id, '--limit', '2']);
    expect(page.code).toBe(0);
    expect(page.out).toMatch(new RegExp(`^run ${id}: events 1–2, times UTC`));
    expect(page.out).toMatch(/^SEQ\s+TIME\s+TYPE\s+NODE\s+DETAIL$/m);
    expect(page.out).toMatch(
      /^ {2}1\s+\d\d:\d\d:\d\d\.\d{3}\s+RunStarted\s+attempt=1 pipeline=cli nodes=\["build","publish"\]$/m,
    );
    expect(page.out).toContain('more: add --after 2 for the next page, or --all for the rest');

    const rest = await cli(['history', id, '--after', '2', '--limit', '2', '--all']);
    expect(rest.out).toMatch(new RegExp(`^run ${id}: events 3–${events.length},`));
    expect(rest.out).toMatch(
      /\sNodeFailed\s+build #1\s+Boom: the build broke \(not retried: Boom is not retryable\)$/m,
    );
    expect(rest.out).toMatch(/\sRunFailed\s+failed=\["build"\]$/m);
    expect(rest.out).not.toContain('more:');
  });
});

describe('forgeflow runs cancel, retry, signal', () => {
  it('cancels a running run', async () => {
    const id = await start(HOLDS, 'octo/cli-control');
    await blocker.arrived('hold');
    const { code, out } = await cli(['cancel', id.slice(0, 8), '--reason', 'not today']);
    expect(code).toBe(0);
    expect(out).toBe(`run ${id} is canceling: its running nodes are being stopped\n`);
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('canceled');
    const again = await cli(['cancel', id]);
    expect(again.out).toBe(`run ${id} had already finished (canceled): nothing to cancel\n`);
    const history = await cli(['history', id, '--all']);
    expect(history.out).toMatch(/\sCancelRequested\s+reason=not today status=canceled$/m);
    // Ended: no "stopping: will end canceled" any more (issue 13 §6).
    const shown = await cli(['show', id]);
    expect(shown.out.split('\n')[0]).toBe(`run ${id}  canceled`);
  });

  it('retries a failed run, which then succeeds', async () => {
    const id = await finished(FAILS_ONCE, 'octo/cli-control');
    const { code, out } = await cli(['retry', id]);
    expect(code).toBe(0);
    expect(out).toBe(`run ${id} retried as attempt 2: re-running build, publish\n`);
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const shown = await cli(['show', id]);
    expect(shown.out).toMatch(new RegExp(`^run ${id}  succeeded \\(attempt 2\\)\n`));
    expect(shown.out).toMatch(/^build\s+test\.script\s+succeeded\s+2\s/m);

    const nothing = await cli(['retry', id]);
    expect(nothing.out).toBe(
      `run ${id} has nothing to retry: no node failed, timed out or was canceled\n`,
    );
  });

  it('signals a waiting run, with a JSON payload', async () => {
    const id = await start(GATED, 'octo/cli-control');
    for (;;) {
      const next = api.runtime.events.next('node:waiting', (e) => e.runId === id, 15_000);
      next.catch(() => undefined);
      const shown = await cli(['show', id]);
      if (/^gate\s+signal\s+waiting/m.test(shown.out)) break;
      await next;
    }
    const { code, out } = await cli(['signal', id, 'go', '--payload', '{"ok":true}']);
    expect(code).toBe(0);
    expect(out).toBe(`signal go delivered to node gate of run ${id}\n`);
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const run = JSON.parse((await cli(['show', id, '--format', 'json'])).out) as {
      node_list: { id: string; output: unknown }[];
    };
    expect(run.node_list.find((n) => n.id === 'after')?.output).toEqual({ ok: true });

    const late = await cli(['signal', id, 'go']);
    expect(late.code).toBe(1);
    expect(late.err).toBe(
      'forgeflow runs signal: RUN_NOT_ACTIVE (409): the run has ended (succeeded): it takes no signals\n',
    );
  });
});

describe('forgeflow runs: errors', () => {
  const unknown = '00000000-0000-4000-8000-000000000000';

  it('needs the token to steer a run: without one, or with a wrong one, exit 1 and the code', async () => {
    const id = await finished(SUCCEEDS, 'octo/cli-auth');
    const missing = await cli(['cancel', id], {});
    expect(missing.code).toBe(1);
    expect(missing.out).toBe('');
    expect(missing.err).toBe(
      'forgeflow runs cancel: AUTH_REQUIRED (401): send Authorization: Bearer <FORGEFLOW_API_TOKEN>\n' +
        "give the server's API token with --token or FORGEFLOW_API_TOKEN\n",
    );
    const wrong = await cli(['retry', id, '--token', 'not-the-token'], {});
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('forgeflow runs retry: AUTH_INVALID (401)');
    expect(wrong.err).not.toContain('not-the-token');
    const flag = await cli(['cancel', id, '--token', TOKEN], {});
    expect([flag.code, flag.out]).toEqual([
      0,
      `run ${id} had already finished (succeeded): nothing to cancel\n`,
    ]);
  });

  it('says the server does not know a run: exit 1 with its code and detail', async () => {
    for (const sub of ['show', 'history', 'cancel', 'retry']) {
      const { code, out, err } = await cli([sub, unknown]);
      expect([code, out, err]).toEqual([
        1,
        '',
        `forgeflow runs ${sub}: RUN_NOT_FOUND (404): no run ${unknown}\n`,
      ]);
    }
    // A version-4 UUID has a 4 as its 13th digit: no run's id starts with this.
    const prefix = await cli(['show', 'abcdef12-abcd-0']);
    expect([prefix.code, prefix.err]).toEqual([
      1,
      'forgeflow runs show: RUN_NOT_FOUND (404): no run\'s id starts with "abcdef12-abcd-0"\n',
    ]);
  });

  it('says where it looked for a server that is not there: exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, err } = await cli(['list', '--server', `http://127.0.0.1:${port}`]);
    expect(code).toBe(1);
    expect(err).toBe(
      `forgeflow runs list: cannot reach the forgeflow server at http://127.0.0.1:${port} (connection refused; is it running?); give its URL with --server or FORGEFLOW_SERVER\n`,
    );
  });

  it.each([
    [['bogus'], 'forgeflow runs: unknown command "bogus"'],
    [['list', '--limit', '0'], '--limit must be a whole number from 1 to 200; got "0"'],
    [['list', '--limit', 'ten'], '--limit must be a whole number from 1 to 200; got "ten"'],
    [['list', '--status', 'exploded'], '--status must be one of queued, running'],
    [['list', '--since', 'yesterday'], '--since must be an ISO time'],
    [['list', '--colour', 'red'], 'unknown option "--colour"'],
    [['list', 'extra'], 'unexpected argument "extra": this command takes options only'],
    [['show'], 'forgeflow runs show: missing ID'],
    [['history', 'x', '--limit', '5000'], '--limit must be a whole number from 1 to 1000'],
    [
      ['signal', '0000aaaa'],
      'forgeflow runs signal: missing NAME\nusage: forgeflow runs signal ID NAME',
    ],
    [['signal', '0000aaaa', 'no$such'], '"no$such" is not a signal name'],
    [['show', 'not-a-run'], '"not-a-run" is not a run id'],
    [['list', '--server', 'ftp://x'], '--server must be an http:// or https:// URL'],
  ])('runs %j: exit 2, saying what is wrong', async (args, message) => {
    // A closed server: exit 2 means no request was needed to find the mistake.
    const [sub = '', ...rest] = args;
    const { code, out, err } = await cli([sub, '--server', 'http://127.0.0.1:9', ...rest]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });

  it('is a command of forgeflow, with help', async () => {
    let out = '';
    const io = {
      out: (t: string) => void (out += t),
      err: () => undefined,
      color: false,
      readFile: () => '',
    };
    expect(await main(['runs', 'list', '--help'], io)).toBe(0);
    expect(out).toContain('usage: forgeflow runs list [--repo R]');
    expect(await main(['runs'], io)).toBe(2);
    expect(out).toContain('Reads and steers the runs of a forgeflow server');
  });
});

describe('forgeflow runs against a server that answers oddly', () => {
  let fake: Server;
  let url = '';
  const id = 'abcd1111-0000-4000-8000-000000000000';
  beforeAll(async () => {
    fake = createServer((request, response) => {
      // The lookup of a short id answers; the run itself is behind a broken proxy.
      if (request.url?.startsWith('/api/v1/runs?')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ runs: [{ id }], next_cursor: null }));
      } else {
        response.statusCode = 502;
        response.setHeader('content-type', 'text/html');
        response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      }
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => fake.close(resolve)));

  it('says what answered when it is not a forgeflow problem document: exit 1', async () => {
    const { code, err } = await cli(['show', 'abcd1111', '--server', url]);
    expect(code).toBe(1);
    expect(err).toBe(
      `forgeflow runs show: HTTP_502 (502): ${url} answered GET /api/v1/runs/${id} with 502 Bad Gateway: 502 Bad Gateway\n`,
    );
  });
});

describe('forgeflow runs start', () => {
  const example = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const packit = example('examples/packit.yaml');
  const broken = SUCCEEDS.replace('uses: test.script', 'uses: no.such.handler');
  const files: Record<string, string> = {
    'ci.yaml': SUCCEEDS.replace('on: [manual, push]', 'on: [manual, pull_request]'),
    'broken.yaml': broken,
    '../elsewhere/broken.yaml': broken,
    'pr.json': example('examples/events/github-pull_request-opened.json'),
    'mr.json': example('examples/events/gitlab-merge_request.json'),
    'unknown.json': JSON.stringify({ hello: 'world' }),
    'not-json.json': '{ nope',
    '.packit.yaml': packit,
    'packit-ci.yaml': packit,
  };

  async function startCli(args: string[], env: NodeJS.ProcessEnv = { FORGEFLOW_API_TOKEN: TOKEN }) {
    let out = '';
    let err = '';
    const io = {
      out: (text: string) => void (out += text),
      err: (text: string) => void (err += text),
      color: false,
      readFile: (path: string) => {
        const text = files[path];
        if (text === undefined) throw new Error(`no file ${path} in this test`);
        return text;
      },
    };
    const code = await runsCommand(['start', '--server', server, ...args], io, env);
    return { code, out, err };
  }

  /** The run `runs start … --format json` started, as `runs show --format json` has it. */
  async function started(result: { code: number; out: string; err: string }) {
    expect([result.code, result.err]).toEqual([0, '']);
    const { run_id } = JSON.parse(result.out) as { run_id: string };
    const shown = await cli(['show', run_id, '--format', 'json']);
    return JSON.parse(shown.out) as {
      id: string;
      pipeline: string;
      trigger: string;
      pr: number | null;
      repo: string;
      event: { forge: string; kind: string };
    };
  }

  it('sends the pipeline file with a manual event and prints the run and its page', async () => {
    const { code, out, err } = await startCli(['ci.yaml', '--repo', 'octo/cli-start']);
    expect([code, err]).toEqual([0, '']);
    const id = /^run ([0-9a-f-]{36}) started: (\S+)$/.exec(out.trim());
    expect(id?.[2]).toBe(`${server}/runs/${id?.[1]}`);
    expect(await api.runtime.waitForRun(id![1]!, 15_000)).toBe('succeeded');
    const shown = await cli(['show', id![1]!, '--format', 'json']);
    expect(JSON.parse(shown.out)).toMatchObject({ repo: 'octo/cli-start', trigger: 'manual' });
  });

  it('sends a webhook payload as the event', async () => {
    const run = await started(
      await startCli([
        'ci.yaml',
        '--event',
        'pr.json',
        '--event-type',
        'pull_request',
        '--format',
        'json',
      ]),
    );
    expect(run).toMatchObject({ trigger: 'pull_request', pr: 2 });
  });

  it('tells the event from the payload without --event-type, as plan and run do', async () => {
    const run = await started(
      await startCli(['ci.yaml', '--event', 'pr.json', '--format', 'json']),
    );
    expect(run).toMatchObject({ trigger: 'pull_request', pr: 2, repo: 'Codertocat/Hello-World' });
    const unknown = await startCli(['ci.yaml', '--event', 'unknown.json']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      'cannot tell which GitHub event unknown.json is; pass --event-type',
    );
  });

  it('starts on a GitLab payload: its forge told from it, or said with --forge', async () => {
    for (const forge of [[], ['--forge', 'gitlab']]) {
      const run = await started(
        await startCli(['ci.yaml', '--event', 'mr.json', ...forge, '--format', 'json']),
      );
      expect(run).toMatchObject({
        trigger: 'pull_request',
        repo: 'gitlabhq/gitlab-test',
        event: { forge: 'gitlab', kind: 'pull_request' },
      });
    }
    const wrong = await startCli(['ci.yaml', '--forge', 'gitea']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--forge must be github or gitlab; got "gitea"');
  });

  it('starts a Packit config as one: by its name, or any file with --packit', async () => {
    for (const args of [['.packit.yaml'], ['packit-ci.yaml', '--packit']]) {
      const run = await started(
        await startCli([...args, '--event', 'pr.json', '--format', 'json']),
      );
      expect(run.pipeline).toBe('packit');
      const graph = (await api.get(`/api/v1/runs/${run.id}/graph`)).json<{
        source: { kind: string; file: string };
      }>();
      expect(graph.source).toEqual({
        kind: 'packit',
        file: args[0],
        sha256: expect.any(String) as string,
      });
      // The test worker has no Copr: the run fails, and is over before the file's end.
      await api.runtime.waitForRun(run.id, 15_000);
    }
    // Without --packit the same file is read as a pipeline.yaml, and is no valid one.
    const plain = await startCli(['packit-ci.yaml', '--event', 'pr.json']);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('packit-ci.yaml:');
  });

  it('prints the diagnostics of a broken pipeline as validate does, and exits 1', async () => {
    const broken = await startCli(['broken.yaml']);
    expect([broken.code, broken.out]).toEqual([1, '']);
    expect(broken.err).toMatch(
      /^broken\.yaml:6:11: unknown handler "no\.such\.handler"; .*\[handler\]$/m,
    );
    expect(broken.err).toContain('6 |     uses: no.such.handler\n  |           ^~~~~~~~~~~~~~~\n');
    expect(broken.err).toMatch(
      /\nforgeflow runs start: broken\.yaml has 1 error: the server started nothing \(PIPELINE_INVALID\)\n$/,
    );
    // A path the server would not take as a file name is sent as the file's own name; the
    // diagnostics name the path given.
    const elsewhere = await startCli(['../elsewhere/broken.yaml']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toMatch(/^\.\.\/elsewhere\/broken\.yaml:6:11: unknown handler/m);
    // --format json: the diagnostics as `validate --format json` prints them.
    const json = await startCli(['broken.yaml', '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual([
      {
        file: 'broken.yaml',
        line: 6,
        column: 11,
        length: 15,
        message: expect.stringContaining('unknown handler "no.such.handler"') as string,
        rule: 'handler',
        severity: 'error',
      },
    ]);
  });

  it('needs the token', async () => {
    const anonymous = await startCli(['ci.yaml'], {});
    expect(anonymous.code).toBe(1);
    expect(anonymous.err).toContain('AUTH_REQUIRED (401)');
  });

  it('refuses a payload that is not JSON, or --event-type alone, as usage mistakes', async () => {
    const notJson = await startCli(['ci.yaml', '--event', 'not-json.json']);
    expect(notJson.code).toBe(2);
    expect(notJson.err).toContain('--event not-json.json is not JSON');
    const alone = await startCli(['ci.yaml', '--event-type', 'push']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain(
      '--event-type describes an --event PAYLOAD.json, and none was given',
    );
  });
});
