/**
 * The graph a .packit.yaml compiles to: tests wait for the build of their own target (and
 * read it through `needs`), skip_build tests for nothing, Bodhi updates for the Koji build of
 * their branch; Copr builds poll; inputs carry the config as literals; same text and event,
 * same bytes.
 */
import { describe, expect, it } from 'vitest';
import { needPairs } from '../helpers.js';
import type { GraphNode } from '../../../src/compiler/index.js';
import { evaluateValue } from '../../../src/expressions/evaluate.js';
import {
  compile,
  fixture,
  graphOf,
  ids,
  node,
  packitComment,
  pullRequest,
  push,
  release,
  SHA,
} from './compile-helpers.js';

const text = `downstream_package_name: app
specfile_path: packaging/app.spec
jobs:
- job: copr_build
  trigger: pull_request
  targets:
    fedora-45-x86_64: {additional_packages: [extra]}
    epel-9-x86_64: {}
  additional_repos: ["copr://me/deps"]
  timeout: 3600
- job: tests
  trigger: pull_request
  targets:
    fedora-45-x86_64: {}
    epel-9-x86_64: {distros: [centos-stream-9, rhel-9]}
  tmt_plan: /plans/smoke
  env: {LEVEL: 3, NAME: "\${{ secrets.TOKEN }}"}
- job: tests
  trigger: pull_request
  identifier: lint
  skip_build: true
  targets: [fedora-45-x86_64]
- job: koji_build
  trigger: commit
  dist_git_branches: [fedora-rawhide, fedora-45]
- job: bodhi_update
  trigger: commit
  dist_git_branches: [fedora-45]
`;

const input = (n: GraphNode) =>
  (n.action.kind === 'activity' ? n.action.input : undefined) as Record<string, unknown>;

