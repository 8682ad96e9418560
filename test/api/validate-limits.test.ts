/**
 * Issue 12 through the API, which anyone may call without a token: a self-referential YAML
 * alias (ten bytes that used to take the server's heap), 3,000 jobs and a long needs chain come
 * back from `POST /api/v1/validate` as diagnostics at a line and column, and are refused by
 * `POST /api/v1/runs`; the server answers the next request as before. A matrix needing a
 * matrix is served as its compact graph, in JSON and Mermaid. Runs on PGlite and on Postgres.
 */
import { describe, expect, it } from 'vitest';
import { manualEvent } from '../../src/forges/normalize.js';
import { compileFor, testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

const handlers = testHandlers();
const api = useApi({ handlers });

interface Validation {
  valid: boolean;
  diagnostics: { line: number; column: number; rule: string; message: string }[];
}

async function validate(pipeline: string): Promise<Validation> {
  const response = await api.post('/api/v1/validate', { pipeline });
  expect(response.statusCode).toBe(200);
  return response.json<Validation>();
}

const CIRCULAR = 'refers to a mapping or list that contains it; a config cannot be circular';

describe('POST /api/v1/validate on hostile YAML', () => {
  it.each([
    ['x: &x [*x]', 1, 8],
    ['x: &x {y: *x}', 1, 11],
    ['x: &x [1, [*x]]', 1, 12],
    ['x: &x\n  - *x', 2, 5],
    ['x: &x\n  y: *x', 2, 6],
  ])('answers %j with the circular alias, at its line and column', async (text, line, column) => {
    const result = await validate(text);
    expect(result).toEqual({
      valid: false,
      diagnostics: [
        expect.objectContaining({ line, column, rule: 'limits', message: `alias *x ${CIRCULAR}` }),
      ],
    });
  });

  it('refuses to start a run of a circular pipeline, and keeps serving', async () => {
    const pipeline = `version: 1\non: manual\njobs:\n  a: &a\n    sleep: 1s\n    again: *a\n`;
    const refused = await api.post('/api/v1/runs', { pipeline });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'PIPELINE_INVALID',
      diagnostics: [{ line: 6, column: 12, rule: 'limits', message: `alias *a ${CIRCULAR}` }],
    });
    expect((await api.get('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('answers 3,000 jobs, and a chain of 3,000, with the jobs limit (no internal error)', async () => {
    for (const chain of [false, true]) {
      // A line each: thousands of jobs written out a key per line pass the limit of lines first.
      const jobs = Array.from(
        { length: 3000 },
        (_, i) => `  j${i}: { ${chain && i > 0 ? `needs: j${i - 1}, ` : ''}sleep: 1s }\n`,
      );
      const result = await validate(`version: 1\non: push\njobs:\n${jobs.join('')}`);
      expect(result).toEqual({
        valid: false,
        diagnostics: [
          expect.objectContaining({
            line: 3,
            column: 1,
            rule: 'limits',
            message: '3,000 jobs; a pipeline may have at most 1,000',
          }),
        ],
      });
    }
  });
});

describe('a matrix needing a matrix, served', () => {
  const PIPELINE = `version: 1\non: manual\njobs:\n  a:\n    matrix: { x: [1, 2] }\n    uses: test.script\n  b:\n    needs: a\n    matrix: { y: [p, q, r] }\n    uses: test.script\n`;

  it('serves the compact graph as JSON and as one Mermaid arrow between the subgraphs', async () => {
    const started = await api.post('/api/v1/runs', { pipeline: PIPELINE });
    expect(started.statusCode).toBe(201);
    const { run_id: id } = started.json<{ run_id: string }>();
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const graph = (await api.get(`/api/v1/runs/${id}/graph`)).json<{
      format: number;
      nodes: { id: string; needs: string[] }[];
    }>();
    expect(graph.format).toBe(2);
    expect(graph.nodes.map((n) => [n.id, n.needs])).toEqual([
      ['a[1]', []],
      ['a[2]', []],
      ['b[p]', ['a']],
      ['b[q]', ['a']],
      ['b[r]', ['a']],
    ]);
    const mermaid = (await api.get(`/api/v1/runs/${id}/graph?format=mermaid`)).body;
    expect(mermaid).toContain('  subgraph g1 ["b"]\n');
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toEqual(['  g0 --> g1']);
    // The run's nodes list the whole job they need, as the graph does.
    const run = (await api.get(`/api/v1/runs/${id}`)).json<{
      node_list: { id: string; needs: string[] }[];
    }>();
    expect(run.node_list.find((n) => n.id === 'b[q]')?.needs).toEqual(['a']);
  });

  it('draws a run stored with a format-1 graph from its listed instances', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(PIPELINE, handlers, event);
    const nodes = graph.nodes.map((n) => ({
      ...n,
      needs: n.needs.flatMap((e) => (e === 'a' ? ['a[1]', 'a[2]'] : [e])),
    }));
    const edges = nodes.flatMap((n) => n.needs.map((from) => [from, n.id]));
    const old = { ...graph, format: 1, nodes, edges } as unknown as typeof graph;
    const { runId } = await api.runtime.start(old, event);
    expect(await api.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const mermaid = (await api.get(`/api/v1/runs/${runId}/graph?format=mermaid`)).body;
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toEqual([
      '  n0 --> n2',
      '  n1 --> n2',
      '  n0 --> n3',
      '  n1 --> n3',
      '  n0 --> n4',
      '  n1 --> n4',
    ]);
  });
});
