/**
 * The database's own lists agree with the code's tables: each status column's CHECK holds
 * exactly the states of src/runtime/states.ts, and the partial indexes of active runs are
 * made with ACTIVE_RUN_STATES (the queries write that list into their text so the planner uses
 * them). A state added in one place only fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVE_RUN_STATES,
  ATTEMPT_TRANSITIONS,
  NODE_TRANSITIONS,
  RUN_STATUSES,
} from '../../src/runtime/states.js';
import { DELIVERY_OUTCOMES } from '../../src/webhooks/deliveries.js';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());

/** The quoted words of a constraint's or index's text, e.g. its `IN ('a', 'b')` list. */
function quoted(text: string): string[] {
  return [...text.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
}

async function statusCheck(table: string): Promise<string[]> {
  const { rows } = await db.query<{ def: string }>(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'forgeflow' AND t.relname = $1 AND c.contype = 'c'
       AND pg_get_constraintdef(c.oid) LIKE '%status%'`,
    [table],
  );
  expect(rows).toHaveLength(1);
  return quoted(rows[0]!.def);
}

describe('the state lists of the database and of the code', () => {
  it('status CHECKs hold exactly the runtime’s states', async () => {
    expect((await statusCheck('runs')).sort()).toEqual([...RUN_STATUSES].sort());
    expect((await statusCheck('nodes')).sort()).toEqual(Object.keys(NODE_TRANSITIONS).sort());
    expect((await statusCheck('attempts')).sort()).toEqual(Object.keys(ATTEMPT_TRANSITIONS).sort());
  });

  it('the partial indexes of active runs are made with ACTIVE_RUN_STATES', async () => {
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'forgeflow' AND tablename = 'runs' AND indexdef LIKE '%status%'`,
    );
    const active = rows.filter((r) => / WHERE .*status/.test(r.indexdef));
    expect(active.map((r) => r.indexname).sort()).toEqual(['runs_active', 'runs_group_active']);
    for (const index of active)
      expect(quoted(index.indexdef.slice(index.indexdef.indexOf(' WHERE ')))).toEqual(
        ACTIVE_RUN_STATES,
      );
  });
});

describe('the deliveries table', () => {
  it('holds exactly the outcomes the plan step and intake give a delivery', async () => {
    const { rows } = await db.query<{ def: string }>(
      `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       WHERE c.conrelid = 'forgeflow.deliveries'::regclass AND c.conname = 'deliveries_outcome_check'`,
    );
    expect(quoted(rows[0]!.def).sort()).toEqual([...DELIVERY_OUTCOMES].sort());
  });
});
