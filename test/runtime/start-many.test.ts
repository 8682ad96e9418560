/**
 * Starting many runs at once: Runtime.startMany, and start() calls coalesced into one
 * transaction. A run started set-based is the run the per-run path starts (the same rows, the
 * same history); a repeated idempotency key gives one run, in one call or across calls; runs the
 * batch cannot plan take the per-run path in the same transaction and end as they would alone;
 * a coalesced start whose `alongside` throws fails alone and leaves nothing behind. Time is a
 * FakeClock that never moves, so rows written at different moments compare equal. Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/contracts/graph.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { publish } from '../../src/runtime/run-transaction.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { startRun, type StartRunInput } from '../../src/runtime/start-run.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

const clock = new FakeClock();
const handlers = testHandlers();
const event = manualEvent({ repo: 'octo/app', sha: 'a'.repeat(40) });
let db: TestDb;
let runtime: Runtime;

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
  await db.query('CREATE TABLE public.alongside (run_id uuid NOT NULL, caller int NOT NULL)');
});

afterAll(async () => {
  try {
    expect(await expectAllHistoriesMatch(runtime)).toBeGreaterThan(0);
  } finally {
    await runtime.stopWorkers(0);
    await db.close();
  }
});

let working = false;
/** One worker, one attempt at a time: each run's events come in one order, whichever path started it. */
async function startWorker(): Promise<void> {
  if (working) return;
  working = true;
  await runtime
    .createWorker(workerOptions(handlers, { concurrency: 1, pollMs: 86_400_000 }))
    .start();
}

function compile(jobs: string, top = ''): Graph {
  return compileFor(pipeline(jobs, top), handlers, event);
}

/** The per-run path in a transaction of its own, as every start took it before batches. */
async function startAlone(input: StartRunInput): Promise<string> {
  const { started, after } = await startRun(runtime.engine, input);
  publish(runtime.engine, after);
  return started.runId;
}

/** Everything stored about a run, its id replaced by `<run>`. */
async function rowsOf(runId: string): Promise<unknown> {
  const of = async (sql: string) => (await db.query(sql, [runId])).rows;
  const rows = {
    run: await of(`SELECT pipeline, status, graph_hash, trigger, repo, sha, pr, attempt, idempotency_key,
        concurrency_group, stopping, error, history_length, unfinished_nodes, created_at, started_at,
        finished_at, deadline_at, updated_at FROM forgeflow.runs WHERE id = $1`),
    spec: await of('SELECT * FROM forgeflow.run_specs WHERE run_id = $1'),
    nodes: await of('SELECT * FROM forgeflow.nodes WHERE run_id = $1 ORDER BY node_id'),
    tasks: await of(`SELECT run_id, node_id, kind, attempt, due_at, lease_owner, lease_expires_at,
        queue_deadline_at, attempt_deadline_at, heartbeat_deadline_at, node_deadline_at, expires_at,
        created_at, payload, canceled FROM forgeflow.tasks WHERE run_id = $1 ORDER BY node_id, kind`),
    history: await of(
      'SELECT seq, type, node_id, attempt, at, data FROM forgeflow.history WHERE run_id = $1 ORDER BY seq',
    ),
  };
  return JSON.parse(JSON.stringify(rows).replaceAll(runId, '<run>')) as unknown;
}

/** A finished run's history as type, node and attempt (outputs hold run ids; workers differ). */
async function eventsOf(runId: string): Promise<string[]> {
  return (await runtime.history(runId)).map(
    (e) => `${e.type} ${e.node_id ?? '-'} ${e.attempt ?? '-'}`,
  );
}

async function finished(runIds: readonly string[]): Promise<string[]> {
  const statuses: string[] = [];
  for (const id of runIds) statuses.push(await runtime.waitForRun(id, 15_000));
  return statuses;
}