describe('edges', () => {
  const { graph } = graphOf(text, pullRequest());

  it('ties each test target to the build of its chroot; skip_build needs nothing', () => {
    // Packit tests an EPEL chroot per `distros` entry (else on CentOS): one test target, one
    // status and one request each, all installing the chroot's build.
    expect(needPairs(graph)).toEqual([
      // One Copr build for the job's chroots; a node follows each chroot of it.
      ['srpm:copr_build', 'copr_build[fedora-45-x86_64]'],
      ['srpm:copr_build', 'copr_build[epel-9-x86_64]'],
      ['copr_build[fedora-45-x86_64]', 'tests[fedora-45-x86_64]'],
      ['copr_build[epel-9-x86_64]', 'tests[centos-stream-9-x86_64]'],
      ['copr_build[epel-9-x86_64]', 'tests[rhel-9-x86_64]'],
    ]);
    expect(node(graph, 'tests[rhel-9-x86_64]').report).toBe('testing-farm:rhel-9-x86_64');
    expect(node(graph, 'tests:lint[fedora-45-x86_64]').needs).toEqual([]);
    expect(input(node(graph, 'tests:lint[fedora-45-x86_64]')).copr_build).toBeNull();
  });

  it('reads the build through needs, which the runtime groups by job', () => {
    const tests = node(graph, 'tests[centos-stream-9-x86_64]');
    expect(input(tests).copr_build).toBe("${{ needs['copr_build'].output }}");
    const build = { build_id: 9, owner: 'me', project: 'p', chroot: 'epel-9-x86_64', url: 'u' };
    const evaluated = evaluateValue(input(tests), {
      needs: { copr_build: { output: build, result: 'success' } },
    }) as Record<string, unknown>;
    expect(evaluated.copr_build).toEqual(build);
  });

  it('builds in Koji only the pushed dist-git branch, as packit-service does', () => {
    // A push to main (rawhide) builds main; Bodhi takes no update for rawhide.
    const main = graphOf(text, push('main')).graph;
    expect(ids(main)).toEqual(['koji_build[main]']);
    // Not `koji-build`: that is Packit's name of upstream_koji_build (and of its re-runs), and
    // the branch is the target already.
    expect(node(main, 'koji_build[main]').report).toBe('downstream-koji-build:main');
    // A branch the job does not list builds nothing.
    const other = compile(text, push('f44'));
    expect(other.status).toBe('not-triggered');
    expect(JSON.stringify(other)).toContain('dist_git_branches');
  });

  it('sends a Bodhi update after the Koji build of its branch', () => {
    const pushed = graphOf(text, push('f45')).graph;
    expect(ids(pushed)).toEqual(['koji_build[f45]', 'bodhi_update[f45]']);
    expect(needPairs(pushed)).toEqual([['koji_build[f45]', 'bodhi_update[f45]']]);
    expect(node(pushed, 'bodhi_update[f45]').report).toBe('bodhi-update:f45');
    expect(node(pushed, 'bodhi_update[f45]').action).toMatchObject({
      kind: 'activity',
      handler: 'bodhi.update',
      input: {
        package: 'app',
        dist_git_branch: 'f45',
        // The Koji build's poll ends with its NVR.
        koji_build: "${{ needs['koji_build'].output }}",
        extra_params: {},
      },
      poll: null,
    });
    // The dist-git commit, for the branch's Koji target, polled in a child run.
    expect(node(pushed, 'koji_build[f45]').action).toMatchObject({
      kind: 'activity',
      handler: 'koji.build',
      input: {
        package: 'app',
        target: 'f45-candidate',
        repository: 'https://src.fedoraproject.org/rpms/app.git',
        scratch: false,
        dist_git_branch: 'f45',
      },
      poll: { handler: 'koji.task', until: 'output.ended' },
    });
  });

  it('/packit koji-build on a pull request builds its target branch', () => {
    const comment = packitComment('/packit koji-build');
    const into = (base: string) => ({ ...comment, pr: { ...comment.pr!, base_ref: base } });
    expect(ids(graphOf(text, into('f45')).graph)).toEqual(['koji_build[f45]']);
    expect(ids(graphOf(text, into('main')).graph)).toEqual(['koji_build[main]']);
  });

  it('builds once for a job split by trigger (commit | koji_build) on /packit koji-build', () => {
    const split = `specfile_path: app.spec
jobs:
- {job: koji_build, trigger: "commit | koji_build", dist_git_branches: [fedora-rawhide, fedora-45]}
`;
    const comment = packitComment('/packit koji-build');
    const event = { ...comment, pr: { ...comment.pr!, base_ref: 'f45' } };
    // One job, one Koji build of the branch (packit-service drops the copy that differs only
    // in its trigger); a second submission of the same NVR would fail in Koji anyway.
    expect(ids(graphOf(split, event).graph)).toEqual(['koji_build[f45]']);
  });

  it('sets matrix.target so the page groups the nodes of a job', () => {
    expect(node(graph, 'copr_build[epel-9-x86_64]').matrix).toEqual({ target: 'epel-9-x86_64' });
  });
});

