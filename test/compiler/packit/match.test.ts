/**
 * Which jobs an event selects: triggers per event kind, manual_trigger, require.label, the
 * `branch` regex, packit_instances, and the /packit commands with --package, --identifier,
 * --labels, retest-failed and rebuild-failed (only what failed; nothing when nothing failed).
 */
import { describe, expect, it } from 'vitest';
import { needPairs } from '../helpers.js';
import {
  isPackitFile,
  type CompileResult,
  type PreviousNode,
} from '../../../src/compiler/index.js';
import type { Event } from '../../../src/events/event.js';
import {
  compile,
  graphOf,
  ids,
  node,
  packitComment,
  pullRequest,
  push,
  release,
} from './compile-helpers.js';

const BASE = `downstream_package_name: app
specfile_path: app.spec
`;

const jobs = (text: string) => `${BASE}jobs:\n${text}`;

/** The reason a compile started nothing (and a failure if it started something). */
function whyNot(result: CompileResult): string {
  if (result.status !== 'not-triggered')
    throw new Error(`expected nothing to start, got ${result.status}`);
  return result.misses.map((m) => m.reason).join('; ');
}

function excludedOf(text: string, event: Event) {
  const result = compile(text, event);
  if (result.status === 'invalid') throw new Error(JSON.stringify(result.diagnostics));
  return result.status === 'graph' ? result.excluded : (result.excluded ?? []);
}

const BUILD_AND_TEST = jobs(`
- job: copr_build
  trigger: pull_request
  targets: [fedora-44-x86_64, fedora-45-x86_64]
- job: tests
  trigger: pull_request
  targets: [fedora-44-x86_64, fedora-45-x86_64]
`);

describe('event kinds', () => {
  it('starts pull_request jobs on opened, reopened and synchronize only', () => {
    for (const action of ['opened', 'reopened', 'synchronize'])
      expect(compile(BUILD_AND_TEST, pullRequest({}, action)).status).toBe('graph');
    const closed = compile(BUILD_AND_TEST, pullRequest({}, 'closed'));
    expect(whyNot(closed)).toContain('"closed"');
  });

  it('starts nothing on a pushed tag: release jobs wait for the release', () => {
    const tag: Event = {
      ...push('main'),
      kind: 'tag',
      branch: null,
      tag: 'v1',
      ref: 'refs/tags/v1',
    };
    const result = compile(jobs('- {job: propose_downstream, trigger: release}'), tag);
    expect(whyNot(result)).toContain('a pushed tag starts no Packit job');
    expect(compile(jobs('- {job: propose_downstream, trigger: release}'), release()).status).toBe(
      'graph',
    );
  });

  it("starts release jobs on GitLab's Release Hook create (published), not on an edited release", () => {
    const text = jobs('- {job: propose_downstream, trigger: release}');
    const gitlab: Event = { ...release('v2', 'published'), forge: 'gitlab' };
    expect(ids(graphOf(text, gitlab).graph)).toEqual(['propose_downstream[main]']);
    expect(whyNot(compile(text, release('v2', 'edited')))).toContain('"edited" is not published');
  });

  it('starts GitHub release jobs once: on published, not on the created GitHub also sends', () => {
    const text = jobs('- {job: propose_downstream, trigger: release}');
    // Publishing a release straight away sends `created` and `published`: only one may run.
    expect(whyNot(compile(text, release('v2', 'created')))).toContain('"created" is not published');
    expect(compile(text, release('v2', 'published')).status).toBe('graph');
  });

  it('knows Packit files by name', () => {
    for (const name of ['.packit.yaml', 'sub/.packit.yml', 'packit.yaml', 'packit.yml'])
      expect(isPackitFile(name)).toBe(true);
    expect(isPackitFile('pipeline.yaml')).toBe(false);
  });

  it('never runs trigger: ignore', () => {
    const text = jobs('- {job: copr_build, trigger: ignore}');
    expect(excludedOf(text, pullRequest())).toEqual([
      { job: 'copr_build (jobs[0], ignore)', reason: 'trigger: ignore never runs' },
    ]);
  });
});

describe('manual_trigger', () => {
  const text = jobs(`
- job: copr_build
  trigger: pull_request
  manual_trigger: true
  targets: [fedora-45-x86_64]
- job: tests
  trigger: pull_request
  manual_trigger: true
  targets: [fedora-45-x86_64]
`);

  it('keeps the jobs out of pull request events', () => {
    expect(excludedOf(text, pullRequest()).map((e) => e.reason)).toEqual([
      'manual_trigger: runs only on a /packit comment',
      'manual_trigger: runs only on a /packit comment',
    ]);
  });

  it('/packit build builds but leaves manual tests to /packit test', () => {
    const built = graphOf(text, packitComment('/packit build'));
    expect(ids(built.graph)).toEqual(['srpm:copr_build', 'copr_build[fedora-45-x86_64]']);
    expect(built.excluded).toContainEqual({
      job: 'tests (jobs[1], pull_request)',
      reason: 'manual_trigger: these tests need /packit test',
    });
    // /packit test with no earlier build to reuse: the build comes first.
    const tested = graphOf(text, packitComment('/packit test')).graph;
    expect(needPairs(tested)).toEqual([
      ['srpm:copr_build', 'copr_build[fedora-45-x86_64]'],
      ['copr_build[fedora-45-x86_64]', 'tests[fedora-45-x86_64]'],
    ]);
  });
});

