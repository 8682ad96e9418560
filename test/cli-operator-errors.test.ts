/**
 * Failures an operator meets at start-up are one sentence, not a stack trace (issue 13 §4): a
 * port in use (said before any secret is made and shown), a second process on an embedded data
 * directory, and a PostgreSQL that is down, which `worker` and `serve` wait for, a log line per
 * try, until it answers or they are stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STACK_LINE = /^\s+at /m;

function listening(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

/** The real command in its own process; `until` decides when to send SIGINT (never: it exits). */
function forgeflow(
  args: string[],
  until?: (output: string) => boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of ['DATABASE_URL', 'PORT', 'GITHUB_WEBHOOK_SECRET', 'FORGEFLOW_API_TOKEN'])
    delete env[name];
  const child = spawn(process.execPath, ['bin/forgeflow.js', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const read = () => {
    if (until && !signalled && until(stdout + stderr)) {
      signalled = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), read()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), read()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('start-up failures an operator can act on', () => {
  it('serve on a port in use: one line and exit 1, before making any secret', async () => {
    const { server, port } = await listening();
    const data = join(dir, 'serve-port');
    try {
      const result = await forgeflow([
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--data-dir',
        data,
        '--exec-sandbox',
        'none',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `forgeflow serve: port ${port} on 127.0.0.1 is in use (another forgeflow serve?); choose another with --port or PORT\n`,
      );
      expect(result.stdout).not.toMatch(/generated|shown this once/);
      expect(existsSync(join(data, 'webhook-secret'))).toBe(false);
      expect(existsSync(join(data, 'api-token'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('a second process on an embedded data directory: one line and exit 1', async () => {
    const data = join(dir, 'locked');
    mkdirSync(join(data, 'db'), { recursive: true });
    // A live process other than this one holds the lock: the test runner that started us.
    writeFileSync(join(data, 'db', 'forgeflow.lock'), `${process.ppid}\n`);
    const pipeline = join(dir, 'hello.yaml');
    writeFileSync(pipeline, 'version: 1\non: push\njobs:\n  hello:\n    sleep: 1s\n');
    const result = await runCli(
      'run',
      pipeline,
      '--event',
      'examples/events/github-push-branch.json',
      '--data-dir',
      data,
    );
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `forgeflow run: another forgeflow process (pid ${process.ppid}) has the embedded database at ${join(data, 'db')} open; stop it first, or give this command another --data-dir\n`,
    );
  });

  it('worker waits for a PostgreSQL that is down, a line per try, and stops when told', async () => {
    // A port nobody listens on: taken, then let go.
    const { server, port } = await listening();
    await new Promise((resolve) => server.close(resolve));
    const tries = (output: string) => output.match(/is not reachable \(ECONNREFUSED\)/g) ?? [];
    const result = await forgeflow(
      [
        'worker',
        '--database-url',
        `postgres://postgres@127.0.0.1:${port}/test`,
        '--exec-sandbox',
        'none',
      ],
      (output) => tries(output).length >= 2,
    );
    const output = result.stdout + result.stderr;
    expect(output).toContain(
      `PostgreSQL at 127.0.0.1:${port}/test is not reachable (ECONNREFUSED); trying again in 500 ms (try 1)`,
    );
    expect(output).toContain('trying again in 1 s (try 2)');
    expect(result.stdout).toContain(
      `SIGINT: stopped while waiting for PostgreSQL at 127.0.0.1:${port}/test`,
    );
    expect(result.code).toBe(0);
    expect(output).not.toMatch(STACK_LINE);
  });
});
