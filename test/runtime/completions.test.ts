/**
 * Completions, set-based: many attempts' ends applied in one transaction; one bad completion
 * in a group applied alone while the rest commit; a freed slot taking over the next attempt of
 * its run in the same transaction (a chain's next step never goes through the queue), one per
 * slot (a fan-out stays shared), none while the worker stops. Runs on PGlite and on Postgres.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Queryable, Tx } from '../../src/db/db.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { claim } from '../../src/runtime/claim.js';
import { Completions } from '../../src/runtime/completions.js';
import type { ClaimedAttempt } from '../../src/runtime/attempt-start.js';
import { finishAttempts } from '../../src/runtime/finish.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { TransitionError } from '../../src/runtime/states.js';
import { testDb, type TestDb } from '../support/db.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import {
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

let db: TestDb;
let clock: FakeClock;
let runtime: Runtime;
const handlers = testHandlers();

beforeEach(async () => {
  db = await testDb();
  clock = new FakeClock();
  runtime = testRuntime(db, { clock });
});

afterEach(async () => {
  await expectAllHistoriesMatch(runtime);
  await runtime.stopWorkers(1_000);
  await db.close();
});

async function start(jobs: string): Promise<string> {
  const { runId } = await runtime.start(compileFor(pipeline(jobs), handlers), manual());
  return runId;
}

function manual() {
  return manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
}

const ONE = `  a:
    uses: test.script
`;

async function history(runId: string) {
  return (await runtime.history(runId)).map((e) => ({
    type: e.type,
    node: e.node_id,
    at: new Date(e.at).getTime(),
  }));
}

/** One attempt reported succeeded, alone in its group. */
function succeed(claimed: ClaimedAttempt, handOff: boolean) {
  return finishAttempts(
    runtime.engine,
    'w',
    [{ claimed, result: { ok: true, output: null } }],
    handOff,
  );
}

async function task(runId: string, nodeId: string) {
  const { rows } = await db.query<{ lease_owner: string | null }>(
    'SELECT lease_owner FROM forgeflow.tasks WHERE run_id = $1 AND node_id = $2 AND kind = $3',
    [runId, nodeId, 'attempt'],
  );
  return rows[0];
}