describe('labels', () => {
  const text = jobs(`
- job: copr_build
  trigger: pull_request
  targets: [fedora-45-x86_64]
  require: {label: {present: [ci/full, ci/tier-1], absent: [skip-ci]}}
`);

  it('require.label: one present label, no absent one', () => {
    expect(compile(text, pullRequest()).status).toBe('not-triggered');
    expect(compile(text, pullRequest({ labels: ['ci/tier-1'] })).status).toBe('graph');
    expect(excludedOf(text, pullRequest({ labels: ['ci/full', 'skip-ci'] }))).toEqual([
      {
        job: 'copr_build (jobs[0], pull_request)',
        reason: 'require.label.absent: the pull request has "skip-ci"',
      },
    ]);
  });

  it('/packit test --labels runs the tests with one of the labels', () => {
    const tests = jobs(`
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], identifier: smoke, labels: [smoke, quick]}
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], identifier: full, labels: [full]}
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], identifier: plain}
`);
    expect(ids(graphOf(tests, packitComment('/packit test --labels quick,other')).graph)).toEqual([
      'tests:smoke[fedora-45-x86_64]',
    ]);
    expect(ids(graphOf(tests, packitComment('/packit test --identifier full')).graph)).toEqual([
      'tests:full[fedora-45-x86_64]',
    ]);
    expect(ids(graphOf(tests, packitComment('/packit test')).graph)).toHaveLength(3);
  });

  it('test_command.default_identifier stands in for --identifier', () => {
    const tests = jobs(`
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], identifier: a}
- {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-45-x86_64], identifier: b, test_command: {default_identifier: b}}
`);
    // Job a has no default: it runs. Job b's default names b itself: it runs too.
    expect(ids(graphOf(tests, packitComment('/packit test')).graph)).toEqual([
      'tests:a[fedora-45-x86_64]',
      'tests:b[fedora-45-x86_64]',
    ]);
    const narrowed = `test_command: {default_identifier: a}\n${tests.replace(', test_command: {default_identifier: b}', '')}`;
    expect(ids(graphOf(narrowed, packitComment('/packit test')).graph)).toEqual([
      'tests:a[fedora-45-x86_64]',
    ]);
  });
});

describe('branch', () => {
  const text = jobs(`
- {job: copr_build, trigger: commit, targets: [fedora-45-x86_64]}
- {job: copr_build, trigger: commit, branch: "release/.*", identifier: rel, targets: [fedora-45-x86_64]}
- {job: copr_build, trigger: pull_request, branch: "^stable$", identifier: st, targets: [fedora-45-x86_64]}
`);

  it('commit jobs default to the default branch; branch is a regex matched at the start', () => {
    expect(ids(graphOf(text, push('main')).graph)).toEqual([
      'srpm:copr_build',
      'copr_build[fedora-45-x86_64]',
    ]);
    expect(ids(graphOf(text, push('release/2.0')).graph)).toEqual([
      'srpm:copr_build:rel',
      'copr_build:rel[fedora-45-x86_64]',
    ]);
    expect(excludedOf(text, push('feature'))).toContainEqual({
      job: 'copr_build (jobs[0], commit)',
      reason: 'runs on pushes to the default branch "main" (no branch set), not to "feature"',
    });
  });

  it('pull_request jobs match the target branch', () => {
    expect(compile(text, pullRequest({ base_ref: 'main' })).status).toBe('not-triggered');
    expect(ids(graphOf(text, pullRequest({ base_ref: 'stable' })).graph)).toEqual([
      'srpm:copr_build:st',
      'copr_build:st[fedora-45-x86_64]',
    ]);
  });
});

describe('packit_instances and --package', () => {
  it('leaves out jobs for the staging instance', () => {
    const text = jobs(`
- {job: copr_build, trigger: pull_request, targets: [fedora-45-x86_64], packit_instances: [stg]}
- {job: tests, trigger: pull_request, targets: [fedora-45-x86_64], skip_build: true, packit_instances: [prod, stg]}
`);
    expect(ids(graphOf(text, pullRequest()).graph)).toEqual(['tests[fedora-45-x86_64]']);
  });

  it('--package narrows a command to one package', () => {
    const text = `packages:
  a: {specfile_path: a.spec}
  b: {specfile_path: b.spec}
jobs:
- {job: copr_build, trigger: pull_request, targets: [fedora-45-x86_64]}
`;
    expect(ids(graphOf(text, pullRequest()).graph)).toEqual([
      'srpm:copr_build:a',
      'copr_build:a[fedora-45-x86_64]',
      'srpm:copr_build:b',
      'copr_build:b[fedora-45-x86_64]',
    ]);
    expect(ids(graphOf(text, packitComment('/packit --package b build')).graph)).toEqual([
      'srpm:copr_build:b',
      'copr_build:b[fedora-45-x86_64]',
    ]);
  });
});