describe('Copr builds', () => {
  const { graph } = graphOf(text, pullRequest());
  const build = node(graph, 'copr_build[fedora-45-x86_64]');
  const submit = node(graph, 'srpm:copr_build');

  it('submits one build for all the chroots, with the job settings, the chroot settings and a per-PR project', () => {
    expect(submit.action).toMatchObject({ kind: 'activity', handler: 'copr.build', poll: null });
    expect(submit.report).toBeNull();
    expect(input(submit)).toMatchObject({
      owner: null,
      project: 'octo-app-7',
      chroots: ['fedora-45-x86_64', 'epel-9-x86_64'],
      clone_url: 'https://github.com/octo/app.git',
      committish: SHA,
      subdirectory: '.',
      specfile_path: 'packaging/app.spec',
      package: 'app',
      timeout_s: 3600,
      additional_packages: [],
      additional_repos: ['copr://me/deps'],
      chroot_settings: { 'fedora-45-x86_64': { additional_packages: ['extra'] } },
    });
    // Which run attempt submitted it, so a chroot's node can tell a build of an earlier one.
    expect(evaluateValue(input(submit), { run: { attempt: 2 } })).toMatchObject({
      run_attempt: 2,
    });
  });

  it('follows each chroot of that build in a node of its own, reported as Packit does', () => {
    expect(build).toMatchObject({
      needs: ['srpm:copr_build'],
      report: 'rpm-build:fedora-45-x86_64',
      statuses: { accepted: 'The task was accepted.' },
    });
    expect(build.action).toMatchObject({ kind: 'activity', handler: 'copr.build_status' });
    const out = {
      ...{ build_id: 9, owner: 'me', project: 'p', chroots: ['a'], url: 'https://u/' },
      run_attempt: 1,
    };
    const followed = evaluateValue(input(build), {
      needs: { 'srpm:copr_build': { output: out, result: 'success' } },
      run: { attempt: 2 },
    }) as Record<string, unknown>;
    expect(followed).toMatchObject({
      build_id: 9,
      owner: 'me',
      project: 'p',
      chroot: 'fedora-45-x86_64',
      url: 'https://u/',
    });
    // A run retry after the chroot failed builds it again: the job's build, its chroot only.
    const job: Record<string, unknown> = { ...input(submit) };
    delete job.run_attempt;
    expect(followed.rebuild).toEqual({
      run_attempt: 2,
      build_run_attempt: 1,
      build: {
        ...job,
        chroots: ['fedora-45-x86_64'],
        chroot_settings: { 'fedora-45-x86_64': { additional_packages: ['extra'] } },
      },
    });
    // Tests wait for the RPMs from the start (packit-service's words), skip_build ones do not.
    expect(node(graph, 'tests[fedora-45-x86_64]').statuses).toEqual({
      accepted: 'Waiting for RPMs to be built...',
    });
    expect(node(graph, 'tests:lint[fedora-45-x86_64]').statuses).toEqual({
      accepted: 'The task was accepted.',
    });
  });

  it('names the project per branch on pushes and one for all releases', () => {
    const copr = (on: string) =>
      `specfile_path: app.spec\njobs:\n- {job: copr_build, trigger: ${on}, targets: [fedora-45-x86_64]}\n`;
    expect(input(graphOf(copr('commit'), push('main')).graph.nodes[0]!).project).toBe(
      'octo-app-main',
    );
    expect(input(graphOf(copr('release'), release()).graph.nodes[0]!).project).toBe(
      'octo-app-releases',
    );
  });

  it('polls its build every 30 s backing off to 10 min, until it ended, for timeout + 6 h', () => {
    expect(build.action.kind === 'activity' && build.action.poll).toMatchObject({
      handler: 'copr.build_status',
      input: '${{ output }}',
      every_ms: 30_000,
      backoff_coefficient: 2,
      maximum_interval_ms: 600_000,
      until: 'output.ended',
      timeout_ms: (3600 + 6 * 3600) * 1000,
    });
    expect(build.retry.maximum_attempts).toBe(3);
  });

  it('keeps polling through a Copr or Testing Farm outage until the poll times out', () => {
    // Packit babysits a build for hours whatever the API answers; five failed reads in two
    // minutes must not fail a build that is fine. Failures that say so (the build failed, a
    // bad token) are non-retryable and still end the poll at once.
    for (const id of ['copr_build[fedora-45-x86_64]', 'tests[fedora-45-x86_64]']) {
      const action = node(graph, id).action;
      expect(action.kind === 'activity' && action.poll?.retry, id).toMatchObject({
        maximum_attempts: 0,
        maximum_interval_ms: 600_000,
      });
    }
  });
});