describe('completions', () => {
  it("applies many runs' completions in one transaction", async () => {
    const runs = [await start(ONE), await start(ONE), await start(ONE)];
    const { attempts } = await claim(runtime.engine, 'w', 3);
    expect(attempts).toHaveLength(3);
    clock.advance(5);
    const finished = await finishAttempts(
      runtime.engine,
      'w',
      attempts.map((claimed) => ({ claimed, result: { ok: true, output: claimed.run.id } })),
      false,
    );
    expect(finished.map((f) => f.applied)).toEqual([true, true, true]);
    const ends = [];
    for (const runId of runs) {
      expect((await runtime.getRun(runId))?.status).toBe('succeeded');
      ends.push((await history(runId)).find((e) => e.type === 'RunCompleted')!.at);
    }
    // One transaction: one clock reading for all three.
    expect(new Set(ends)).toEqual(new Set([clock.now()]));
  });

  it('applies a group that fails one completion at a time: the bad one fails alone', async () => {
    const runs = [await start(ONE), await start(ONE), await start(ONE)];
    const { attempts } = await claim(runtime.engine, 'w', 3);
    const completions = new Completions(runtime.engine, 'w', () => false);
    // An attempt that never existed: its node cannot move, and its transaction fails.
    const bogus = { ...attempts[1]!, attempt: 99 };
    const outcomes = await Promise.allSettled([
      completions.submit(attempts[0]!, { ok: true, output: 1 }),
      completions.submit(bogus, { ok: true, output: 2 }),
      completions.submit(attempts[2]!, { ok: true, output: 3 }),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { applied: true } });
    expect(outcomes[1]).toMatchObject({ status: 'rejected' });
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(TransitionError);
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { applied: true } });
    expect((await runtime.getRun(runs[0]!))?.status).toBe('succeeded');
    expect((await runtime.getRun(runs[2]!))?.status).toBe('succeeded');
    // Nothing of the failed one was kept: its attempt still runs, its task is still leased.
    expect((await runtime.getRun(runs[1]!))?.status).toBe('running');
    expect(await task(runs[1]!, 'a')).toEqual({ lease_owner: 'w' });
  });

  it("hands a freed slot its run's next attempt in the same transaction", async () => {
    const runId = await start(`${ONE}  b:
    needs: a
    uses: test.script
`);
    const [a] = (await claim(runtime.engine, 'w', 1)).attempts;
    clock.advance(5);
    const [finished] = await succeed(a!, true);
    expect(finished?.next).toMatchObject({ node: { id: 'b' }, attempt: 1 });
    expect(await task(runId, 'b')).toEqual({ lease_owner: 'w' });
    const events = await history(runId);
    const since = events.slice(events.findIndex((e) => e.type === 'NodeCompleted'));
    expect(since).toEqual([
      { type: 'NodeCompleted', node: 'a', at: clock.now() },
      { type: 'NodeScheduled', node: 'b', at: clock.now() },
      { type: 'NodeStarted', node: 'b', at: clock.now() },
    ]);
    clock.advance(5);
    await succeed(finished!.next!, true);
    expect((await runtime.getRun(runId))?.status).toBe('succeeded');
  });

  it('takes one successor per freed slot: the rest of a fan-out stays queued for any worker', async () => {
    const runId = await start(`${ONE}  b:
    needs: a
    uses: test.script
  c:
    needs: a
    uses: test.script
`);
    const [a] = (await claim(runtime.engine, 'w', 1)).attempts;
    const [finished] = await succeed(a!, true);
    const taken = finished!.next!.node.id;
    const left = taken === 'b' ? 'c' : 'b';
    expect(await task(runId, taken)).toEqual({ lease_owner: 'w' });
    expect(await task(runId, left)).toEqual({ lease_owner: null });
  });

  it('takes no successor when the worker is stopping', async () => {
    const runId = await start(`${ONE}  b:
    needs: a
    uses: test.script
`);
    const [a] = (await claim(runtime.engine, 'w', 1)).attempts;
    const [finished] = await succeed(a!, false);
    expect(finished).toEqual({ applied: true });
    expect(await task(runId, 'b')).toEqual({ lease_owner: null });
  });

  it('runs a chain on a worker without claiming each step through the queue', async () => {
    const steps = 12;
    const jobs = Array.from({ length: steps }, (_, i) =>
      [`  j${i}:`, ...(i > 0 ? [`    needs: j${i - 1}`] : []), '    uses: test.script'].join('\n'),
    ).join('\n');
    const counted = new ClaimCounter(db);
    const chainRuntime = testRuntime(counted, { clock });
    await chainRuntime
      .createWorker(workerOptions(handlers, { concurrency: 2, pollMs: 60_000 }))
      .start();
    try {
      const { runId } = await chainRuntime.start(
        compileFor(pipeline(`${jobs}\n`), handlers),
        manual(),
      );
      expect(await chainRuntime.waitForRun(runId, 15_000)).toBe('succeeded');
      // Each step after the first was handed over by the one before it, not claimed.
      expect(counted.claims).toBeLessThan(steps / 2);
    } finally {
      await chainRuntime.stopWorkers(1_000);
    }
  });
});

/** A Db that counts the claim statements sent through it. */
class ClaimCounter implements Db {
  readonly kind: Db['kind'];
  claims = 0;

  constructor(private readonly inner: Db) {
    this.kind = inner.kind;
  }

  private count(sql: string): void {
    if (sql.trimStart().startsWith('WITH attempts AS')) this.claims++;
  }

  query: Queryable['query'] = (sql, params) => {
    this.count(sql);
    return this.inner.query(sql, params);
  };

  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T> {
    return this.inner.tx((q) =>
      fn({
        exec: (sql) => q.exec(sql),
        query: (sql, params) => {
          this.count(sql);
          return q.query(sql, params);
        },
      }),
    );
  }

  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }

  listen(channel: string, onNotify: (payload: string) => void) {
    return this.inner.listen(channel, onNotify);
  }

  close(): Promise<void> {
    return Promise.resolve(); // the test's own db is closed by afterEach
  }
}