describe('retest-failed and rebuild-failed', () => {
  const previous = (failed: string[], extra: PreviousNode[] = []): PreviousNode[] => [
    ...['44', '45'].map((v) => ({
      node: `copr_build[fedora-${v}-x86_64]`,
      report: `rpm-build:fedora-${v}-x86_64`,
      status: failed.includes(`rpm-build:fedora-${v}-x86_64`) ? 'failed' : 'succeeded',
      output: {
        build_id: Number(v),
        owner: 'me',
        project: 'p',
        chroot: `fedora-${v}-x86_64`,
        url: 'u',
      },
    })),
    ...['44', '45'].map((v) => ({
      node: `tests[fedora-${v}-x86_64]`,
      report: `testing-farm:fedora-${v}-x86_64`,
      status: failed.includes(`testing-farm:fedora-${v}-x86_64`) ? 'failed' : 'succeeded',
    })),
    ...extra,
  ];

  it('retest-failed re-runs only the failed test, on the build of the earlier run', () => {
    const result = graphOf(
      BUILD_AND_TEST,
      packitComment('/packit retest-failed'),
      previous(['testing-farm:fedora-45-x86_64']),
    );
    expect(ids(result.graph)).toEqual(['tests[fedora-45-x86_64]']);
    const action = result.graph.nodes[0]!.action;
    expect(
      action.kind === 'activity' && (action.input as { copr_build: unknown }).copr_build,
    ).toEqual({ build_id: 45, owner: 'me', project: 'p', chroot: 'fedora-45-x86_64', url: 'u' });
    // Its RPMs are built already: the status does not wait for them.
    expect(result.graph.nodes[0]!.statuses).toEqual({ accepted: 'The task was accepted.' });
  });

  it('does nothing when nothing failed, or when there is no earlier run', () => {
    for (const command of ['/packit retest-failed', '/packit rebuild-failed']) {
      for (const prior of [previous([]), undefined]) {
        expect(whyNot(compile(BUILD_AND_TEST, packitComment(command), prior))).toContain(
          'nothing failed in the latest run',
        );
      }
    }
  });

  it('rebuild-failed rebuilds the failed chroot and runs its tests again', () => {
    const result = graphOf(
      BUILD_AND_TEST,
      packitComment('/packit rebuild-failed'),
      previous(['rpm-build:fedora-44-x86_64']),
    );
    // One Copr build again, of the failed chroot only.
    expect(ids(result.graph)).toEqual([
      'srpm:copr_build',
      'copr_build[fedora-44-x86_64]',
      'tests[fedora-44-x86_64]',
    ]);
    expect(node(result.graph, 'srpm:copr_build').action).toMatchObject({
      input: { chroots: ['fedora-44-x86_64'] },
    });
    expect(needPairs(result.graph)).toEqual([
      ['srpm:copr_build', 'copr_build[fedora-44-x86_64]'],
      ['copr_build[fedora-44-x86_64]', 'tests[fedora-44-x86_64]'],
    ]);
  });

  it('retest-failed ignores failures that are not tests', () => {
    const result = compile(
      BUILD_AND_TEST,
      packitComment('/packit retest-failed'),
      previous(['rpm-build:fedora-44-x86_64']),
    );
    expect(whyNot(result)).toContain('none of the failed statuses');
  });
});

describe('other commands', () => {
  it('/packit propose-downstream on an issue runs the release jobs for its latest release', () => {
    const text = jobs(`
- {job: propose_downstream, trigger: release, dist_git_branches: [fedora-rawhide, fedora-45]}
- {job: copr_build, trigger: pull_request}
`);
    const onIssue = {
      ...packitComment('/packit propose-downstream'),
      pr: null,
      issue: { number: 9, title: 'release', url: null, author: null, labels: [], state: 'open' },
      tag: 'v1.0',
      release: { tag: 'v1.0', name: null, draft: false, prerelease: false, url: null },
    };
    const graph = graphOf(text, onIssue).graph;
    expect(ids(graph)).toEqual(['propose_downstream[main]', 'propose_downstream[f45]']);
    const action = graph.nodes[0]?.action;
    expect(action?.kind === 'activity' ? action.input : null).toMatchObject({ tag: 'v1.0' });
    // Without a release (on a pull request) it is told where it belongs.
    expect(whyNot(compile(text, packitComment('/packit propose-downstream')))).toContain(
      'give it in a comment on an issue',
    );
  });

  it('a comment that is not a /packit command, or /packit help, starts nothing', () => {
    for (const body of ['looks good', '/packit help'])
      expect(compile(BUILD_AND_TEST, packitComment(body)).status).toBe('not-triggered');
    expect(whyNot(compile(BUILD_AND_TEST, packitComment('/packit frobnicate')))).toContain(
      'syntax error',
    );
  });
});
