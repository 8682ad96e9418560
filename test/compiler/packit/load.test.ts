// How a .packit.yaml becomes job views: Packit's loading rules (reference §1.2–1.3, §1.7).
import { describe, expect, it } from 'vitest';
import { errorsOf, load, loaded, warningsOf } from './helpers.js';

describe('inheritance', () => {
  const text = `
specfile_path: top.spec
owner: top
project: top
timeout: 1
packages:
  a:
    specfile_path: a.spec
    owner: package-a
    project: package-a
    timeout: 2
  b: {downstream_package_name: b}
jobs:
- job: copr_build
  trigger: pull_request
  project: job
  timeout: 3
  packages:
    a: {timeout: 4}
    b: {}
`;

  it('job.packages.X > job > packages.X > top level', () => {
    const [a, b] = loaded(text).jobs;
    // Each package's spec file is set before the top level is inherited, so top.spec is not.
    expect(a!.config).toMatchObject({
      specfile_path: 'a.spec',
      owner: 'package-a',
      project: 'job',
      timeout: 4,
    });
    expect(b!.config).toMatchObject({
      specfile_path: 'b.spec',
      owner: 'top',
      project: 'job',
      timeout: 3,
    });
  });

  it('gives each package its key as downstream_package_name, and its merged config', () => {
    const config = loaded(text);
    expect(config.monorepo).toBe(true);
    expect(config.packages.a).toMatchObject({ downstream_package_name: 'a', owner: 'package-a' });
    expect(config.packages.b).toMatchObject({ downstream_package_name: 'b', owner: 'top' });
  });

  it('a job that lists packages runs for those, in the order of `packages:`', () => {
    const views = loaded(`
packages: {x: {}, y: {}, z: {}}
jobs: [{job: tests, trigger: commit, skip_build: true, packages: [z, x]}]
`).jobs;
    expect(views.map((v) => v.package)).toEqual(['x', 'z']);
  });

  it('a job without packages runs for all of them', () => {
    const views = loaded(
      'packages: {x: {}, y: {}}\njobs: [{job: tests, trigger: commit, skip_build: true}]\n',
    ).jobs;
    expect(views.map((v) => v.package)).toEqual(['x', 'y']);
  });

  it('null unsets an inherited value (release_suffix: null)', () => {
    const [view] = loaded(`
release_suffix: "dev"
jobs: [{job: copr_build, trigger: commit, release_suffix: null}]
`).jobs;
    expect(view!.config.release_suffix).toBeNull();
  });

  it('keeps each view its own copy of shared values', () => {
    const [first, second] = loaded(`
targets: &t [fedora-all]
jobs: [{job: copr_build, trigger: commit}, {job: tests, trigger: commit, targets: *t}]
`).jobs;
    (first!.config.targets as string[]).push('epel-9');
    expect(second!.config.targets).toEqual(['fedora-all']);
  });
});

describe('a file without packages', () => {
  it('is one package named after downstream_package_name, with paths ["./"]', () => {
    const config = loaded('downstream_package_name: apple\njobs: []\n', 'repo');
    expect(config.monorepo).toBe(false);
    expect(Object.keys(config.packages)).toEqual(['apple']);
    expect(config.packages.apple).toMatchObject({
      downstream_package_name: 'apple',
      paths: ['./'],
    });
  });

  it('is named after the repository when it names no package', () => {
    const config = loaded('jobs: []\n', 'my-repo');
    expect(config.packages['my-repo']).toMatchObject({ downstream_package_name: 'my-repo' });
  });

  it('is called "package" when there is no name at all, without making one up downstream', () => {
    const config = loaded('jobs: []\n');
    expect(Object.keys(config.packages)).toEqual(['package']);
    expect(config.packages.package!.downstream_package_name).toBeUndefined();
  });
});

