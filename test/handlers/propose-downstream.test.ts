/**
 * packit.propose_downstream against local servers speaking the real protocols: a fake GitHub
 * (the release's files, through forgeflow's GitHub client), an archive server, a dist-git whose
 * git is `git http-backend` over smart HTTP and whose API is Pagure's, and a lookaside cache
 * over HTTPS that wants a client certificate. The pull request it opens, its commit (spec,
 * sources, .gitignore), running it twice (one pull request), hostile inputs refused before
 * anything is sent, credentials never in what it says, and NotConfigured without settings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readPackitSettings } from '../../src/cli/settings.js';
import { forgeClients } from '../../src/forges/clients.js';
import { manualEvent } from '../../src/forges/normalize.js';
import {
  proposeDownstreamHandler,
  type ProposeDownstreamRunInput,
} from '../../src/handlers/dist-git/handler.js';
import {
  DEFAULT_DIST_GIT_SETTINGS,
  type DistGitSettings,
} from '../../src/handlers/dist-git/settings.js';
import type { Event } from '../../src/events/event.js';
import { FakeDistGit } from '../support/fake-dist-git.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeLookaside } from '../support/fake-lookaside.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certs.js';
import { rejection, testContext } from './context.js';

const SHA = '1234567890abcdef1234567890abcdef12345678';
const TOKEN = 'pagure-5ecret-token-value';
const ARCHIVE = Buffer.from('a tarball, byte for byte \u0000\u00ff'.repeat(100), 'latin1');
const NOW = Date.parse('2026-12-07T09:00:00Z');

const github = new FakeGitHub().addToken('gh-token');
const distGit = new FakeDistGit().addUser('packit', TOKEN).addUser('mallory', 'mallory-token');
let certs: TestCertificates;
let lookaside: FakeLookaside;
let archives: Server;
let archiveOrigin = '';
const archiveHits: string[] = [];
const archiveServe = new Map([['/acme/hello/archive/v1.2.0/hello-1.2.0.tar.gz', ARCHIVE]]);

function upstreamSpec(url: string): string {
  return `Name: hello
Version: 0.0.0
Release: 1%{?dist}
URL: ${url}
Source0: %{url}/archive/v%{version}/%{name}-%{version}.tar.gz

%changelog
* Mon Jan 05 2026 Upstream <up@example.org> - 0.0.0-1
- upstream's entry
`;
}

const DIST_GIT_SPEC = `Name: hello
Version: 0.9
Release: 2%{?dist}
%changelog
* Sun Jan 04 2026 Fedora Packager <fp@example.org> - 0.9-2
- rebuilt
`;

beforeAll(async () => {
  certs = makeTestCertificates();
  lookaside = new FakeLookaside({
    cert: certs.read(certs.serverCert),
    key: certs.read(certs.serverKey),
    ca: certs.read(certs.caCert),
  });
  archives = createServer((req, res) => {
    archiveHits.push(req.url ?? '');
    const served = archiveServe.get(req.url ?? '');
    if (served) return void res.end(served);
    if (req.url?.startsWith('/redirect/'))
      return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    if (req.url?.startsWith('/big/')) return void res.end(Buffer.alloc(4096));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => archives.listen(0, '127.0.0.1', resolve));
  archiveOrigin = `http://127.0.0.1:${(archives.address() as AddressInfo).port}`;
  await Promise.all([github.start(), distGit.start(), lookaside.start()]);
  github.setFile('acme/hello', SHA, 'hello.spec', upstreamSpec(`${archiveOrigin}/acme/hello`));
  github.setFile('acme/hello', SHA, 'README.md', 'Hello, dist-git\n');
  distGit.addPackage(
    'hello',
    {
      'hello.spec': DIST_GIT_SPEC,
      sources: `SHA512 (hello-0.9.tar.gz) = ${'0'.repeat(128)}\n`,
      '.gitignore': '/hello-0.9.tar.gz\n',
    },
    ['main', 'f45'],
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([github.stop(), distGit.stop(), lookaside.stop()]);
  await new Promise<void>((resolve) => archives.close(() => resolve()));
  certs.remove();
});

beforeEach(() => {
  archiveHits.length = 0;
});

function settings(overrides: Partial<DistGitSettings> = {}): DistGitSettings {
  return {
    ...DEFAULT_DIST_GIT_SETTINGS,
    url: distGit.url,
    user: 'packit',
    token: TOKEN,
    lookasideUrl: lookaside.url,
    lookasideCert: certs.clientCert,
    lookasideKey: certs.clientKey,
    lookasideCa: certs.caCert,
    packager: 'Packit <hello@packit.dev>',
    ...overrides,
  };
}

function handler(given: Partial<DistGitSettings> = {}) {
  return proposeDownstreamHandler({
    settings: settings(given),
    forges: forgeClients({ githubApiUrl: github.url, githubToken: 'gh-token' }),
    now: () => NOW,
    timeoutMs: 10_000,
  });
}

function releaseEvent(): Event {
  const event = manualEvent({ repo: 'acme/hello', sha: SHA });
  event.kind = 'release';
  event.release = { tag: 'v1.2.0', name: null, draft: false, prerelease: false, url: null };
  event.repo.html_url = `${archiveOrigin}/acme/hello`;
  return event;
}

function input(overrides: Partial<ProposeDownstreamRunInput> = {}): ProposeDownstreamRunInput {
  return {
    job: 'propose_downstream',
    trigger: 'release',
    package: 'hello',
    target: 'f45',
    identifier: null,
    config: {},
    downstream_package: 'hello',
    dist_git_branch: 'f45',
    tag: 'v1.2.0',
    tag_template: 'v{version}',
    subdirectory: '.',
    specfile_path: 'hello.spec',
    files_to_sync: [
      { src: ['hello.spec'], dest: 'hello.spec' },
      { src: ['README.md'], dest: 'docs/README.md' },
    ],
    spec_source_id: 'Source0',
    sync_changelog: false,
    upstream_url: `${archiveOrigin}/acme/hello`,
    commit: SHA,
    ...overrides,
  };
}

function run(h = handler(), given = input()) {
  const test = testContext();
  test.context.event = releaseEvent();
  return { test, done: h.run(given, test.context) };
}

/** Package `name` in dist-git on `branches`, its spec and archive upstream. */
function anotherPackage(name: string, branches: string[]): void {
  distGit.addPackage(
    name,
    { [`${name}.spec`]: `Name: ${name}\nVersion: 1\n%changelog\n` },
    branches,
  );
  const spec = upstreamSpec(`${archiveOrigin}/acme/hello`).replace('Name: hello', `Name: ${name}`);
  github.setFile('acme/hello', SHA, `${name}.spec`, spec);
  archiveServe.set(`/acme/hello/archive/v1.2.0/${name}-1.2.0.tar.gz`, ARCHIVE);
}

