/**
 * The forgeflow command run in this process, as the CLI tests call it: plain output (no
 * colour), relative paths read from the repository's root, and what it printed with its exit
 * code.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

/** The repository's root (where examples/ is). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function runCli(
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    color: false,
    readFile: (path) => readFileSync(isAbsolute(path) ? path : join(REPO_ROOT, path), 'utf8'),
  });
  return { code, out, err };
}

/** The built command (dist/) in its own process, from the repository's root; `env` replaces the environment. */
export function forgeflowProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(join(REPO_ROOT, 'dist/cli/main.js')))
    throw new Error('dist/cli/main.js does not exist: run `npm run build` before this test');
  const child = spawn(process.execPath, ['bin/forgeflow.js', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    ),
  );
}
