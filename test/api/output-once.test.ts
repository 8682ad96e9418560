/**
 * A node's output is stored once (the reproduction: 100 MB of stdout was stored in the node's
 * output and again in its NodeCompleted event, and answered as 105 MB). Here a handler returns
 * 1 MiB of random text: it must sit in exactly one row of the database, cost about 1 MiB there,
 * and still come back whole through the run detail, the history page and `needs.<job>.output`,
 * both in the transaction that completes it and in a later one. An error is kept on its attempt,
 * its node and in history: a huge one is cut to a bound instead. Both backends.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import { MAX_ERROR_DETAILS_BYTES, MAX_ERROR_MESSAGE } from '../../src/runtime/error-bounds.js';
import { Blocker, PollCounter, testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

const MiB = 1024 * 1024;

const big: Handler<{ bytes: number }> = {
  spec: {
    name: 'test.big',
    description: 'Answers `bytes` characters of random text (tests only).',
    input: { type: 'object', properties: { bytes: { type: 'number' } }, required: ['bytes'] },
  },
  // Random base64 does not compress: what the tables hold is what was stored.
  run: (input) =>
    Promise.resolve({
      size: input.bytes,
      text: randomBytes(Math.ceil((input.bytes * 3) / 4))
        .toString('base64')
        .slice(0, input.bytes),
    }),
};
const bigFailure: Handler<{ bytes: number }> = {
  spec: {
    name: 'test.bigfail',
    description: 'Fails with a message and details of `bytes` characters each (tests only).',
    input: { type: 'object', properties: { bytes: { type: 'number' } }, required: ['bytes'] },
  },
  run: (input) =>
    Promise.reject(
      HandlerError.custom('Huge', 'm'.repeat(input.bytes), {
        nonRetryable: true,
        details: { body: 'd'.repeat(input.bytes) },
      }),
    ),
};
const handlers = testHandlers(new Blocker(), new PollCounter())
  .set('test.big', big)
  .set('test.bigfail', bigFailure);
const api = useApi({ handlers });

// `same` decides in big's own transaction; `later` once `gate`'s retry, a later transaction,
// completes: both read big's output, one from that transaction, one from the database.
const PIPELINE = `version: 1
name: big
on: [manual]
jobs:
  big:
    uses: test.big
    with: { bytes: ${MiB} }
  same:
    needs: big
    uses: test.script
    with: { echo: "\${{ needs.big.output.size }}" }
  gate:
    uses: test.script
    with: { steps: [{ fail: { type: Flaky } }, { output: open }] }
    retry: { initial_interval: 1ms }
  later:
    needs: [big, gate]
    uses: test.script
    with: { echo: "\${{ needs.big.output.size }}" }
`;

interface Stored {
  table: string;
  copies: number;
  bytes: number;
}

/** Per table: the rows of the run holding `marker`, and the bytes its rows take as stored. */
async function stored(runId: string, marker: string): Promise<Stored[]> {
  const per = (table: string, key: string) =>
    `SELECT '${table}' AS table, count(*) FILTER (WHERE strpos(x::text, $2) > 0)::int AS copies,
            coalesce(sum(pg_column_size(x.*)), 0)::int AS bytes
     FROM forgeflow.${table} x WHERE ${key} = $1`;
  const { rows } = await api.db.query<Stored>(
    [
      per('runs', 'id'),
      per('run_specs', 'run_id'),
      per('nodes', 'run_id'),
      per('attempts', 'run_id'),
      per('history', 'run_id'),
      per('tasks', 'run_id'),
    ].join(' UNION ALL '),
    [runId, marker],
  );
  return rows;
}

describe('a large output', () => {
  it('is stored once and read whole through the API', { timeout: 60_000 }, async () => {
    const started = await api.post('/api/v1/runs', { pipeline: PIPELINE, repo: 'octo/app' });
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(runId, 30_000)).toBe('succeeded');

    const detail = (await api.get(`/api/v1/runs/${runId}`)).json<{
      node_list: { id: string; output: unknown }[];
    }>();
    const output = detail.node_list.find((n) => n.id === 'big')?.output as {
      size: number;
      text: string;
    };
    expect(output.size).toBe(MiB);
    expect(output.text).toHaveLength(MiB);
    const outputOf = (id: string) => detail.node_list.find((n) => n.id === id)?.output;
    expect([outputOf('same'), outputOf('later')]).toEqual([MiB, MiB]);

    const history = (await api.get(`/api/v1/runs/${runId}/history?limit=1000`)).json<{
      events: { type: string; node_id: string | null; data: { output?: unknown } }[];
    }>();
    const completed = history.events.find((e) => e.type === 'NodeCompleted' && e.node_id === 'big');
    expect(completed?.data.output).toEqual(output);

    const marker = output.text.slice(0, 64);
    const tables = await stored(runId, marker);
    expect(
      tables.filter((t) => t.copies > 0).map((t) => [t.table, t.copies]),
      'rows holding the output',
    ).toEqual([['history', 1]]);
    const bytes = tables.reduce((sum, t) => sum + t.bytes, 0);
    expect(bytes, JSON.stringify(tables)).toBeGreaterThan(MiB);
    expect(bytes, JSON.stringify(tables)).toBeLessThan(MiB + 64 * 1024);
  });

  it('is cut to its bounds when it is an error, in every copy', async () => {
    const started = await api.post('/api/v1/runs', {
      pipeline: `version: 1\nname: huge\non: [manual]\njobs:\n  boom:\n    uses: test.bigfail\n    with: { bytes: ${MiB} }\n`,
      repo: 'octo/app',
    });
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(runId, 30_000)).toBe('failed');
    const node = (await api.runtime.getRun(runId))!.nodes[0]!;
    expect(node.error?.message.length).toBeLessThan(MAX_ERROR_MESSAGE + 100);
    expect(node.error?.message).toMatch(/^m+… \(\d+ more characters cut\)/);
    expect(node.error?.details).toMatchObject({
      truncated: expect.stringContaining(`more than the ${MAX_ERROR_DETAILS_BYTES}`) as unknown,
    });
    const attempt = node.attempts[0]?.error;
    expect(attempt).toMatchObject({ type: 'Huge', details: node.error?.details });
    expect(attempt?.message.length).toBeLessThan(MAX_ERROR_MESSAGE + 100);
    const bytes = (await stored(runId, 'mmmm')).reduce((sum, t) => sum + t.bytes, 0);
    expect(bytes).toBeLessThan(4 * (MAX_ERROR_MESSAGE + MAX_ERROR_DETAILS_BYTES));
  });
});