// Roots that are plain activities (prepare, and lint's two instances, whose `if:` holds), with
// inputs from the event, env, matrix and run, node timeouts and a run deadline: the common shape.
const COMMON = compile(
  `  prepare:
    uses: test.script
    with: { echo: { run: "\${{ run.id }}", repo: "\${{ event.repo.full_name }}", owner: "\${{ env.OWNER }}" } }
    queue_timeout: 10m
    deadline: 1h
  lint:
    if: \${{ event.repo.name == 'app' }}
    matrix: { tool: [eslint, tsc] }
    uses: test.script
    with: { echo: "\${{ matrix.tool }} \${{ run.url }}" }
  build:
    needs: prepare
    matrix: { target: [a, b] }
    uses: test.script
    with: { echo: "\${{ matrix.target }}-\${{ needs.prepare.output.repo }}" }
  collect:
    needs: [build, lint]
    uses: test.script
    with: { echo: "\${{ needs.build.output }}" }
`,
  'env: { OWNER: "octo-${{ event.repo.name }}" }\ntimeout: 2h\n',
);

describe('startMany', () => {
  it('writes the rows the per-run path writes, and its runs end with the same histories', async () => {
    const alone = await startAlone({ graph: COMMON, event });
    const many = await runtime.startMany(
      Array.from({ length: 25 }, () => ({ graph: COMMON, event })),
    );
    expect(many.every((r) => r.created)).toBe(true);
    expect(new Set(many.map((r) => r.runId)).size).toBe(25);

    const expected = await rowsOf(alone);
    for (const { runId } of many) expect(await rowsOf(runId)).toEqual(expected);
    // One graph row for all of them.
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(DISTINCT graph_hash)::int AS n FROM forgeflow.runs WHERE id = ANY($1::uuid[])',
      [[alone, ...many.map((r) => r.runId)]],
    );
    expect(rows[0]?.n).toBe(1);

    await startWorker();
    const ids = [alone, ...many.map((r) => r.runId)];
    expect(new Set(await finished(ids))).toEqual(new Set(['succeeded']));
    const history = await eventsOf(alone);
    expect(history.slice(-2)).toEqual(['NodeCompleted collect 1', 'RunCompleted - -']);
    for (const { runId } of many) expect(await eventsOf(runId)).toEqual(history);
  });

  it('gives one run per idempotency key, repeated in one call or across calls', async () => {
    const group = compile('  a: { uses: test.script }\n', 'concurrency: { group: keys }\n');
    const keyed = (key: string | undefined, graph = COMMON): StartRunInput => ({
      graph,
      event,
      ...(key === undefined ? {} : { idempotencyKey: `keys:${key}` }),
    });
    const first = await runtime.startMany([
      keyed('k1'),
      keyed('k2'),
      keyed('k1'),
      keyed(undefined),
      keyed('k2'),
      // The per-run path (a concurrency group) holds its key like any other.
      keyed('g', group),
      keyed('g'),
    ]);
    expect(first.map((r) => r.created)).toEqual([true, true, false, true, false, true, false]);
    expect(first[2]!.runId).toBe(first[0]!.runId);
    expect(first[4]!.runId).toBe(first[1]!.runId);
    expect(first[6]!.runId).toBe(first[5]!.runId);

    const again = await runtime.startMany([keyed('k1'), keyed('k3'), keyed('g'), keyed('k3')]);
    expect(again.map((r) => r.created)).toEqual([false, true, false, false]);
    expect(again[0]!.runId).toBe(first[0]!.runId);
    expect(again[2]!.runId).toBe(first[5]!.runId);
    expect(again[3]!.runId).toBe(again[1]!.runId);
    expect(await runtime.start(COMMON, event, { idempotencyKey: 'keys:k2' })).toEqual({
      runId: first[1]!.runId,
      created: false,
    });

    const { rows } = await db.query<{ key: string; n: number }>(
      `SELECT idempotency_key AS key, count(*)::int AS n FROM forgeflow.runs
       WHERE idempotency_key LIKE 'keys:%' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(['keys:g', 'keys:k1', 'keys:k2', 'keys:k3'].map((key) => ({ key, n: 1 })));
    await startWorker();
    const ids = [...first, ...again].map((r) => r.runId);
    expect(new Set(await finished(ids))).toEqual(new Set(['succeeded']));
  });

  it('starts the runs it cannot plan on the per-run path, in the same call, as they start alone', async () => {
    const cases: Record<string, Graph> = {
      common: compile(
        '  a: { uses: test.script, with: { echo: 1 } }\n  b: { needs: a, uses: test.script }\n',
      ),
      group: compile(
        '  a: { uses: test.script }\n',
        'concurrency: { group: "solo-${{ run.id }}", cancel_in_progress: false }\n',
      ),
      skipped: compile(
        `  a:
    if: \${{ event.kind == 'push' }}
    uses: test.script
  b:
    needs: a
    if: \${{ always() }}
    uses: test.script
  c:
    uses: test.script
`,
      ),
      broken: compile(`  a:\n    if: \${{ fromJSON('not json') }}\n    uses: test.script\n`),
      empty: compile('  only-on-push: { on: [push], uses: test.script }\n'),
      badInput: compile(
        `  a:\n    uses: test.script\n    with: { echo: "\${{ fromJSON('{') }}" }\n`,
      ),
    };
    const names = Object.keys(cases);
    const inputs = names.map((name) => ({ graph: cases[name]!, event }));
    const many = await runtime.startMany(inputs);
    const alone: string[] = [];
    for (const input of inputs) alone.push(await startAlone(input));

    await startWorker();
    const manyIds = many.map((r) => r.runId);
    const statuses = await finished([...manyIds, ...alone]);
    expect(statuses.slice(0, names.length)).toEqual(statuses.slice(names.length));
    expect(Object.fromEntries(names.map((name, i) => [name, statuses[i]]))).toEqual({
      common: 'succeeded',
      group: 'succeeded',
      skipped: 'succeeded',
      broken: 'failed',
      empty: 'succeeded',
      badInput: 'failed',
    });
    for (const [i, name] of names.entries())
      expect([name, await eventsOf(manyIds[i]!)]).toEqual([name, await eventsOf(alone[i]!)]);
  });

  it('enters its runs into their concurrency groups in input order', async () => {
    const inGroup = (group: string) =>
      compile(
        '  a: { uses: test.script }\n',
        `concurrency: { group: ${group}, cancel_in_progress: false }\n`,
      );
    const [a, b] = [inGroup('order-a'), inGroup('order-b')];
    const many = await runtime.startMany([
      { graph: a, event },
      { graph: b, event },
      { graph: COMMON, event },
      { graph: a, event },
      { graph: b, event },
      { graph: a, event },
    ]);
    const ids = many.map((r) => r.runId);
    const queued = async (id: string) =>
      (await runtime.history(id)).find((e) => e.type === 'RunQueued')?.data ?? null;
    expect(await queued(ids[0]!)).toBeNull();
    expect(await queued(ids[1]!)).toBeNull();
    expect(await queued(ids[3]!)).toEqual({ group: 'order-a', behind: [ids[0]] });
    expect(await queued(ids[4]!)).toEqual({ group: 'order-b', behind: [ids[1]] });
    expect(await queued(ids[5]!)).toEqual({ group: 'order-a', behind: [ids[0], ids[3]] });
    await startWorker();
    expect(new Set(await finished(ids))).toEqual(new Set(['succeeded']));
  });

  it('writes any number of planned runs with the same few statements', async () => {
    // A database of its own, with no worker: these runs are only counted.
    const other = await testDb();
    try {
      const counted = countingDb(other);
      const starter = testRuntime(counted.db, { clock });
      const statementsFor = async (count: number) => {
        counted.reset();
        await starter.startMany(Array.from({ length: count }, () => ({ graph: COMMON, event })));
        return counted.statements();
      };
      const one = await statementsFor(1);
      expect(one).toBeLessThanOrEqual(7);
      expect(await statementsFor(300)).toBe(one);
    } finally {
      await other.close();
    }
  });
});

describe('startMany of more runs than one transaction takes', () => {
  it('starts each once, a key repeated across its transactions included', async () => {
    const other = await testDb();
    try {
      const starter = testRuntime(other, { clock });
      const graph = compile('  a: { uses: test.script }\n', 'timeout: 1h\n');
      const inputs = Array.from({ length: 2_100 }, (_, i) => ({
        graph,
        event,
        idempotencyKey: `big:${i % 1_050}`,
      }));
      const started = await starter.startMany(inputs);
      expect(started.map((r) => r.created)).toEqual(inputs.map((_, i) => i < 1_050));
      for (let i = 1_050; i < 2_100; i++) expect(started[i]!.runId).toBe(started[i - 1_050]!.runId);
      const { rows } = await other.query<{ runs: number; keys: number; tasks: number }>(
        `SELECT count(*)::int AS runs, count(DISTINCT idempotency_key)::int AS keys,
           (SELECT count(*)::int FROM forgeflow.tasks) AS tasks FROM forgeflow.runs`,
      );
      // Each run: its root's attempt and its deadline.
      expect(rows[0]).toEqual({ runs: 1_050, keys: 1_050, tasks: 2 * 1_050 });
    } finally {
      await other.close();
    }
  });
});

describe('coalesced start() calls', () => {
  it('share a transaction; one whose alongside throws fails alone and leaves nothing', async () => {
    const graph = compile('  a: { uses: test.script, with: { echo: coalesced } }\n');
    const calls: { caller: number; q: Queryable; runId: string }[] = [];
    const alongside = (caller: number) => async (q: Queryable, runId: string) => {
      calls.push({ caller, q, runId });
      await q.query('INSERT INTO public.alongside (run_id, caller) VALUES ($1, $2)', [
        runId,
        caller,
      ]);
      if (caller === 3) throw new Error('caller 3 refuses');
    };
    // Called together: they go in one batch.
    const settled = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((caller) =>
        runtime.start(graph, event, { alongside: alongside(caller) }),
      ),
    );

    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({
      message: 'caller 3 refuses',
    });
    // The batch (callers 0 to 3, the last throwing), then each alone.
    expect(calls.map((c) => c.caller)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4]);
    expect(new Set(calls.slice(0, 4).map((c) => c.q)).size).toBe(1);

    const started = settled.flatMap((s, caller) =>
      s.status === 'fulfilled' ? [{ caller, ...s.value }] : [],
    );
    expect(started.every((s) => s.created)).toBe(true);
    const { rows: written } = await db.query<{ run_id: string; caller: number }>(
      'SELECT run_id, caller FROM public.alongside ORDER BY caller',
    );
    expect(written).toEqual(started.map((s) => ({ run_id: s.runId, caller: s.caller })));
    // The failed batch's runs and caller 3's own left no row anywhere.
    const gone = calls.map((c) => c.runId).filter((id) => !started.some((s) => s.runId === id));
    expect(gone).toHaveLength(5);
    for (const table of ['runs', 'run_specs', 'nodes', 'tasks', 'history']) {
      const key = table === 'runs' ? 'id' : 'run_id';
      const { rows } = await db.query(
        `SELECT 1 FROM forgeflow.${table} WHERE ${key} = ANY($1::uuid[])`,
        [gone],
      );
      expect([table, rows.length]).toEqual([table, 0]);
    }

    await startWorker();
    expect(new Set(await finished(started.map((s) => s.runId)))).toEqual(new Set(['succeeded']));
  });

  it('give one run to two starts of one key arriving together', async () => {
    const graph = compile('  a: { uses: test.script }\n');
    const seen: string[] = [];
    const start = (who: string) =>
      runtime.start(graph, event, {
        idempotencyKey: 'together',
        alongside: (_q, runId) => {
          seen.push(`${who} ${runId}`);
          return Promise.resolve();
        },
      });
    const [first, second] = await Promise.all([start('first'), start('second')]);
    expect(first).toEqual({ runId: first.runId, created: true });
    expect(second).toEqual({ runId: first.runId, created: false });
    expect(seen).toEqual([`first ${first.runId}`]);
    expect(await runtime.waitForRun(first.runId, 15_000)).toBe('succeeded');
  });
});

/** The database, with the statements sent inside transactions counted. */
function countingDb(inner: Db): { db: Db; statements: () => number; reset: () => void } {
  let count = 0;
  const db: Db = {
    kind: inner.kind,
    query: (sql, params) => inner.query(sql, params),
    exec: (sql) => inner.exec(sql),
    listen: (channel, onNotify) => inner.listen(channel, onNotify),
    close: () => inner.close(),
    tx: (fn) =>
      inner.tx((q) =>
        fn({
          query: (sql, params) => {
            count++;
            return q.query(sql, params);
          },
          exec: (sql) => q.exec(sql),
        }),
      ),
  };
  return { db, statements: () => count, reset: () => (count = 0) };
}
