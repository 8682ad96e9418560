/**
 * End to end, examples/packit.yaml's release jobs: a signed GitHub release reaches a real
 * server; the plan run reads the example as `.packit.yaml` from a fake GitHub; its
 * propose_downstream job runs once per dist-git branch (rawhide's `main`, and f45) against a
 * dist-git speaking git smart HTTP and Pagure's API, a lookaside cache's upload.cgi and an
 * archive server; each opens its pull request and reports `propose-downstream:<branch>`.
 * Delivered again (a redelivery, a re-run), no second pull request. Both database backends.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DEFAULT_PACKIT_SETTINGS } from '../../src/handlers/handler-services.js';
import { DEFAULT_DIST_GIT_SETTINGS } from '../../src/handlers/dist-git/settings.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { FakeArchives } from '../support/fake-archives.js';
import { FakeDistGit } from '../support/fake-dist-git.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeLookaside } from '../support/fake-lookaside.js';
import { randomSha as sha, useServer } from '../support/use-server.js';
import { githubExample, githubHeaders } from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const REPO = 'Codertocat/Hello-World';
const TOKEN = 'pagure-api-token-e2e';
const EXAMPLE = readFileSync(new URL('../../examples/packit.yaml', import.meta.url), 'utf8');
const ARCHIVE = Buffer.from('hello 1.2.0, as released\n'.repeat(50));

const clock = new FakeClock(Date.parse('2026-12-07T09:00:00Z'));
const github = new FakeGitHub();
const distGit = new FakeDistGit().addUser('packit', TOKEN);
const lookaside = new FakeLookaside();
const archives = new FakeArchives();

const app = useServer({
  clock,
  fakes: [github, distGit, lookaside, archives],
  settings: () => {
    github.addToken('gh-token');
    return {
      forges: { githubApiUrl: github.url, githubToken: 'gh-token' },
      concurrency: 2,
      packit: {
        ...DEFAULT_PACKIT_SETTINGS,
        distGit: {
          ...DEFAULT_DIST_GIT_SETTINGS,
          url: distGit.url,
          user: 'packit',
          token: TOKEN,
          lookasideUrl: lookaside.url,
          sourceOrigins: [archives.url],
          packager: 'Packit <hello@packit.dev>',
        },
      },
    };
  },
  webhooks: { githubSecret: SECRET },
  onRuntime: moveTheClock,
});

/** A retry waits on the clock: straight to its time. */
function moveTheClock(runtime: Runtime): void {
  runtime.events.on('node:retrying', (e) => setImmediate(() => clock.advance(e.delayMs)));
}

function spec(): string {
  return `Name: hello
Version: 0.1
Release: 1%{?dist}
URL: ${archives.url}/Codertocat/Hello-World
Source0: %{url}/archive/v%{version}/hello-%{version}.tar.gz

%changelog
* Mon Jan 05 2026 Upstream <up@example.org> - 0.1-1
- first
`;
}

async function release(id: string) {
  const payload = githubExample('release', 'published');
  (payload.release as Record<string, unknown>).tag_name = 'v1.2.0';
  const body = JSON.stringify(payload);
  const response = await app.post(
    '/webhooks/github',
    body,
    githubHeaders('release', body, SECRET, id),
  );
  expect(response.status).toBe(202);
  return app.planned(`github:${id}`);
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await app.runtime.events.next('worker:idle');
}

describe("examples/packit.yaml's release jobs", () => {
  it('propose the release to main and f45 as one pull request each, reported as propose-downstream:<branch>', async () => {
    const commit = sha();
    github.setFiles(REPO, commit, { '.packit.yaml': EXAMPLE, 'packaging/hello.spec': spec() });
    github.setTag(REPO, 'v1.2.0', commit);
    archives.add('/Codertocat/Hello-World/archive/v1.2.0/hello-1.2.0.tar.gz', ARCHIVE);
    distGit.addPackage('hello', { 'hello.spec': 'Name: hello\nVersion: 0.1\n%changelog\n' }, [
      'main',
      'f45',
    ]);

    const delivery = await release('release-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: '.packit.yaml' });
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 30_000)).toBe('succeeded');

    const prs = distGit.pagure.pullRequests;
    expect(prs.map((pr) => [pr.branch, pr.branch_from]).sort()).toEqual([
      ['f45', '1.2.0-f45-update-propose_downstream'],
      ['main', '1.2.0-main-update-propose_downstream'],
    ]);
    for (const pr of prs) {
      const specAt = distGit.show('forks/packit/rpms/hello.git', 'show', `${pr.head}:hello.spec`);
      expect(specAt).toContain('Version: 1.2.0\n');
      expect(specAt).toContain('- Update to 1.2.0 upstream release');
    }
    const sha512 = createHash('sha512').update(ARCHIVE).digest('hex');
    expect(lookaside.stored.map((s) => [s.name, s.filename, s.sha512])).toEqual([
      ['hello', 'hello-1.2.0.tar.gz', sha512],
    ]);

    const latest = (context: string) => github.latestStatus(REPO, commit, context)?.state;
    await until(
      () =>
        latest('propose-downstream:main') === 'success' &&
        latest('propose-downstream:f45') === 'success',
    );

    // The node's output names its pull request.
    const run = await app.runtime.getRun(delivery.run_ids[0]!);
    const outputs = run!.nodes.map((n) => n.output as { pull_request_url?: string } | null);
    expect(
      outputs
        .map((o) => o?.pull_request_url)
        .filter(Boolean)
        .sort(),
    ).toEqual(prs.map((pr) => `${distGit.url}/rpms/hello/pull-request/${pr.id}`).sort());
  });

  // Its own test: each run clones and pushes twice through git's CGI, which takes seconds here.
  it('delivered again, the same release pushes the branches again and keeps its two pull requests', async () => {
    expect(distGit.pagure.pullRequests).toHaveLength(2);
    const again = await release('release-2');
    expect(await app.runtime.waitForRun(again.run_ids[0]!, 30_000)).toBe('succeeded');
    expect(distGit.pagure.pullRequests).toHaveLength(2);
  });
});
