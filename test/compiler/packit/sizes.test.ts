// Issue 12 for the Packit front-end: its views (a job per package and trigger) and nodes (a
// view per target) are counted before they are made, each refusal one diagnostic at its job.
import { describe, expect, it } from 'vitest';
import { validatePackit } from '../../../src/compiler/index.js';
import { compile, graphOf, pullRequest } from './compile-helpers.js';

/** The one diagnostic of a refused file, as `line:col [rule] message`. */
function refusal(text: string): string {
  const result = validatePackit(text, { file: '.packit.yaml', repoName: 'app' });
  expect(result.ok).toBe(false);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  const d = errors[0]!;
  expect(compile(text, pullRequest()).status).toBe('invalid');
  return `${d.line}:${d.column} [${d.rule}] ${d.message}`;
}

const job = (type: string, extra = '') =>
  `  - job: ${type}\n    trigger: pull_request\n    targets: [fedora-45]\n${extra}`;

describe('job views', () => {
  it('refuses more than 1,000 jobs, at the first one too many', () => {
    const text = `specfile_path: app.spec\njobs:\n${Array.from({ length: 1001 }, () => job('copr_build')).join('')}`;
    expect(refusal(text)).toBe(
      '3003:5 [limits] with this job the file makes 1,001 job views (one per job, package and trigger); a Packit config may make at most 1,000',
    );
  });

  it('counts a job once per package of a monorepo and per trigger', () => {
    // 40 packages: the 13th job (jobs[12]) of two triggers makes views 961 to 1,040.
    const packages = Array.from(
      { length: 40 },
      (_, i) => `  p${i}: { specfile_path: p${i}.spec, paths: [p${i}] }`,
    );
    const jobs = Array.from(
      { length: 30 },
      () => `  - job: copr_build\n    trigger: pull_request | commit\n    targets: [fedora-45]\n`,
    );
    const text = `packages:\n${packages.join('\n')}\njobs:\n${jobs.join('')}`;
    expect(refusal(text)).toBe(
      '79:5 [limits] with this job the file makes 1,040 job views (one per job, package and trigger); a Packit config may make at most 1,000',
    );
  });

  it('refuses views that would copy a large inherited setting too many times', () => {
    // 200 kB of top-level settings inherited by each of 100 views: about 19 MiB of copies.
    const big = `srpm_build_deps: [${Array.from({ length: 20_000 }, (_, i) => `dep-${i}-x`).join(', ')}]`;
    const text = `specfile_path: app.spec\n${big}\njobs:\n${Array.from({ length: 100 }, () => job('copr_build')).join('')}`;
    expect(refusal(text)).toMatch(
      /^\d+:5 \[limits\] with this job the file's job views copy about 16\.\d MiB of settings \(each view its package's and the file's\); a Packit config may copy at most 16\.0 MiB$/,
    );
  });
});

describe('targets', () => {
  it('refuses more than 10,000 targets over the views, tests taking their build’s', () => {
    const targets = Array.from({ length: 6000 }, (_, i) => `      - fedora-45-arch${i}`).join('\n');
    const text = `specfile_path: app.spec\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets:\n${targets}\n  - job: tests\n    trigger: pull_request\n`;
    expect(refusal(text)).toBe(
      '6006:5 [limits] with this job the graph has 12,000 targets to build or test (over every package and trigger); a graph may have at most 10,000 nodes',
    );
  });

  it('refuses a job whose every target node would hold its whole config again', () => {
    // propose_downstream's input holds its config, 3,000 branches long, once per branch.
    const branches = Array.from({ length: 3000 }, (_, i) => `f${100 + i}`).join(', ');
    const text = `specfile_path: app.spec\njobs:\n  - job: propose_downstream\n    trigger: release\n    dist_git_branches: [${branches}]\n`;
    expect(refusal(text)).toMatch(
      /^3:5 \[limits\] with this job the graph takes about \d+\.\d MiB \(each target's node holds its job's settings\); a graph may take at most 16\.0 MiB$/,
    );
  });

  it('refuses an event whose aliases expand past the node limit, at "jobs"', () => {
    // 600 jobs of 10 targets as written (6,000), at least 4 releases per architecture: 12,000+.
    const aliases = ['x86_64', 'aarch64', 'ppc64le', 's390x', 'i386']
      .flatMap((arch) => [`fedora-all-${arch}`, `epel-all-${arch}`])
      .join(', ');
    const jobs = Array.from(
      { length: 600 },
      (_, i) =>
        `  - job: copr_build\n    trigger: pull_request\n    identifier: b${i}\n    targets: [${aliases}]\n`,
    );
    const text = `specfile_path: app.spec\njobs:\n${jobs.join('')}`;
    expect(validatePackit(text, { file: '.packit.yaml', repoName: 'app' }).ok).toBe(true);
    const result = compile(text, pullRequest());
    expect(result.status).toBe('invalid');
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} [${d.rule}] ${d.message}`)).toEqual(
      [
        expect.stringMatching(
          /^2:1 \[limits\] the jobs make \d{2},\d{3} nodes for this event once their targets are expanded; a graph may have at most 10,000$/,
        ),
      ],
    );
  });

  it('compiles a real-sized config as before', () => {
    const text = `specfile_path: app.spec\njobs:\n${job('copr_build')}${job('tests')}`;
    // The build's submission, the node following its chroot, the tests.
    expect(graphOf(text, pullRequest()).graph.nodes).toHaveLength(3);
  });
});
