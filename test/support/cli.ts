/**
 * The forgeflow command run in this process, as the CLI tests call it: plain output (no
 * colour), relative paths read from the repository's root, and what it printed with its exit
 * code.
 */
import { readFileSync } from 'node:fs';
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
