/**
 * Every real .packit.yaml in fixtures/packit/valid validates and plans against a pull request
 * opened, a push to the default branch and a release published, with the node counts worked
 * out by reading each file (comments say how), against DEFAULT_RELEASES as of 2026-12-01:
 * Fedora 43, 44, 45 stable, Rawhide 46, nothing branched; EPEL 8, 9, 10 with the minors 10.3
 * (trailing: chroot rhel+epel-10, branch epel10.3) and 10.4 (leading: chroot epel-10, branch
 * epel10). So fedora-all = 43, 44, 45, rawhide; fedora-stable = fedora-branched = 43, 44, 45;
 * fedora-development = rawhide; fedora-latest = fedora-latest-stable = 45; epel-10-all = the
 * two EPEL 10 chroots; rawhide as a dist-git branch is `main`.
 *
 * Every file in fixtures/packit/invalid fails compilePackit with Packit's own words and a line.
 * (fixtures.test.ts checks the loader on the same files.)
 */
import { describe, expect, it } from 'vitest';
import { validatePackit } from '../../../src/compiler/index.js';
import {
  compile,
  fixture,
  fixtureNames,
  graphOf,
  ids,
  node,
  packitComment,
  pullRequest,
  push,
  release,
} from './compile-helpers.js';

interface Expected {
  pr: number;
  push: number;
  release: number;
}

const EXPECTED: Record<string, Expected> = {
  // PR: copr_build on fedora-development (rawhide) + fedora-stable (3) = 4, tests on the same 4.
  // Release: propose_downstream to fedora-all = f43, f44, f45, main. No commit jobs.
  'ansible__pylibssh.yaml': { pr: 8, push: 0, release: 4 },
  // PR: every PR job requires a label (ci/tier-1 or ci/merge): none without labels.
  // Push to main: copr_build (custom project, no targets: fedora-stable) 3 + koji_build of the
  // pushed branch, main (fedora-all lists it) 1; bodhi_update (fedora-branched) does not list
  // main. Release: propose_downstream fedora-all 4.
  'bootc-dev__bootc.yaml': { pr: 0, push: 4, release: 4 },
  // PR: tests:self on 7 chroots, two of them with two distros: 9 test targets + copr_build
  // (*test_targets) 7 + copr_build s390x 1; the revdeps tests target fedora-latest-stable
  // (45 x86_64), which no PR build builds: dropped.
  // Push to main: copr_build (^main$, fedora-stable) 3 + koji_build of main (development) 1;
  // bodhi_update (branched: 43, 44, 45) not on main. Release: copr_build (fedora-stable) 3 +
  // propose_downstream (main, f43, f44) 3.
  'cockpit-project__cockpit.yaml': { pr: 17, push: 4, release: 6 },
  // Variants of one package: only podman-fedora has live jobs (the others are `ignore`).
  // PR: copr_build fedora-all x86_64 + aarch64 = 8; tests fedora-all 4 + cockpit-revdeps
  // (latest-stable, development) 2 + tmt-revdeps (fedora-latest) 1. Push: copr_build 3 +
  // koji_build (rawhide → main) 1; bodhi_update is `koji_build`-triggered. Release: 1.
  'containers__podman.yaml': { pr: 15, push: 4, release: 1 },
  // Every job is manual_trigger or pull_request-only: nothing runs without a /packit comment.
  'fedora-copr__copr.yaml': { pr: 0, push: 0, release: 0 },
  // PR: copr_build fedora-all 4 + fedora-all-aarch64 4 + epel-10-all 2 = 10; tests fedora-all 4
  // + epel-10-all 2 = 6. Push to main: the main copr_build, 10 (stable's branch does not
  // match; koji_build is stg-only). Release: propose_downstream (rawhide, epel-10) 2 +
  // copr_build (stable 3 + stable-aarch64 3 + epel-10-all 2) 8 + pull_from_upstream 2.
  'packit__packit.yaml': { pr: 16, push: 10, release: 12 },
  // PR: 5 rawhide chroots + tests on rawhide x86_64. Nothing else.
  'systemd__systemd.yaml': { pr: 6, push: 0, release: 0 },
  // PR without labels: copr_build (top-level targets: fedora-all 4 + epel-9 + epel-10) 6;
  // tests:core (latest-targets: fedora 45, epel-10) 2; tests:sanity (skip_build) 1; the rest
  // require "ci | full test". Push to main: copr_build 6 + koji_build of main (fedora-all
  // lists it) 1; bodhi_update (branched + epel9 + epel10) not on main. Release: copr_build 6 +
  // propose 1.
  'teemtee__tmt.yaml': { pr: 9, push: 7, release: 7 },
};