describe('jobs', () => {
  it("defaults to Packit's three jobs when `jobs` is absent", () => {
    const config = loaded('specfile_path: x.spec\n');
    expect(config.defaultJobs).toBe(true);
    expect(config.jobs.map((j) => [j.type, j.trigger, j.path])).toEqual([
      ['copr_build', 'pull_request', null],
      ['tests', 'pull_request', null],
      ['propose_downstream', 'release', null],
    ]);
    expect(config.jobs[0]!.config.targets).toEqual(['fedora-stable']);
    expect(config.jobs[2]!.config.dist_git_branches).toEqual(['fedora-all']);
  });

  it('has none with `jobs: []`', () => {
    const config = loaded('jobs: []\n');
    expect(config.defaultJobs).toBe(false);
    expect(config.jobs).toEqual([]);
  });

  it('splits "commit | koji_build" into one view per trigger, in order', () => {
    const views = loaded('jobs: [{job: koji_build, trigger: " commit |koji_build "}]\n').jobs;
    expect(views.map((v) => [v.index, v.trigger, v.path])).toEqual([
      [0, 'commit', ['jobs', 0]],
      [0, 'koji_build', ['jobs', 0]],
    ]);
  });

  it('orders views by job, then trigger, then package', () => {
    const views = loaded(`
packages: {p: {specfile_path: p.spec}, q: {specfile_path: q.spec}}
jobs:
- {job: koji_build, trigger: commit | koji_build}
- {job: tests, trigger: pull_request, packages: [q]}
`).jobs;
    expect(views.map((v) => `${v.index}/${v.trigger}/${v.package}`)).toEqual([
      '0/commit/p',
      '0/commit/q',
      '0/koji_build/p',
      '0/koji_build/q',
      '1/pull_request/q',
    ]);
  });

  it('identifies a view by its package when the file has several packages', () => {
    const views = loaded(`
packages: {p: {downstream_package_name: p}, q: {downstream_package_name: q}}
jobs: [{job: tests, trigger: commit}, {job: tests, trigger: commit, identifier: smoke, packages: [q]}]
`).jobs;
    expect(views.map((v) => v.identifier)).toEqual(['p', 'q', 'smoke']);
    expect(
      loaded('packages: {p: {specfile_path: p.spec}}\njobs: [{job: tests, trigger: commit}]\n')
        .jobs[0]!.identifier,
    ).toBeNull();
  });

  it('reads job-only keys into the view and keeps them out of config', () => {
    const [view] = loaded(`
jobs:
- job: bodhi_update
  trigger: koji_build
  skip_build: "yes"
  manual_trigger: true
  labels: [smoke]
  sidetag_group: g
  dependencies: [a, b]
`).jobs;
    expect(view).toMatchObject({
      skip_build: true,
      manual_trigger: true,
      labels: ['smoke'],
      sidetag_group: 'g',
      dependencies: ['a', 'b'],
    });
    expect(Object.keys(view!.config)).not.toContain('skip_build');
    expect(Object.keys(view!.config)).not.toContain('job');
  });
});

describe("YAML as Packit's PyYAML reads it", () => {
  it('drops the top-level `_` and applies merge keys from its anchors', () => {
    const config = loaded(`
_:
  - &base {job: tests, trigger: pull_request, tmt_plan: smoke}
jobs:
- <<: *base
  identifier: one
`);
    expect(config.jobs[0]).toMatchObject({ type: 'tests', identifier: 'one' });
    expect(config.jobs[0]!.config.tmt_plan).toBe('smoke');
    expect(Object.keys(config.packages.package!)).not.toContain('_');
  });

  it('lets the later of two merge keys win, and explicit keys win over both', () => {
    const [view] = loaded(`
_:
  - &a {job: tests, trigger: commit, fmf_url: a, fmf_ref: a}
  - &b {fmf_url: b, fmf_path: b}
jobs:
- <<: *a
  <<: *b
  fmf_path: explicit
`).jobs;
    expect(view!.config).toMatchObject({ fmf_url: 'b', fmf_ref: 'a', fmf_path: 'explicit' });
  });

  it('reads YAML 1.1 booleans (yes, on) but keeps y and n strings', () => {
    const [view] = loaded(`
jobs: [{job: copr_build, trigger: commit, enable_net: yes, preserve_project: on, env: {A: y, B: n}}]
`).jobs;
    expect(view!.config).toMatchObject({
      enable_net: true,
      preserve_project: true,
      env: { A: 'y', B: 'n' },
    });
  });

  it('keeps a plain "." a string (the `yaml` library reads it as NaN)', () => {
    const [view] = loaded(
      'jobs: [{job: propose_downstream, trigger: release, files_to_sync: [{src: x, dest: .}]}]\n',
    ).jobs;
    expect(view!.config.files_to_sync).toEqual([{ src: 'x', dest: '.' }]);
  });

  it('takes marshmallow\'s spellings: "7200", "True", spec_source_id 1', () => {
    const [view] = loaded(`
spec_source_id: 1
jobs: [{job: copr_build, trigger: commit, timeout: "7200", enable_net: "True", targets: fedora-all}]
`).jobs;
    expect(view!.config).toMatchObject({
      timeout: 7200,
      enable_net: true,
      spec_source_id: 'Source1',
      targets: ['fedora-all'],
    });
  });

  it('an empty file is {}: one package, the default jobs', () => {
    const config = loaded('', 'repo');
    expect(config.defaultJobs).toBe(true);
    expect(config.jobs).toHaveLength(3);
  });

  it('a repeated key is a warning and the last one wins, as in PyYAML', () => {
    const text = 'jobs:\n- job: tests\n  trigger: commit\n  tmt_plan: a\n  tmt_plan: b\n';
    expect(warningsOf(text).map((d) => [d.line, d.message])).toEqual([
      [5, expect.stringMatching(/duplicate key "tmt_plan".*last one is used/)],
    ]);
    expect(loaded(text).jobs[0]!.config.tmt_plan).toBe('b');
  });
});

