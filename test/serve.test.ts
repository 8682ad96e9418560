/**
 * `forgeflow serve` as a user starts it: a process on the embedded database, listening on a
 * loopback port. On first start without a webhook secret or an API token it makes them, prints
 * them once and keeps them; a signed delivery with the secret is accepted, a wrong one refused;
 * the token opens the API; SIGTERM stops it cleanly; the next start keeps both, unprinted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { githubExample, githubHeaders } from './support/webhook-payloads.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'forgeflow-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  output: () => string;
  address: string;
  stop: () => Promise<number | null>;
}

/** Starts `forgeflow serve` and resolves once it says where it listens. */
function serve(): Promise<Served> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN', 'DATABASE_URL', 'PORT'])
    delete env[name];
  const child = spawn(
    process.execPath,
    ['bin/forgeflow.js', 'serve', '--port', '0', '--data-dir', dir],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    // A serve that never says where it listens is killed, not left running past the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start:\n${output}`));
    }, 45_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const address = /forgeflow is serving on (http:\/\/[^\s]+)/.exec(output)?.[1];
      if (!address) return;
      clearTimeout(timer);
      resolve({
        output: () => output,
        address,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
}

describe('forgeflow serve', () => {
  it(
    'makes a webhook secret on first start, prints it once and keeps it',
    { timeout: 120_000 },
    async () => {
      const first = await serve();
      const secret = /webhook secret \(stored in .*; shown this once\):\s+([0-9a-f]{64})/.exec(
        first.output(),
      )?.[1];
      const token = /API token \(stored in .*; shown this once\):\s+([0-9a-f]{64})/.exec(
        first.output(),
      )?.[1];
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(token).not.toBe(secret);
      expect(first.output()).toMatch(/page: +http:\/\/localhost:\d+\//);
      expect(first.output()).toMatch(/API docs: +http:\/\/localhost:\d+\/docs/);
      expect(secret, first.output()).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(join(dir, 'webhook-secret'), 'utf8').trim()).toBe(secret);
      expect(statSync(join(dir, 'webhook-secret')).mode & 0o777).toBe(0o600);

      expect(await (await fetch(`${first.address}/healthz`)).json()).toEqual({ status: 'ok' });
      const ping = JSON.stringify(githubExample('ping'));
      const accepted = await fetch(`${first.address}/webhooks/github`, {
        method: 'POST',
        body: ping,
        headers: githubHeaders('ping', ping, secret!),
      });
      expect(accepted.status).toBe(200);
      const refused = await fetch(`${first.address}/webhooks/github`, {
        method: 'POST',
        body: ping,
        headers: githubHeaders('ping', ping, 'not the secret'),
      });
      expect(refused.status).toBe(401);
      expect(await first.stop()).toBe(0);

      const second = await serve();
      expect(second.output()).not.toContain('generated a webhook secret');
      expect(second.output()).not.toContain('generated an API token');
      const again = await fetch(`${second.address}/webhooks/github`, {
        method: 'POST',
        body: ping,
        headers: githubHeaders('ping', ping, secret!),
      });
      expect(again.status).toBe(200);
      expect(await second.stop()).toBe(0);
    },
  );
});
