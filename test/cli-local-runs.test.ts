/**
 * One data directory layout (issue 13 §3): a run made with `forgeflow run --data-dir X` is
 * shown by `forgeflow serve --data-dir X`, which `run` says when it ends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-local-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('serve on the folder of a local run shows that run', { timeout: 90_000 }, async () => {
  const data = join(dir, 'data');
  const file = join(dir, 'hello.yaml');
  writeFileSync(file, 'version: 1\non: manual\njobs:\n  hello:\n    sleep: 1s\n');
  const ran = await runCli('run', file, '--data-dir', data);
  expect(ran.code).toBe(0);
  const runId = /run ([0-9a-f-]{36}) succeeded/.exec(ran.out)?.[1];
  expect(ran.out).toContain(`to look at it: forgeflow serve --data-dir ${data}, then open`);

  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'PORT', 'FORGEFLOW_API_READ']) delete env[name];
  const serve = spawn(
    process.execPath,
    ['bin/forgeflow.js', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', data],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => serve.on('exit', resolve));
  try {
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /forgeflow is serving on (http:\/\/[^\s]+)/.exec(output)?.[1];
        if (found) resolve(found);
      };
      serve.stdout.on('data', read);
      serve.stderr.on('data', read);
      void exited.then(() => reject(new Error(`serve exited:\n${output}`)));
    });
    const list = (await (await fetch(`${address}/api/v1/runs`)).json()) as {
      runs: { id: string; pipeline: string; status: string }[];
    };
    expect(list.runs).toEqual([
      expect.objectContaining({ id: runId, pipeline: 'hello', status: 'succeeded' }),
    ]);
  } finally {
    serve.kill('SIGTERM');
    await exited;
  }
});
