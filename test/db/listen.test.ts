/**
 * LISTEN/NOTIFY on both backends: delivery is transactional (after COMMIT, never after a
 * ROLLBACK), several listeners share a channel, and unsubscribing stops delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from '../support/db.js';

let db: TestDb;
const logged: string[] = [];
beforeAll(async () => {
  db = await testDb({ onError: (error, context) => logged.push(`${context}: ${error.message}`) });
});
afterAll(() => db.close());

/** Collects payloads; `next(p)` resolves once payload `p` has arrived. */
function collector() {
  const received: string[] = [];
  const waiting = new Map<string, () => void>();
  return {
    received,
    onNotify: (payload: string) => {
      received.push(payload);
      waiting.get(payload)?.();
    },
    next(payload: string): Promise<void> {
      if (received.includes(payload)) return Promise.resolve();
      return new Promise((resolve) => waiting.set(payload, resolve));
    },
  };
}

describe('listen', () => {
  it('delivers a notify from a committed transaction and not one from a rolled-back one', async () => {
    const c = collector();
    const unlisten = await db.listen('ff_test_tx', c.onNotify);
    await expect(
      db.tx(async (q) => {
        await q.query(`SELECT pg_notify('ff_test_tx', 'rolled back')`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.tx(async (q) => {
      await q.query(`SELECT pg_notify('ff_test_tx', 'committed')`);
    });
    await c.next('committed');
    expect(c.received).toEqual(['committed']);
    await unlisten();
  });

  it('dispatches by channel to every listener, and stops after unsubscribing', async () => {
    const a = collector();
    const b = collector();
    const other = collector();
    const stopA = await db.listen('ff_test_shared', a.onNotify);
    const stopB = await db.listen('ff_test_shared', b.onNotify);
    const stopOther = await db.listen('ff_test_other', other.onNotify);

    await db.query(`SELECT pg_notify('ff_test_shared', '1')`);
    await Promise.all([a.next('1'), b.next('1')]);
    await stopA();
    await stopA(); // idempotent
    await db.query(`SELECT pg_notify('ff_test_shared', '2')`);
    await db.query(`SELECT pg_notify('ff_test_other', 'end')`);
    await Promise.all([b.next('2'), other.next('end')]);

    expect(a.received).toEqual(['1']);
    expect(b.received).toEqual(['1', '2']);
    expect(other.received).toEqual(['end']);
    await stopB();
    await stopOther();
  });

  it('survives a listener that throws', async () => {
    const c = collector();
    const stopBad = await db.listen('ff_test_throw', () => {
      throw new Error('listener bug');
    });
    const stopGood = await db.listen('ff_test_throw', c.onNotify);
    await db.query(`SELECT pg_notify('ff_test_throw', 'x')`);
    await c.next('x');
    expect(logged).toContain('a listener on "ff_test_throw" threw: listener bug');
    await stopBad();
    await stopGood();
  });

  it('refuses channel names that would need quoting', async () => {
    await expect(db.listen('Forgeflow Tasks', () => undefined)).rejects.toThrow(
      /invalid channel name/,
    );
  });
});
