/**
 * The graph a .packit.yaml compiles to: tests wait for the build of their own target (and
 * read it through `needs`), skip_build tests for nothing, Bodhi updates for the Koji build of
 * their branch; Copr builds poll; inputs carry the config as literals; same text and event,
 * same bytes.
 */
import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../../src/compiler/index.js';
import { evaluateValue } from '../../../src/expressions/evaluate.js';
import { fixture, graphOf, ids, node, pullRequest, push, release, SHA } from './compile-helpers.js';

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

  it('ties each test target to the build of the same chroot; skip_build needs nothing', () => {
    expect(graph.edges).toEqual([
      ['copr_build[fedora-45-x86_64]', 'tests[fedora-45-x86_64]'],
      ['copr_build[epel-9-x86_64]', 'tests[epel-9-x86_64]'],
    ]);
    expect(node(graph, 'tests:lint[fedora-45-x86_64]').needs).toEqual([]);
    expect(input(node(graph, 'tests:lint[fedora-45-x86_64]')).copr_build).toBeNull();
  });

  it('reads the build through needs, which the runtime groups by job', () => {
    const tests = node(graph, 'tests[epel-9-x86_64]');
    expect(input(tests).copr_build).toBe("${{ needs['copr_build'].output }}");
    const build = { build_id: 9, owner: 'me', project: 'p', chroot: 'epel-9-x86_64', url: 'u' };
    const evaluated = evaluateValue(input(tests), {
      needs: { copr_build: { output: build, result: 'success' } },
    }) as Record<string, unknown>;
    expect(evaluated.copr_build).toEqual(build);
  });

  it('sends a Bodhi update after the Koji build of its branch', () => {
    const pushed = graphOf(text, push('main')).graph;
    expect(ids(pushed)).toEqual(['koji_build[main]', 'koji_build[f45]', 'bodhi_update[f45]']);
    expect(pushed.edges).toEqual([['koji_build[f45]', 'bodhi_update[f45]']]);
    expect(node(pushed, 'bodhi_update[f45]').action).toMatchObject({
      kind: 'activity',
      handler: 'bodhi.update',
      input: { job: 'bodhi_update', trigger: 'commit', package: 'app', target: 'f45' },
      poll: null,
    });
  });

  it('sets matrix.target so the page groups the nodes of a job', () => {
    expect(node(graph, 'copr_build[epel-9-x86_64]').matrix).toEqual({ target: 'epel-9-x86_64' });
  });
});

describe('Copr builds', () => {
  const { graph } = graphOf(text, pullRequest());
  const build = node(graph, 'copr_build[fedora-45-x86_64]');

  it('submits with the job settings, the chroot settings and a per-PR project', () => {
    expect(build.action).toMatchObject({ kind: 'activity', handler: 'copr.build' });
    expect(input(build)).toMatchObject({
      owner: null,
      project: 'octo-app-7',
      chroot: 'fedora-45-x86_64',
      clone_url: 'https://github.com/octo/app.git',
      committish: SHA,
      subdirectory: '.',
      specfile_path: 'packaging/app.spec',
      package: 'app',
      timeout_s: 3600,
      additional_packages: ['extra'],
      additional_repos: ['copr://me/deps'],
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
});

describe('Testing Farm requests', () => {
  const { graph } = graphOf(text, pullRequest());

  it('test the commit with one environment per distro', () => {
    expect(input(node(graph, 'tests[epel-9-x86_64]'))).toMatchObject({
      fmf_url: 'https://github.com/octo/app.git',
      fmf_ref: SHA,
      tmt_plan: '/plans/smoke',
      environments: [
        { compose: 'CentOS-Stream-9', arch: 'x86_64' },
        { compose: 'RHEL-9', arch: 'x86_64' },
      ],
      tmt_context: { distro: 'epel-9', arch: 'x86_64', trigger: 'pull_request' },
    });
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
    expect(ids(graphOf(twice, pullRequest()).graph)).toEqual([
      'copr_build[fedora-45-x86_64]',
      'copr_build#1[fedora-45-x86_64]',
      'copr_build#1[fedora-44-x86_64]',
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
