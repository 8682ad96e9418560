/**
 * Postgres-only (the pglite project excludes test/runtime/postgres-*): the database server
 * restarts while an activity is in flight, and the run still completes, on the graph and
 * history it had (DESIGN.md §4: no state lives only in a worker's memory; NOTIFY is a hint,
 * polling the fallback).
 *
 * The server restarted is a THROWAWAY cluster of this file's own (initdb into a temp dir, a
 * free port, fsync off), never the shared one on 5432 that other test files use meanwhile. It
 * needs the PostgreSQL server binaries (initdb, pg_ctl); without them this file fails, loudly.
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPg, type PgDb } from '../../src/db/pg.js';
import { manualEvent } from '../../src/forges/normalize.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { expectAllHistoriesMatch } from '../support/fold-history.js';
import {
  Blocker,
  compileFor,
  pipeline,
  testHandlers,
  testRuntime,
  workerOptions,
} from '../support/runtime.js';

/** The directory holding initdb and pg_ctl: Debian's layout (newest version), else PATH. */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .find((dir) => dir !== '' && existsSync(join(dir, 'initdb')));
  if (onPath !== undefined) return onPath;
  throw new Error(
    'this test starts a PostgreSQL cluster of its own and needs the server binaries (initdb, pg_ctl): ' +
      `none found under ${root}/*/bin or on PATH (Debian/Ubuntu: apt install postgresql)`,
  );
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;

/** Runs a server binary (as `postgres` when we are root); resolves on exit, rejects on failure. */
function run(bin: string, args: string[]): Promise<string> {
  const [command, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', bin, ...args]]
    : [bin, args];
  return new Promise((resolve, reject) => {
    // 'exit', not 'close': pg_ctl's server outlives it, and must not hold our pipes open.
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${bin} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

interface Cluster {
  readonly dir: string;
  readonly data: string;
  readonly url: string;
  /** The postmaster's pid, from postmaster.pid: it changes on a real restart. */
  postmasterPid(): number;
  pgCtl(...args: string[]): Promise<string>;
}

let bin: string;
let tmp: string | undefined;
let started = false;
let cluster: Cluster;
let db: PgDb | undefined;
let runtime: Runtime | undefined;
const logged: string[] = [];

beforeAll(async () => {
  bin = serverBin();
  tmp = mkdtempSync(join(tmpdir(), 'forgeflow-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(tmp, uid, gid);
  }
  const data = join(tmp, 'data');
  await run(join(bin, 'initdb'), [
    '-D',
    data,
    '--auth=trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  const dir = tmp;
  cluster = {
    dir,
    data,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    postmasterPid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    pgCtl: (...args) => run(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args]),
  };
  // -o is saved in postmaster.opts, so `pg_ctl restart` starts the server the same way.
  await cluster.pgCtl(
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  );
  started = true;
}, 60_000);

afterAll(async () => {
  try {
    await runtime?.stopWorkers(1_000);
    await db?.close();
  } finally {
    try {
      if (started) await cluster.pgCtl('-m', 'immediate', 'stop');
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
}, 60_000);

/** uid and gid of the `postgres` OS user (we run as root). */
function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('running as root, but there is no `postgres` OS user to own the cluster');
  return { uid: Number(uid), gid: Number(gid) };
}

describe('a PostgreSQL restart in the middle of a run', () => {
  it('does not lose the run: the blocked activity finishes and the run completes', async () => {
    db = openPg(cluster.url, {
      applicationName: 'forgeflow-restart-test',
      onError: (error, context) => logged.push(`${context}: ${error.message}`),
    });
    await migrate(db);
    runtime = testRuntime(db);
    const blocker = new Blocker();
    const handlers = testHandlers(blocker);
    await runtime.createWorker(workerOptions(handlers, { id: 'survivor' })).start();

    const graph = compileFor(
      pipeline(`  a:
    uses: test.script
    with: { echo: first }
  b:
    uses: test.wait
    needs: a
    with: { output: second }
  c:
    uses: test.script
    needs: b
    with: { echo: third }
`),
      handlers,
    );
    const event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') });
    const { runId } = await runtime.start(graph, event);
    await blocker.arrived('b');

    const before = cluster.postmasterPid();
    await cluster.pgCtl('-m', 'fast', 'restart');
    expect(cluster.postmasterPid(), 'a new postmaster').not.toBe(before);

    blocker.release('b');
    expect(await runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    // The runtime did see the server go away: its connections were cut.
    expect(logged.some((l) => l.startsWith('LISTEN connection lost'))).toBe(true);

    const run = await runtime.getRun(runId);
    expect(
      Object.fromEntries(
        run!.nodes.map((n) => [n.node_id, [n.status, n.output, n.attempts.length]]),
      ),
    ).toEqual({
      a: ['succeeded', 'first', 1],
      b: ['succeeded', 'second', 1], // the lease outlived the restart: no second attempt
      c: ['succeeded', 'third', 1],
    });
    expect(blocker.started).toEqual(['b#1']);
    await expectAllHistoriesMatch(runtime);
  });
});
