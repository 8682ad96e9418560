/**
 * `forgeflow run` with `checkout: true`: the step's fresh folder holds the git repository the
 * pipeline file is in, at its HEAD when the event's commit is not there (committed files only,
 * not one's uncommitted edits), with no network and no token; and `--help` says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from './support/cli.js';
import { git, SourceRepo } from './support/git-server.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-run-checkout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PUSH = 'examples/events/github-push-branch.json';

describe('forgeflow run: checkout', () => {
  it("checks out the pipeline file's repository at HEAD, committed files only", async () => {
    const repo = new SourceRepo(join(dir, 'repo'));
    repo.commit({ 'data.txt': 'committed\n' });
    // The pipeline names the commit it expects: the one before its own.
    const wanted = git(repo.dir, 'rev-parse', 'HEAD');
    repo.commit({
      'ci/pipeline.yaml': `version: 1
on: push
jobs:
  look:
    uses: exec
    checkout: { depth: 2 }
    retry: { maximum_attempts: 1 }
    with:
      shell: 'test "$(git rev-parse HEAD~1)" = "$WANTED" && grep -qx committed data.txt'
      env: { WANTED: ${wanted} }
`,
    });
    writeFileSync(join(repo.dir, 'data.txt'), 'edited, not committed\n');
    const file = join(repo.dir, 'ci', 'pipeline.yaml');
    // --workdir is another folder: the checkout never goes there.
    const where = ['--data-dir', join(dir, 'db'), '--workdir', dir];
    const { code, out } = await runCli('run', file, '--event', PUSH, ...where);
    expect(out).toContain('look: succeeded');
    expect(code).toBe(0);
  }, 60_000);

  it('says where a checkout comes from in --help', async () => {
    const { out } = await runCli('run', '--help');
    expect(out).toContain('checkout: true');
    expect(out).toContain('no network, no token');
  });
});
