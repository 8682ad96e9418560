/**
 * A THROWAWAY PostgreSQL cluster: initdb into a temp dir, a free port, fsync off, started with
 * pg_ctl; for what must restart or crash a server (postgres-restart.test.ts, the chaos suite),
 * never the shared one on 5432 that other test files use meanwhile. It needs the PostgreSQL
 * server binaries (initdb, pg_ctl); without them it fails, loudly. As root, the cluster belongs
 * to the `postgres` OS user (initdb refuses root).
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Cluster {
  /** The temp dir holding the data directory, the socket and server.log. */
  readonly dir: string;
  readonly data: string;
  readonly url: string;
  /** The postmaster's pid, from postmaster.pid: it changes on a real restart. */
  postmasterPid(): number;
  /** pg_ctl on this cluster, waiting (-w, 30 s) for what it does. */
  pgCtl(...args: string[]): Promise<string>;
  /** Stops the server at once (if it was started) and removes the temp dir. */
  remove(): Promise<void>;
}

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
    'a throwaway PostgreSQL cluster needs the server binaries (initdb, pg_ctl): ' +
      `none found under ${root}/*/bin or on PATH (Debian/Ubuntu: apt install postgresql)`,
  );
}

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

/** Creates and starts a cluster of its own; `remove()` it when done, whatever happened. */
export async function startCluster(options: { maxConnections?: number } = {}): Promise<Cluster> {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-pg-'));
  let started = false;
  let port = 0;
  const data = join(dir, 'data');
  const pgCtl = (...args: string[]) =>
    run(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args]);
  const remove = async () => {
    try {
      if (started) await pgCtl('-m', 'immediate', 'stop');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    }
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
    port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const connections = options.maxConnections
      ? ` -c max_connections=${options.maxConnections}`
      : '';
    // -o is saved in postmaster.opts, so `pg_ctl restart` starts the server the same way.
    await pgCtl('-l', join(dir, 'server.log'), '-o', settings + connections, 'start');
    started = true;
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    dir,
    data,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    postmasterPid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    pgCtl,
    remove,
  };
}
