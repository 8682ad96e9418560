/**
 * Both backends hand the runtime the same JS values: the runtime must not be able to tell
 * PGlite from PostgreSQL. Runs in the pglite and the postgres project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

describe('column types', () => {
  it('maps every type the runtime uses to the same JS value', async () => {
    const { rows } = await db.query(`
      SELECT 42::int8 AS small_int8, 9007199254740991::int8 AS max_safe_int8,
             count(*) AS count, 3::int4 AS int4, 1.5::float8 AS float8,
             12.25::numeric AS numeric, true AS bool, 'x'::text AS text,
             '2024-05-06T07:08:09.123Z'::timestamptz AS timestamptz,
             '{"a": [1, 2], "b": null}'::jsonb AS jsonb, '[1, "x"]'::json AS json,
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS uuid,
             '2024-05-06'::date AS date, '1 day 02:00:00'::interval AS interval,
             ARRAY[1, 2]::int8[] AS int8s, ARRAY[1.5, 2]::numeric[] AS numerics,
             ARRAY['a', 'b'] AS texts, NULL::int8 AS nothing
      FROM (VALUES (1), (2)) AS v(n)`);
    expect(rows).toEqual([
      {
        small_int8: 42,
        max_safe_int8: 9007199254740991,
        count: 2,
        int4: 3,
        float8: 1.5,
        numeric: 12.25,
        bool: true,
        text: 'x',
        timestamptz: new Date('2024-05-06T07:08:09.123Z'),
        jsonb: { a: [1, 2], b: null },
        json: [1, 'x'],
        uuid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        date: '2024-05-06',
        interval: '1 day 02:00:00',
        int8s: [1, 2],
        numerics: [1.5, 2],
        texts: ['a', 'b'],
        nothing: null,
      },
    ]);
    expect(rows[0]?.timestamptz).toBeInstanceOf(Date);
  });

  it('round-trips parameters, jsonb passed as JSON text', async () => {
    await db.query(`CREATE TABLE round_trip (
      id uuid PRIMARY KEY, n int8, amount numeric, at timestamptz, doc jsonb, list jsonb)`);
    const at = new Date('2025-01-02T03:04:05.678Z');
    const id = 'b1eebc99-9c0b-4ef8-bb6d-6bb9bd380a22';
    const insert = await db.query('INSERT INTO round_trip VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      1234567890123,
      0.5,
      at,
      JSON.stringify({ k: 'v' }),
      JSON.stringify([1, { x: 2 }]),
    ]);
    expect(insert).toEqual({ rows: [], rowCount: 1 });
    const { rows } = await db.query('SELECT * FROM round_trip WHERE id = $1', [id]);
    expect(rows).toEqual([
      { id, n: 1234567890123, amount: 0.5, at, doc: { k: 'v' }, list: [1, { x: 2 }] },
    ]);
  });

  it('reports rowCount for SELECT and UPDATE alike', async () => {
    await db.query('CREATE TABLE counted (n int)');
    await db.query('INSERT INTO counted SELECT generate_series(1, 3)');
    expect((await db.query('SELECT n FROM counted')).rowCount).toBe(3);
    expect((await db.query('UPDATE counted SET n = n + 1 WHERE n > 1')).rowCount).toBe(2);
    expect((await db.query('DELETE FROM counted WHERE n > 100')).rowCount).toBe(0);
  });

  it('runs one statement per query and several per exec', async () => {
    await expect(db.query('SELECT 1; SELECT 2')).rejects.toThrow(/multiple commands/);
    await db.exec(
      'CREATE TABLE multi (n int); INSERT INTO multi VALUES (1); INSERT INTO multi VALUES (2)',
    );
    expect((await db.query('SELECT count(*) AS n FROM multi')).rows).toEqual([{ n: 2 }]);
  });

  it('reports errors with their SQLSTATE code', async () => {
    await db.query('CREATE TABLE uniq (k text PRIMARY KEY)');
    await db.query(`INSERT INTO uniq VALUES ('a')`);
    await expect(db.query(`INSERT INTO uniq VALUES ('a')`)).rejects.toMatchObject({
      code: '23505',
    });
  });
});