describe('Testing Farm requests', () => {
  const { graph } = graphOf(text, pullRequest());

  it('test the commit on the test target, with the tmt context Packit sets', () => {
    expect(input(node(graph, 'tests[rhel-9-x86_64]'))).toMatchObject({
      fmf_url: 'https://github.com/octo/app.git',
      fmf_ref: SHA,
      tmt_plan: '/plans/smoke',
      environments: [{ compose: 'RHEL-9', arch: 'x86_64' }],
      // Packit's context is always trigger=commit, initiator=packit (plans adjust on them).
      tmt_context: { distro: 'rhel-9', arch: 'x86_64', trigger: 'commit', initiator: 'packit' },
    });
    expect(input(node(graph, 'tests[fedora-45-x86_64]')).tmt_context).toEqual({
      distro: 'fedora-45',
      arch: 'x86_64',
      trigger: 'commit',
      initiator: 'packit',
    });
  });

  it("sets Packit's PACKIT_* variables; env overrides them, /packit test --env overrides both", () => {
    const pr = input(node(graph, 'tests[fedora-45-x86_64]')).variables as Record<string, string>;
    expect(pr).toMatchObject({
      PACKIT_FULL_REPO_NAME: 'octo/app',
      PACKIT_UPSTREAM_NAME: 'app',
      PACKIT_DOWNSTREAM_NAME: 'app',
      PACKIT_PACKAGE_NAME: 'app',
      PACKIT_DOWNSTREAM_URL: 'https://src.fedoraproject.org/rpms/app.git',
      PACKIT_COMMIT_SHA: SHA,
      PACKIT_SOURCE_SHA: SHA,
      PACKIT_SOURCE_BRANCH: 'feature',
      PACKIT_TARGET_BRANCH: 'main',
      PACKIT_TARGET_URL: 'https://github.com/octo/app',
      PACKIT_PR_ID: '7',
      LEVEL: '3',
    });
    // `--env K=V` wins over the job's env; `--env K=` unsets K (Packit's words for both).
    const commented = graphOf(
      text,
      packitComment('/packit test --env LEVEL=9 --env PACKIT_PR_ID= --env EXTRA=x'),
    ).graph;
    const vars = input(node(commented, 'tests[fedora-45-x86_64]')).variables as Record<
      string,
      string
    >;
    expect(vars).toMatchObject({ LEVEL: '9', EXTRA: 'x' });
    expect(vars).not.toHaveProperty('PACKIT_PR_ID');
  });

  it("sends no ref for an fmf_url without fmf_ref (the other repository's default branch)", () => {
    const other = `specfile_path: app.spec
jobs:
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], fmf_url: "https://gitlab.example/tests.git"}
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-44-x86_64], fmf_url: "https://gitlab.example/tests.git", fmf_ref: stable}
`;
    const { graph } = graphOf(other, pullRequest());
    expect(input(node(graph, 'tests[fedora-45-x86_64]'))).toMatchObject({
      fmf_url: 'https://gitlab.example/tests.git',
      fmf_ref: null,
    });
    expect(input(node(graph, 'tests[fedora-44-x86_64]')).fmf_ref).toBe('stable');
  });

  it('passes config values as literals, never as expressions', () => {
    const tests = node(graph, 'tests[fedora-45-x86_64]');
    const variables = input(tests).variables as Record<string, string>;
    expect(variables.LEVEL).toBe('3');
    const evaluated = evaluateValue(variables, {}) as Record<string, string>;
    expect(evaluated.NAME).toBe('${{ secrets.TOKEN }}');
  });
});

describe('ids and determinism', () => {
  it('gives two jobs of the same type distinct ids only where their nodes would collide', () => {
    const twice = `specfile_path: app.spec
jobs:
- {job: copr_build, trigger: pull_request, targets: [fedora-45-x86_64]}
- {job: copr_build, trigger: pull_request, targets: [fedora-45-x86_64, fedora-44-x86_64]}
- {job: copr_build, trigger: pull_request, targets: [fedora-45-s390x]}
`;
    // Each job submits its own build; two sharing a job id are told apart by their index.
    expect(ids(graphOf(twice, pullRequest()).graph)).toEqual([
      'srpm:copr_build',
      'copr_build[fedora-45-x86_64]',
      'srpm:copr_build#1',
      'copr_build#1[fedora-45-x86_64]',
      'copr_build#1[fedora-44-x86_64]',
      'srpm:copr_build#2',
      'copr_build[fedora-45-s390x]',
    ]);
  });

  it('compiles the same text and event to the same bytes', () => {
    for (const name of ['cockpit-project__cockpit.yaml', 'teemtee__tmt.yaml']) {
      const source = fixture('valid', name);
      const a = graphOf(source, push('main')).graph;
      const b = graphOf(source, push('main')).graph;
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
    const other = graphOf(text, pullRequest({ number: 8 })).graph;
    expect(other.hash).not.toBe(graphOf(text, pullRequest()).graph.hash);
  });
});
