/**
 * Live logs in the runtime (issue 16): what a handler writes to context.log is stored per node,
 * numbered, with its attempt, stream and time; in few statements (one chunk per flush, none for
 * a node that logs nothing); flushed on the clock's interval while the node runs and always
 * before its end is recorded; masked (a secret a program writes in two pieces included); kept
 * to the node's limit by dropping the oldest chunks and counting them; and stored safely
 * whatever the text (NULs, lone surrogates, a 10 MB line, ANSI). Runs on PGlite and Postgres.
 */
import { describe, expect, it } from 'vitest';
import { staticSecrets } from '../../src/common/secrets.js';
import type { LogStream } from '../../src/contracts/node-log.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  FLUSH_EVERY_MS,
  MAX_LINE_CHARS,
  MIN_NODE_LOG_BYTES,
} from '../../src/runtime/logs/limits.js';
import { logTotals, readLog } from '../../src/runtime/logs/read.js';
import { LOG_CHANNEL } from '../../src/runtime/logs/store.js';
import { testHandlers } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

const SECRET = 'tok-L0G-S3CR3T-9';

/** Writes `count` copies of its lines (numbered when `count` > 1), then waits when asked. */
const gate = { written: () => undefined as void, release: () => undefined as void };
const HOSTILE: [LogStream, string][] = [
  ['stdout', 'a\u0000b'],
  ['stdout', '\ud800 half'],
  ['stdout', '\u001b[31mred\u001b[0m'],
  ['stderr', 'y'.repeat(10 * 1024 * 1024)],
];
const logger: Handler<{
  lines: [LogStream, string][];
  count?: number;
  wait?: boolean;
  hostile?: boolean;
}> = {
  spec: {
    name: 'test.log',
    description: 'Writes log lines (tests only).',
    input: { type: 'object', properties: { lines: { type: 'array' } } },
  },
  async run(input, context) {
    const count = input.count ?? 1;
    for (let i = 0; i < count; i++)
      for (const [stream, text] of input.hostile ? HOSTILE : input.lines)
        context.log.line(stream, count > 1 ? `${i} ${text}` : text);
    if (input.wait) {
      const released = new Promise<void>((resolve) => (gate.release = resolve));
      gate.written();
      await released;
    }
    return null;
  },
};

const handlers = testHandlers();
handlers.set('test.log', logger);
const clock = new FakeClock();
const t = useRuntime({
  clock,
  handlers,
  settings: {
    maxNodeLogBytes: MIN_NODE_LOG_BYTES,
    secrets: staticSecrets({ TOKEN: SECRET }, {}),
  },
});

async function finished(jobs: string): Promise<string> {
  const runId = await t.startRun(jobs);
  expect(await t.runtime.waitForRun(runId, 20_000)).toBe('succeeded');
  return runId;
}

async function all(runId: string, node: string, attempt?: number) {
  const lines = [];
  for (let after = 0; ;) {
    const page = await readLog(t.db, runId, node, {
      after,
      limit: 5000,
      ...(attempt ? { attempt } : {}),
    });
    lines.push(...page.lines);
    if (!page.more) return lines;
    after = page.lines.at(-1)!.n;
  }
}

async function chunks(runId: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM forgeflow.node_logs WHERE run_id = $1',
    [runId],
  );
  return rows[0]!.n;
}

