/**
 * Finding runs by the start of their id (`GET /api/v1/runs?id_prefix=…`) on a real database:
 * none, one, several (newest first, paged), child runs only when asked, with or without the
 * UUID's dashes and in any case; a malformed start is a 400 problem; the OpenAPI document
 * describes the parameter. The runtime makes the runs, with ids this file chooses so that
 * some share a start.
 */
import { describe, expect, it } from 'vitest';
import { useChosenRunIds } from './chosen-run-ids.js';

const { api, runWithId, POLLING } = useChosenRunIds({ pipeline: 'prefix', repo: 'octo/prefix' });

interface RunList {
  runs: { id: string; parent_run_id: string | null; pipeline: string }[];
  next_cursor: string | null;
}

async function lookUp(query: string): Promise<{ ids: string[]; next: string | null }> {
  const response = await api.get(`/api/v1/runs?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  const list = response.json<RunList>();
  return { ids: list.runs.map((r) => r.id), next: list.next_cursor };
}

describe('GET /api/v1/runs?id_prefix=…', () => {
  it('finds the one run whose id starts so: any case, with the dashes or without', async () => {
    const id = '5eed0001-aaaa-4bbb-8ccc-000000000001';
    await runWithId(id);
    for (const prefix of [
      '5eed0001',
      '5EED0001',
      '5eed0001-',
      '5eed0001-aaaa-4b',
      '5eed0001aaaa4b',
      id,
    ])
      expect(await lookUp(`id_prefix=${prefix}`), prefix).toEqual({ ids: [id], next: null });
  });

  it('finds no run when none starts so, and none whose id merely contains the digits', async () => {
    await runWithId('5eed0002-aaaa-4bbb-8ccc-00000000abcd');
    // A version-4 UUID has a 4 as its 13th digit: no random id starts with this.
    expect(await lookUp('id_prefix=5eed0002-aaaa-0')).toEqual({ ids: [], next: null });
    expect(await lookUp('id_prefix=abcd')).toEqual({ ids: [], next: null });
    expect(await lookUp('id_prefix=5eed0003')).toEqual({ ids: [], next: null });
  });

  it('lists every run with that start, newest first, in pages; the ends of its range too', async () => {
    // The lowest and highest ids that start with feed00, one between, and the ids just outside.
    const inside = [
      'feed0000-0000-0000-0000-000000000000',
      'feed00ff-ffff-ffff-ffff-ffffffffffff',
      'feed0042-0000-4000-8000-000000000000',
    ];
    const after = 'feed0100-0000-0000-0000-000000000000';
    const before = 'feecffff-ffff-ffff-ffff-ffffffffffff';
    for (const id of [...inside, after, before]) await runWithId(id);
    const newestFirst = [...inside].reverse();
    expect(await lookUp('id_prefix=feed00')).toEqual({ ids: newestFirst, next: null });
    expect(await lookUp('id_prefix=feed')).toEqual({ ids: [after, ...newestFirst], next: null });

    const first = await lookUp('id_prefix=feed00&limit=2');
    expect(first.ids).toEqual(newestFirst.slice(0, 2));
    expect(first.next).not.toBeNull();
    expect(await lookUp(`id_prefix=feed00&limit=2&cursor=${first.next}`)).toEqual({
      ids: newestFirst.slice(2),
      next: null,
    });
    // It narrows the other filters as they narrow each other.
    expect((await lookUp('id_prefix=feed&pipeline=prefix&limit=1')).ids).toEqual([after]);
    expect((await lookUp('id_prefix=feed&pipeline=nothing')).ids).toEqual([]);
  });

  it('finds child runs only with children=true, as the list does', async () => {
    const parent = 'c0de0001-0000-4000-8000-000000000000';
    const child = 'c0de0002-0000-4000-8000-000000000000';
    await runWithId(parent, POLLING, [child]);
    const detail = (await api.get(`/api/v1/runs/${parent}`)).json<{
      children: { id: string }[];
    }>();
    expect(detail.children.map((c) => c.id)).toEqual([child]);

    expect((await lookUp('id_prefix=c0de')).ids).toEqual([parent]);
    expect((await lookUp('id_prefix=c0de&children=true')).ids).toEqual([child, parent]);
    expect((await lookUp('id_prefix=c0de0002')).ids).toEqual([]);
    const found = (await api.get('/api/v1/runs?id_prefix=c0de0002&children=true')).json<RunList>();
    expect(found.runs).toEqual([expect.objectContaining({ id: child, parent_run_id: parent })]);
  });

  it.each([
    ['fewer than 4 digits', 'abc'],
    ['no digits', ''],
    ['a character that is no hex digit', 'abcg'],
    ['a dash where the UUID has none', 'ab-cd'],
    ['a dash missing where the UUID has one', 'abcd1234abcd-4'],
    ['two dashes', 'abcd1234--'],
    ['more than 32 digits', 'a'.repeat(33)],
    ['more than a UUID', 'abcd1234-abcd-4abc-8abc-abcd12345678-'],
    ['a NUL', 'abcd%00'],
    ['a URN', 'urn:uuid:abcd'],
    ['a long text', 'a'.repeat(10_000)],
  ])('answers %s with 400 INVALID_PARAMETER', async (_what, prefix) => {
    const response = await api.get(`/api/v1/runs?id_prefix=${prefix}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'INVALID_PARAMETER' });
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await api.get('/docs/json')).json<{
      paths: Record<string, { get: { parameters: { name: string; schema: unknown }[] } }>;
    }>();
    const parameter = spec.paths['/api/v1/runs']?.get.parameters.find(
      (p) => p.name === 'id_prefix',
    );
    expect(parameter?.schema).toMatchObject({
      type: 'string',
      maxLength: 36,
      pattern: expect.stringContaining('[0-9a-fA-F]{8}-') as unknown,
    });
  });
});
