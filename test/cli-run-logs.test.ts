/**
 * `forgeflow run` prints each step's log lines as they come, prefixed by its node id as
 * `docker compose` does (`build[x] | line`), without colour when output is not a terminal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-run-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints every step line prefixed by its node id, before the step ends', async () => {
  const file = join(dir, 'logs.yaml');
  writeFileSync(
    file,
    `version: 1
on: manual
jobs:
  build:
    matrix: { target: [x, y] }
    uses: exec
    with: { shell: 'echo "building $T"; echo "warn $T" >&2', env: { T: "\${{ matrix.target }}" } }
  test:
    needs: build
    uses: exec
    with: { command: [printf, "\\\\033[32mok\\\\033[0m\\\\n"] }
`,
  );
  const { code, out } = await runCli('run', file, '--data-dir', join(dir, 'db'));
  expect(code).toBe(0);
  for (const target of ['x', 'y']) {
    expect(out).toContain(`build[${target}] | building ${target}\n`);
    expect(out).toContain(`build[${target}] | warn ${target}\n`);
  }
  expect(out).toContain(`build[x] | $ echo "building $T"; echo "warn $T" >&2\n`);
  // No colour off a terminal: the program's own colours are left out.
  expect(out).toContain("test     | $ printf '\\033[32mok\\033[0m\\n'\n");
  expect(out).toContain('test     | ok\n');
  expect(out.indexOf('test     | ok')).toBeLessThan(out.search(/run \S+ succeeded/));
  // What a step printed comes before the line that says how it ended.
  for (const target of ['x', 'y'])
    expect(out.indexOf(`build[${target}] | warn ${target}`)).toBeLessThan(
      out.indexOf(`build[${target}]: succeeded`),
    );
  expect(out.indexOf('test     | ok')).toBeLessThan(out.indexOf('test: succeeded'));
}, 60_000);