describe('node logs', () => {
  it('stores lines numbered, with attempt, stream and time; a silent node stores nothing', async () => {
    const runId = await finished(`
  talk:
    uses: test.log
    with: { lines: [[stdout, "hello"], [stderr, "oops"], [system, "two\\nlines"]] }
  quiet: { uses: test.script }
`);
    const lines = await all(runId, 'talk');
    expect(lines).toEqual([
      {
        n: 1,
        attempt: 1,
        stream: 'stdout',
        at: new Date(clock.now()).toISOString(),
        text: 'hello',
      },
      { n: 2, attempt: 1, stream: 'stderr', at: new Date(clock.now()).toISOString(), text: 'oops' },
      { n: 3, attempt: 1, stream: 'system', at: new Date(clock.now()).toISOString(), text: 'two' },
      {
        n: 4,
        attempt: 1,
        stream: 'system',
        at: new Date(clock.now()).toISOString(),
        text: 'lines',
      },
    ]);
    expect(await chunks(runId)).toBe(1);
    expect(await all(runId, 'quiet')).toEqual([]);
    expect((await logTotals(t.db, runId, 'quiet')).written).toBe(0);
  });

  it('writes a chatty step in chunks of many lines, not a statement per line', async () => {
    const runId = await finished(`
  chatty: { uses: test.log, with: { lines: [[stdout, "line"]], count: 2500 } }
`);
    const lines = await all(runId, 'chatty');
    expect(lines.map((l) => l.n)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(lines.at(-1)?.text).toBe('2499 line');
    expect(await chunks(runId)).toBe(3);
  });

  it('flushes on the interval while the node runs, and wakes followers', async () => {
    const written = new Promise<void>((resolve) => (gate.written = resolve));
    const runId = await t.startRun(`
  live: { uses: test.log, with: { lines: [[stdout, "early"]], wait: true } }
`);
    await written;
    expect(await all(runId, 'live')).toEqual([]);
    const woken = new Promise<string>((resolve) => {
      void t.db.listen(LOG_CHANNEL, resolve).then((stop) => {
        clock.advance(FLUSH_EVERY_MS);
        void woken.then(stop);
      });
    });
    expect(await woken).toBe(runId);
    expect((await all(runId, 'live')).map((l) => l.text)).toEqual(['early']);
    expect((await t.nodesOf(runId)).live?.status).toBe('running');
    gate.release();
    expect(await t.runtime.waitForRun(runId, 20_000)).toBe('succeeded');
  });

  it('keeps the tail within the limit and counts what it dropped', async () => {
    const text = 'x'.repeat(1000);
    const runId = await finished(`
  big: { uses: test.log, with: { lines: [[stdout, "${text}"]], count: 700 } }
`);
    const lines = await all(runId, 'big');
    const totals = await logTotals(t.db, runId, 'big');
    expect(totals.written).toBe(700);
    expect(lines.at(-1)?.n).toBe(700);
    expect(lines.at(-1)?.text).toBe(`699 ${text}`);
    expect(totals.droppedLines).toBe(700 - lines.length);
    expect(lines[0]!.n).toBe(totals.droppedLines + 1);
    expect(totals.keptBytes).toBeLessThanOrEqual(MIN_NODE_LOG_BYTES);
    expect(totals.keptBytes).toBeGreaterThan(MIN_NODE_LOG_BYTES / 2);
    expect(totals.droppedBytes + totals.keptBytes).toBe(
      lines.reduce((sum, l) => sum + Buffer.byteLength(l.text) + 1, 0) + totals.droppedBytes,
    );
  });

  it('stores hostile text safely: NUL, lone surrogates, ANSI, a 10 MB line', async () => {
    const runId = await finished(`
  hostile: { uses: test.log, with: { lines: [], hostile: true } }
`);
    const texts = (await all(runId, 'hostile')).map((l) => l.text);
    expect(texts.slice(0, 3)).toEqual(['a\u2400b', '\ufffd half', '\u001b[31mred\u001b[0m']);
    const cut = 10 * 1024 * 1024 - MAX_LINE_CHARS;
    expect(texts[3]).toBe(`${'y'.repeat(MAX_LINE_CHARS)} … [${cut} more characters cut]`);
  });

  it('masks secrets, in a line of a handler and in a program output written in two pieces', async () => {
    const runId = await finished(`
  leak:
    uses: test.log
    with: { lines: [[stdout, "token=\${{ secrets.TOKEN }}"]] }
  split:
    uses: exec
    with:
      shell: 'printf "%.8s" "$S"; sleep 0.2; printf "%s\\n" "\${S#????????}"; printf "%s\\n" "$S" >&2'
      env: { S: "\${{ secrets.TOKEN }}" }
`);
    expect((await all(runId, 'leak')).map((l) => l.text)).toEqual(['token=***']);
    const split = await all(runId, 'split');
    expect(split.map((l) => [l.stream, l.text]).slice(1)).toEqual([
      ['stdout', '***'],
      ['stderr', '***'],
    ]);
    const { rows } = await t.db.query<{ t: string }>(
      'SELECT lines::text AS t FROM forgeflow.node_logs WHERE run_id = $1',
      [runId],
    );
    expect(rows.map((r) => r.t).join('')).not.toContain('S3CR3T');
  });

  it('reads one attempt, and after a cursor', async () => {
    const runId = await finished(`
  again:
    uses: test.log
    with: { lines: [[stdout, "try"]], count: 3 }
`);
    expect((await all(runId, 'again', 1)).length).toBe(3);
    expect(await all(runId, 'again', 2)).toEqual([]);
    const page = await readLog(t.db, runId, 'again', { after: 1, limit: 1 });
    expect(page).toMatchObject({ lines: [{ n: 2, text: '1 try' }], more: true });
  });
});