describe('real .packit.yaml files compile', () => {
  it('covers every valid fixture', () => {
    expect(fixtureNames('valid')).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of fixtureNames('valid')) {
    describe(name, () => {
      const text = fixture('valid', name);
      const expected = EXPECTED[name]!;

      it('validates with no errors', () => {
        const result = validatePackit(text, { file: '.packit.yaml', repoName: 'app' });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(result.ok).toBe(true);
      });

      for (const [label, event, count] of [
        ['a pull request opened', pullRequest(), expected.pr],
        ['a push to the default branch', push('main'), expected.push],
        ['a release published', release('v1.2.0'), expected.release],
      ] as const) {
        it(`plans ${count} nodes for ${label}`, () => {
          const result = compile(text, event);
          expect(result.status).toBe(count === 0 ? 'not-triggered' : 'graph');
          if (result.status === 'graph') {
            const { nodes } = result.graph;
            const reported = nodes.filter((n) => n.report !== null);
            expect(reported).toHaveLength(count);
            expect(result.graph.source.kind).toBe('packit');
            // Every planned node is reported, under a distinct name.
            expect(new Set(reported.map((n) => n.report)).size).toBe(count);
            // The others submit a copr_build job's one Copr build for all its chroot nodes.
            for (const submit of nodes.filter((n) => n.report === null)) {
              expect(submit.id).toMatch(/^srpm:copr_build/);
              const chroots = nodes.filter((n) => n.needs.includes(submit.id));
              expect(chroots.length).toBeGreaterThan(0);
              expect(submit.action).toMatchObject({
                handler: 'copr.build',
                input: { chroots: chroots.map((n) => n.matrix!.target) },
              });
            }
          }
        });
      }
    });
  }
});

describe('status names and edges of real files', () => {
  it('names pull request statuses as Packit does (ansible/pylibssh)', () => {
    const { graph } = graphOf(fixture('valid', 'ansible__pylibssh.yaml'), pullRequest());
    expect(node(graph, 'copr_build[fedora-rawhide-x86_64]').report).toBe(
      'rpm-build:fedora-rawhide-x86_64',
    );
    expect(node(graph, 'tests[fedora-43-x86_64]')).toMatchObject({
      report: 'testing-farm:fedora-43-x86_64',
      needs: ['copr_build[fedora-43-x86_64]'],
    });
  });

  it('adds the identifier and the pushed branch (cockpit)', () => {
    const text = fixture('valid', 'cockpit-project__cockpit.yaml');
    const pr = graphOf(text, pullRequest()).graph;
    expect(node(pr, 'tests:self[centos-stream-9-x86_64]').report).toBe(
      'testing-farm:centos-stream-9-x86_64:self',
    );
    // `distros` on a chroot: one test target (status, request) per distro, one build.
    expect(node(pr, 'tests:self[CentOS-Stream-9-image-mode-x86_64]')).toMatchObject({
      report: 'testing-farm:CentOS-Stream-9-image-mode-x86_64:self',
      needs: ['copr_build[centos-stream-9-x86_64]'],
    });
    const pushed = graphOf(text, push('main')).graph;
    expect(node(pushed, 'copr_build[fedora-44-x86_64]').report).toBe(
      'rpm-build:main:fedora-44-x86_64',
    );
    // A push to a dist-git branch builds it in Koji; Bodhi waits for that build. f45 has no
    // koji_build in this config: its update waits for nothing.
    const f44 = graphOf(text, push('f44')).graph;
    expect(ids(f44)).toEqual(['koji_build[f44]', 'bodhi_update[f44]']);
    expect(node(f44, 'bodhi_update[f44]').needs).toEqual(['koji_build[f44]']);
    expect(node(f44, 'koji_build[f44]').report).toBe('downstream-koji-build:f44');
    expect(node(graphOf(text, push('f45')).graph, 'bodhi_update[f45]').needs).toEqual([]);
  });

  it('runs the labelled jobs of bootc when the pull request has the label', () => {
    const { graph } = graphOf(
      fixture('valid', 'bootc-dev__bootc.yaml'),
      pullRequest({ labels: ['ci/tier-1'] }),
    );
    // tier-1: centos-stream-10 and fedora-44, x86_64 and aarch64, built and tested.
    expect(ids(graph)).toEqual([
      'srpm:copr_build:tier-1',
      'copr_build:tier-1[centos-stream-10-x86_64]',
      'copr_build:tier-1[centos-stream-10-aarch64]',
      'copr_build:tier-1[fedora-44-x86_64]',
      'copr_build:tier-1[fedora-44-aarch64]',
      'tests:tier-1[centos-stream-10-x86_64]',
      'tests:tier-1[centos-stream-10-aarch64]',
      'tests:tier-1[fedora-44-x86_64]',
      'tests:tier-1[fedora-44-aarch64]',
    ]);
    expect(node(graph, 'tests:tier-1[fedora-44-x86_64]').report).toBe(
      'testing-farm:fedora-44-x86_64:tier-1',
    );
  });

  it('names the propose-downstream statuses by dist-git branch (packit)', () => {
    const { graph } = graphOf(fixture('valid', 'packit__packit.yaml'), release('2.1.0'));
    expect(node(graph, 'propose_downstream[main]').report).toBe('propose-downstream:main');
    expect(node(graph, 'propose_downstream[epel10]').report).toBe('propose-downstream:epel10');
    expect(node(graph, 'copr_build[fedora-45-aarch64]').report).toBe(
      'rpm-build:2.1.0:fedora-45-aarch64',
    );
  });

  it('builds a monorepo on /packit build, and one package with --package (copr)', () => {
    const text = fixture('valid', 'fedora-copr__copr.yaml');
    // copr-cli: fedora-all on x86_64, aarch64 and ppc64le (4 each) + epel-all x86_64 (EPEL 8,
    // 9, and the two EPEL 10 chroots) = 16. The gating tests are manual and skip_build.
    const one = graphOf(text, packitComment('/packit --package copr-cli build')).graph;
    // One Copr build of the package for its 16 chroots, each chroot followed by its node.
    expect(one.nodes).toHaveLength(1 + 16);
    expect(one.nodes[0]).toMatchObject({ id: 'srpm:copr_build:copr-cli', report: null });
    expect(one.nodes.slice(1).every((n) => n.job === 'copr_build:copr-cli')).toBe(true);
    expect(node(one, 'copr_build:copr-cli[epel-8-x86_64]').report).toBe(
      'rpm-build:epel-8-x86_64:copr-cli',
    );
    const all = graphOf(text, packitComment('/packit build')).graph;
    // 5 packages × 4 + 4 packages × 16 + copr-rpmbuild (12 fedora + epel-9 + epel-8) 14,
    // and one Copr build of each of the 10 packages.
    expect(all.nodes).toHaveLength(5 * 4 + 4 * 16 + 14 + 10);
    expect(
      all.nodes.filter((n) => n.action.kind === 'activity' && n.action.handler === 'copr.build'),
    ).toHaveLength(10);
  });

  it('uses status_name_template (copr gating tests on /packit test)', () => {
    const text = fixture('valid', 'fedora-copr__copr.yaml');
    const { graph } = graphOf(text, packitComment('/packit test --identifier gating'));
    expect(ids(graph)).toEqual(['tests:gating[fedora-44-x86_64]']);
    expect(graph.nodes[0]).toMatchObject({
      report: 'packit/testing-farm/gating/copr-frontend',
      needs: [],
    });
  });
});

const INVALID: Record<string, { line: number; message: RegExp }> = {
  '11-unknown-key-in-job.yaml': { line: 8, message: /Unknown field\./ },
  '13-unknown-job-type.yaml': {
    line: 6,
    message: /Must be one of: propose_downstream, pull_from_upstream/,
  },
  '14-unknown-trigger.yaml': {
    line: 7,
    message: /Must be one of: release, pull_request, commit, koji_build, ignore\./,
  },
  '15-missing-trigger.yaml': { line: 6, message: /Missing data for required field\./ },
  '17-job-references-undefined-package.yaml': {
    line: 8,
    message: /Undefined package\(s\) referenced: pear\./,
  },
  '27-yaml-syntax-error.yaml': { line: 7, message: /Please correct data and retry\./ },
};

describe('invalid .packit.yaml files do not compile', () => {
  it('covers every invalid fixture', () => {
    expect(fixtureNames('invalid')).toEqual(Object.keys(INVALID).sort());
  });

  for (const name of fixtureNames('invalid')) {
    it(`${name} fails with Packit's meaning and a line`, () => {
      const result = compile(fixture('invalid', name), pullRequest());
      expect(result.status).toBe('invalid');
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const expected = INVALID[name]!;
      const match = errors.find((d) => expected.message.test(d.message));
      expect(match, JSON.stringify(errors)).toBeDefined();
      // The YAML error is reported where the parser notices it: on the bad line or just above.
      expect(Math.abs(match!.line - expected.line)).toBeLessThanOrEqual(
        name.startsWith('27') ? 1 : 0,
      );
      expect(match!.column).toBeGreaterThan(0);
    });
  }
});