const FORK = 'forks/packit/rpms/hello.git';
const BRANCH = '1.2.0-f45-update-propose_downstream';

describe('packit.propose_downstream', () => {
  it('forks, pushes the release to a branch of the fork and opens one pull request, also when run again', async () => {
    const first = run();
    const output = await first.done;
    expect(output).toMatchObject({
      pull_request_id: 1,
      pull_request_url: `${distGit.url}/rpms/hello/pull-request/1`,
      created: true,
      fork_branch: BRANCH,
      dist_git_branch: 'f45',
      version: '1.2.0',
      sources: ['hello-1.2.0.tar.gz'],
    });

    // The pull request, from the fork's branch to f45, on the commit pushed.
    const [pr] = distGit.pagure.pullRequests;
    expect(pr).toMatchObject({
      branch: 'f45',
      branch_from: BRANCH,
      from_user: 'packit',
      title: 'Update to 1.2.0 upstream release',
    });
    expect(pr!.head).toBe(output.commit);
    const show = (path: string) => distGit.show(FORK, 'show', `${BRANCH}:${path}`);
    const spec = show('hello.spec');
    expect(spec).toContain('Version: 1.2.0\nRelease: 1%{?dist}\n');
    expect(spec).toContain(
      '%changelog\n* Mon Dec 07 2026 Packit <hello@packit.dev> - 1.2.0-1\n- Update to 1.2.0 upstream release\n\n* Sun Jan 04 2026 Fedora Packager',
    );
    expect(spec).not.toContain("upstream's entry");
    const sha512 = (await import('node:crypto')).createHash('sha512').update(ARCHIVE).digest('hex');
    expect(show('sources')).toBe(`SHA512 (hello-1.2.0.tar.gz) = ${sha512}\n`);
    expect(show('.gitignore')).toBe('/hello-0.9.tar.gz\n/hello-1.2.0.tar.gz\n');
    expect(show('docs/README.md')).toBe('Hello, dist-git\n');
    // One commit on top of f45, which is untouched.
    expect(distGit.show(FORK, 'rev-parse', `${BRANCH}~1`)).toBe(
      distGit.show('rpms/hello.git', 'rev-parse', 'f45'),
    );
    expect(distGit.show('rpms/hello.git', 'show', 'f45:hello.spec')).toBe(DIST_GIT_SPEC);

    // The archive in the lookaside cache, checked first, then uploaded with the client certificate.
    expect(lookaside.stored).toEqual([
      { name: 'hello', filename: 'hello-1.2.0.tar.gz', sha512, content: ARCHIVE },
    ]);
    expect(lookaside.calls.map((c) => c.answer.split(' ')[0])).toEqual(['Missing', 'File']);
    // git spoke smart HTTP: clone (upload-pack) anonymously, push (receive-pack) as packit.
    const services = distGit.gitRequests.map((r) => `${r.service}:${r.user ?? '-'}`);
    expect(services).toContain('git-upload-pack:-');
    expect(services).toContain('git-receive-pack:packit');

    // Again (a retry, a worker that died after the push): the same branch, the same pull request.
    const again = run();
    expect(await again.done).toMatchObject({
      pull_request_id: 1,
      created: false,
      fork_branch: BRANCH,
    });
    expect(distGit.pagure.pullRequests).toHaveLength(1);
    expect(lookaside.calls.map((c) => c.answer.split(' ')[0])).toEqual([
      'Missing',
      'File',
      'Available',
    ]);
    expect(lookaside.stored).toHaveLength(1);
    // Nothing said carries the token.
    const said = JSON.stringify([
      first.test.lines,
      first.test.logs,
      again.test.lines,
      again.test.logs,
    ]);
    expect(said).not.toContain(TOKEN);
    expect(said).not.toContain(Buffer.from(`packit:${TOKEN}`).toString('base64'));
    expect(first.test.lines.map((l) => l.text)).toContain(
      `pagure: opened ${output.pull_request_url}`,
    );
  });

  it('two branches of one release at once share the fork the first one made', async () => {
    anotherPackage('world', ['main', 'f45']);
    // The first fork request is answered late: the other node forks meanwhile, and the late
    // one is then told the fork exists.
    distGit.pagure.delayNext('POST', '/api/0/fork', 1500);
    const both = ['main', 'f45'].map(
      (branch) =>
        run(
          handler(),
          input({
            downstream_package: 'world',
            dist_git_branch: branch,
            files_to_sync: [{ src: ['world.spec'], dest: 'world.spec' }],
          }),
        ).done,
    );
    const outputs = await Promise.all(both);
    expect(outputs.map((o) => o.created)).toEqual([true, true]);
    const forks = distGit.pagure
      .requestsTo('POST', '/api/0/fork')
      .filter((r) => (r.body as { repo?: string }).repo === 'world');
    expect(forks.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(
      distGit.pagure.pullRequests
        .filter((pr) => pr.pkg === 'world')
        .map((pr) => pr.branch)
        .sort(),
    ).toEqual(['f45', 'main']);
  });

  it('retried after Pagure failed to open the pull request (the branch pushed), opens exactly one', async () => {
    anotherPackage('again', ['main']);
    const given = input({
      downstream_package: 'again',
      dist_git_branch: 'main',
      files_to_sync: [{ src: ['again.spec'], dest: 'again.spec' }],
    });
    distGit.pagure.failNext('POST', '/rpms/again/pull-request/new', 503);
    const failed = await rejection(run(handler(), given).done);
    expect([failed.type, failed.nonRetryable]).toEqual(['PagureUnavailable', false]);
    const retried = await run(handler(), given).done;
    expect(retried.created).toBe(true);
    const mine = distGit.pagure.pullRequests.filter((pr) => pr.pkg === 'again');
    expect(mine).toHaveLength(1);
    // The retry force-pushed its own commit over the first attempt's; the pull request is on it.
    expect(mine[0]!.head).toBe(retried.commit);
    expect(
      distGit
        .show('forks/packit/rpms/again.git', 'rev-parse', '1.2.0-main-update-propose_downstream')
        .trim(),
    ).toBe(retried.commit);
  });

  it('fails NotConfigured naming the settings when dist-git is not configured', async () => {
    const h = proposeDownstreamHandler({ settings: DEFAULT_DIST_GIT_SETTINGS, forges: null });
    const error = await rejection(run(h).done);
    expect(error.type).toBe('NotConfigured');
    expect(error.message).toContain(
      'FORGEFLOW_DISTGIT_URL, FORGEFLOW_DISTGIT_USER, FORGEFLOW_PAGURE_TOKEN, FORGEFLOW_LOOKASIDE_URL',
    );
  });

  it('reads FORGEFLOW_DISTGIT_*, FORGEFLOW_PAGURE_TOKEN and FORGEFLOW_LOOKASIDE_*', () => {
    expect(readPackitSettings({}).distGit).toEqual(DEFAULT_DIST_GIT_SETTINGS);
    expect(
      readPackitSettings({
        FORGEFLOW_DISTGIT_URL: 'https://src.example',
        FORGEFLOW_DISTGIT_USER: 'packit',
        FORGEFLOW_PAGURE_TOKEN: ' t ',
        FORGEFLOW_LOOKASIDE_URL: 'https://src.example/repo/pkgs',
        FORGEFLOW_LOOKASIDE_CERT: '/etc/pki/packit.pem',
        FORGEFLOW_DISTGIT_SOURCE_ORIGINS: 'https://files.pythonhosted.org, https://x.org',
        FORGEFLOW_DISTGIT_PACKAGER: 'Packit <hello@packit.dev>',
      }).distGit,
    ).toEqual({
      url: 'https://src.example',
      user: 'packit',
      token: 't',
      lookasideUrl: 'https://src.example/repo/pkgs',
      lookasideCert: '/etc/pki/packit.pem',
      lookasideKey: null,
      lookasideCa: null,
      sourceOrigins: ['https://files.pythonhosted.org', 'https://x.org'],
      packager: 'Packit <hello@packit.dev>',
    });
  });

  it('refuses hostile names, paths and sources before pushing anything', async () => {
    const before = distGit.gitRequests.filter((r) => r.service === 'git-receive-pack').length;
    const cases: [Partial<ProposeDownstreamRunInput>, RegExp][] = [
      [{ tag: 'v1.2.0;id' }, /not a release tag/],
      [{ tag: '1.2.0' }, /does not match upstream_tag_template/],
      [{ downstream_package: '../etc' }, /not a dist-git package name/],
      [{ dist_git_branch: '--upload-pack=touch /tmp/x' }, /not a dist-git branch/],
      [{ files_to_sync: [{ src: ['../../etc/passwd'], dest: 'x' }] }, /not a path inside/],
      [
        { files_to_sync: [{ src: ['README.md'], dest: '.git/hooks/post-checkout' }] },
        /not a path inside/,
      ],
      [{ files_to_sync: [{ src: ['README.md'], dest: '/etc/x' }] }, /not a path inside/],
      [{ tag: null }, /needs a release tag/],
    ];
    // Names that are plain, of a branch or a package dist-git does not have: refused for good.
    cases.push([{ dist_git_branch: 'f99' }, /Remote branch f99 not found/]);
    cases.push([{ downstream_package: 'nosuchpackage' }, /not found|404/]);
    for (const [overrides, message] of cases) {
      const error = await rejection(run(handler(), input(overrides)).done);
      expect(error.type, JSON.stringify(overrides)).toBe('DistGitBadInput');
      expect(error.message).toMatch(message);
    }
    expect(distGit.gitRequests.filter((r) => r.service === 'git-receive-pack').length).toBe(before);
  });

  it('downloads sources only from allowed origins, within the size cap, redirects included', async () => {
    const specAt = (url: string) =>
      `Name: hello\nVersion: 0\nRelease: 1\nSource0: ${url}\n%changelog\n`;
    const cases: [string, Partial<DistGitSettings>, RegExp][] = [
      ['file:///etc/passwd', {}, /must be http\(s\)/],
      ['https://evil.example/x.tgz', {}, /not an origin forgeflow downloads from/],
      [`${archiveOrigin}/redirect/x.tgz`, {}, /169\.254\.169\.254 is not an origin/],
      [`${archiveOrigin}/big/x.tgz`, { sourceMaxBytes: 1000 }, /larger than 1000 bytes/],
      [`http://user:pw@127.0.0.1:1/x.tgz`, {}, /must not carry credentials/],
    ];
    for (const [url, given, message] of cases) {
      github.setFile('acme/hello', SHA, 'evil.spec', specAt(url));
      const error = await rejection(
        run(handler(given), input({ files_to_sync: [{ src: ['evil.spec'], dest: 'hello.spec' }] }))
          .done,
      );
      expect(error.type, url).toBe('DistGitBadInput');
      expect(error.message).toMatch(message);
    }
    expect(archiveHits).toEqual(['/redirect/x.tgz', '/big/x.tgz']);
  });

  it('is refused by the lookaside cache without a client certificate it trusts, and by dist-git with a wrong token', async () => {
    const stranger = await rejection(
      run(handler({ lookasideCert: certs.strangerCert, lookasideKey: certs.strangerKey })).done,
    );
    expect(stranger.type).toBe('LookasideAuthError');
    expect(stranger.nonRetryable).toBe(true);
    lookaside.failNext(503);
    expect((await rejection(run().done)).type).toBe('LookasideUnavailable');

    // A token dist-git does not take for the fork's owner: the push is refused, for good.
    const wrong = await rejection(
      run(handler({ token: 'mallory-token' }), input({ dist_git_branch: 'main' })).done,
    );
    expect(wrong.type).toBe('DistGitAuthError');
    expect(wrong.nonRetryable).toBe(true);
    expect(wrong.message).not.toContain('mallory-token');
  });
});