describe('deprecated keys', () => {
  it('merges `metadata:` into the job, with a warning', () => {
    const text =
      'jobs:\n- job: copr_build\n  trigger: commit\n  metadata:\n    targets: fedora-all\n    owner: me\n';
    const result = load(text);
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.config.jobs[0]!.config).toMatchObject({ targets: ['fedora-all'], owner: 'me' });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        line: 4,
        severity: 'warning',
        message: expect.stringMatching(
          /"metadata" is deprecated.*Packit: "The 'metadata' key in jobs is deprecated/,
        ) as unknown,
      }),
    ]);
  });

  it('refuses a metadata field written next to `metadata:`, as Packit does, where it is written', () => {
    const errors = errorsOf(
      'jobs:\n- job: copr_build\n  trigger: commit\n  owner: a\n  metadata:\n    project: b\n',
    );
    expect(errors.map((d) => [d.line, d.message])).toEqual([
      [
        4,
        expect.stringMatching(
          /"owner" is written in job 1 \(copr_build\), which also has the deprecated "metadata".*Keys: \{'owner'\} are defined outside job metadata dictionary/,
        ),
      ],
    ]);
  });

  it("lets metadata targets win over the job's, with a warning (Packit compares `_targets`)", () => {
    const text =
      'jobs:\n- job: copr_build\n  trigger: commit\n  targets: [a]\n  metadata:\n    targets: [b]\n';
    expect(loaded(text).jobs[0]!.config.targets).toEqual(['b']);
    expect(warningsOf(text).map((d) => d.line)).toEqual([5, 6]);
  });

  it('renames dist_git_branch and dist-git-branch in metadata to dist_git_branches, with a warning', () => {
    const text =
      'jobs:\n- job: propose_downstream\n  trigger: release\n  metadata:\n    dist_git_branch: f43\n';
    expect(loaded(text).jobs[0]!.config).toMatchObject({ dist_git_branches: ['f43'] });
    expect(loaded(text).jobs[0]!.config).not.toHaveProperty('dist_git_branch');
    expect(warningsOf(text).map((d) => [d.line, d.message])).toContainEqual([
      5,
      expect.stringMatching(
        /"dist_git_branch" is deprecated: rename it "dist_git_branches".*has been renamed to 'dist_git_branches'/,
      ),
    ]);
    // Outside metadata Packit does not know the old name at all.
    expect(errorsOf(text.replace('  metadata:\n    ', '  '))[0]!.message).toMatch(
      /unknown key "dist_git_branch" in job 1 \(propose_downstream\); it was renamed "dist_git_branches".*"Unknown field\."/,
    );
  });

  it('accepts dist_git_url, warns that it is not processed, and drops it', () => {
    const text = 'dist_git_url: https://src.fedoraproject.org/rpms/x\njobs: []\n';
    expect(warningsOf(text)[0]!.message).toMatch(/'dist_git_url' is no longer being processed/);
    expect(loaded(text).packages.package).not.toHaveProperty('dist_git_url');
  });
});
