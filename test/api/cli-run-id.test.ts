/**
 * `forgeflow runs show ID` with the start of an id, against a real server on a loopback port:
 * the server looks it up in one request (`?id_prefix=`), child runs included; one run is shown,
 * none is exit 1 with RUN_NOT_FOUND, several are exit 2 listing them (the newest 5 of more).
 * The runtime gives the runs ids this file chooses, so that some share a start.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useChosenRunIds } from './chosen-run-ids.js';

/** The URLs the server was asked for (its request log, at debug: reads too). */
const asked: string[] = [];
const log = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const line = JSON.parse(chunk.toString('utf8')) as { msg: string; req?: { url: string } };
    if (line.msg === 'request completed' && line.req) asked.push(line.req.url);
    done();
  },
});

const { api, runWithId, POLLING } = useChosenRunIds({
  pipeline: 'short-ids',
  repo: 'octo/short',
  logger: pino({ level: 'debug' }, log),
});

let server = '';
beforeAll(async () => {
  server = await api.app.listen({ port: 0, host: '127.0.0.1' });
});

/** `forgeflow runs show ID` against the test server, and the requests it made. */
async function show(id: string) {
  asked.length = 0;
  const result = await runCli('runs', 'show', id, '--server', server);
  return { ...result, asked: [...asked] };
}

describe('forgeflow runs show with the start of an id', () => {
  it('shows the one run that starts so, found in one request: any case, dashes or none', async () => {
    const id = 'a11ce000-1111-4222-8333-444455556666';
    await runWithId(id);
    for (const start of ['a11ce000', 'A11CE000-1111', 'a11ce0001111']) {
      const { code, out, err, asked: urls } = await show(start);
      expect([code, err], start).toEqual([0, '']);
      expect(out).toMatch(new RegExp(`^run ${id}  succeeded\n`));
      expect(urls).toEqual([
        `/api/v1/runs?id_prefix=${start.toLowerCase()}&children=true&limit=5`,
        `/api/v1/runs/${id}`,
      ]);
    }
  });

  it('finds a child run by the start of its id', async () => {
    const parent = 'c0ffee00-0000-4000-8000-000000000001';
    const child = 'c0ffee01-0000-4000-8000-000000000002';
    await runWithId(parent, POLLING, [child]);
    const { code, out } = await show('c0ffee01');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^run ${child}  succeeded\n`));

    // A start both share: the child's line says whose it is.
    const at = async (id: string) =>
      (await api.get(`/api/v1/runs/${id}`)).json<{ created_at: string }>().created_at;
    const both = await show('c0ffee0');
    expect(both.code).toBe(2);
    expect(both.err.split('\n').slice(0, 3)).toEqual([
      'forgeflow runs show: "c0ffee0" is the start of 2 runs; give more of the id:',
      `  ${child}  succeeded  short-ids-poll  octo/short  created ${await at(child)}  (child run of ${parent})`,
      `  ${parent}  succeeded  short-ids-poll  octo/short  created ${await at(parent)}`,
    ]);
  });

  it('says no run starts so: exit 1, with the code', async () => {
    // A version-4 UUID has a 4 as its 13th digit: no random id starts with this.
    const { code, out, err } = await show('deadbeef-dead-0');
    expect([code, out, err]).toEqual([
      1,
      '',
      'forgeflow runs show: RUN_NOT_FOUND (404): no run\'s id starts with "deadbeef-dead-0"\n',
    ]);
  });

  it('refuses a start that fits several runs: exit 2, listing them newest first', async () => {
    const older = 'b0b00000-0000-4000-8000-000000000001';
    const newer = 'b0b00000-0000-4000-8000-000000000002';
    const olderAt = await runWithId(older);
    const newerAt = await runWithId(newer);
    const { code, out, err } = await show('b0b00000');
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(
      [
        'forgeflow runs show: "b0b00000" is the start of 2 runs; give more of the id:',
        `  ${newer}  succeeded  short-ids  octo/short  created ${newerAt}`,
        `  ${older}  succeeded  short-ids  octo/short  created ${olderAt}`,
        'usage: forgeflow runs show ID [--server URL] [--token T] [--format text|json]',
        '',
      ].join('\n'),
    );
    expect((await show('b0b00000-0000-4000-8000-000000000002')).code).toBe(0);
  });

  it('lists the newest 5 of more, and says there are more', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'].map(
      (n) => `f00d000${n}-0000-4000-8000-000000000000`,
    );
    const created: string[] = [];
    for (const id of ids) created.push(await runWithId(id));
    const { code, err } = await show('f00d');
    expect(code).toBe(2);
    const lines = err.split('\n');
    expect(lines[0]).toBe(
      'forgeflow runs show: "f00d" is the start of more than 5 runs; give more of the id. The newest 5:',
    );
    expect(lines.slice(1, 6)).toEqual(
      [5, 4, 3, 2, 1].map(
        (i) => `  ${ids[i]}  succeeded  short-ids  octo/short  created ${created[i]}`,
      ),
    );
  });
});
