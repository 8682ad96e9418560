/**
 * `forgeflow run examples/packit.yaml` on a release, against the local dist-git (git smart HTTP
 * and Pagure's API) and lookaside cache that `scripts/packit-fakes.ts` starts: the example's
 * propose_downstream job opens a pull request per dist-git branch. Under `forgeflow run` the
 * release's files come from this repository (examples/packaging/hello.spec) and the source
 * archive is made by `git archive`, with no network but the fakes'.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { FakeDistGit } from './support/fake-dist-git.js';
import { FakeLookaside } from './support/fake-lookaside.js';
import { runCli } from './support/cli.js';
import { githubExample } from './support/webhook-payloads.js';
import { proposeEnv, seedDistGit } from './support/dist-git-tour.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-cli-propose-'));
const distGit = new FakeDistGit();
const lookaside = new FakeLookaside();
const saved = { ...process.env };

beforeAll(async () => {
  await Promise.all([distGit.start(), lookaside.start()]);
  seedDistGit(distGit);
  Object.assign(process.env, proposeEnv(distGit, lookaside), { LOG_LEVEL: 'silent' });
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([distGit.stop(), lookaside.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

it(
  'runs the example’s propose_downstream job for rawhide and the latest stable branch',
  { timeout: 120_000 },
  async () => {
    const payload = githubExample('release', 'published');
    (payload.release as Record<string, unknown>).tag_name = 'v0.2.0';
    const event = join(dir, 'release.json');
    writeFileSync(event, JSON.stringify(payload));
    const { code, out, err } = await runCli(
      'run',
      'examples/packit.yaml',
      '--event',
      event,
      '--data-dir',
      join(dir, 'data'),
    );
    expect(code, `${out}\n${err}`).toBe(0);
    const prs = distGit.pagure.pullRequests;
    expect(prs.map((pr) => pr.branch_from).sort()).toEqual(
      prs.map((pr) => `0.2.0-${pr.branch}-update-propose_downstream`).sort(),
    );
    expect(prs.map((pr) => pr.branch)).toContain('main');
    expect(prs).toHaveLength(2);
    const spec = distGit.show('forks/packit/rpms/hello.git', 'show', `${prs[0]!.head}:hello.spec`);
    expect(spec).toContain('Version:        0.2.0\n');
    expect(lookaside.stored.map((s) => s.filename)).toEqual(['hello-0.2.0.tar.gz']);
  },
);
