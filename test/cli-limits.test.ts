/**
 * Issue 12 through `forgeflow validate` and `forgeflow plan`: a self-referential alias, 3,000
 * jobs or a 3,000-job chain each give one diagnostic at file:line:col and exit 1 (the real
 * binary too, in its own process with a small heap, where the alias used to exhaust it); the
 * plan of a matrix needing a matrix lists the whole job once per node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'forgeflow-cli-limits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tempFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const CIRCULAR = 'refers to a mapping or list that contains it; a config cannot be circular';

describe('forgeflow validate on hostile YAML', () => {
  it.each([
    ['flow-list', 'x: &x [*x]\n', '1:8'],
    ['flow-map', 'x: &x {y: *x}\n', '1:11'],
    ['nested', 'x: &x [1, [*x]]\n', '1:12'],
    ['block-list', 'x: &x\n  - *x\n', '2:5'],
    ['block-map', 'x: &x\n  y: *x\n', '2:6'],
  ])('reports the circular alias of %s at file:line:col and exits 1', async (name, text, at) => {
    const file = tempFile(`${name}.yaml`, text);
    const { code, out } = await runCli('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(`${file}:${at}: alias *x ${CIRCULAR} [limits]`);
    expect(out).toContain('1 error in 1 file');
  });

  it('gives the same as JSON', async () => {
    const file = tempFile('json.yaml', 'x: &x [*x]\n');
    const { code, out } = await runCli('validate', '--format', 'json', file);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual([
      expect.objectContaining({ file, line: 1, column: 8, rule: 'limits', severity: 'error' }),
    ]);
  });

  it.each([false, true])('refuses 3,000 jobs (a chain: %s) with the jobs limit', async (chain) => {
    // A line each: thousands of jobs written out a key per line pass the limit of lines first.
    const jobs = Array.from(
      { length: 3000 },
      (_, i) => `  j${i}: { ${chain && i > 0 ? `needs: j${i - 1}, ` : ''}sleep: 1s }\n`,
    );
    const file = tempFile(`jobs-${chain}.yaml`, `version: 1\non: push\njobs:\n${jobs.join('')}`);
    const { code, out } = await runCli('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(`${file}:3:1: 3,000 jobs; a pipeline may have at most 1,000 [limits]`);
    expect(out).not.toContain('internal compiler error');
  });

  it('refuses the alias in the real binary, whose heap the alias used to exhaust', () => {
    if (!existsSync(join(REPO_ROOT, 'dist/cli/main.js')))
      expect.fail('dist/cli/main.js does not exist: run `npm run build` before this test');
    const file = tempFile('binary.yaml', 'version: 1\non: push\njobs:\n  a: &a\n    - *a\n');
    const result = spawnSync(
      process.execPath,
      ['--max-old-space-size=64', 'bin/forgeflow.js', 'validate', file],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    expect(result.error).toBeUndefined();
    expect(result.status, `stderr: ${result.stderr}`).toBe(1);
    expect(result.stdout).toContain(`${file}:5:7: alias *a ${CIRCULAR} [limits]`);
  });
});

describe('forgeflow plan of a matrix needing a matrix', () => {
  it('counts and lists the whole job needed once per node', async () => {
    const file = tempFile(
      'matrices.yaml',
      `version: 1\non: pull_request\njobs:\n  a:\n    matrix: { x: [1, 2, 3] }\n    sleep: 1s\n  b:\n    needs: a\n    matrix: { y: [p, q] }\n    sleep: 1s\n`,
    );
    const event = 'examples/events/github-pull_request-opened.json';
    const { code, out, err } = await runCli('plan', file, '--event', event);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^5 nodes, 2 edges, graph [0-9a-f]{12}$/m);
    expect(out).toMatch(/^\s+b\[p\]\s+sleep 1s\n\s+needs a \(all 3\)$/m);
  });
});
