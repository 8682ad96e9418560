// Each mistake is reported once, where it is written, in forgeflow's words then Packit's.
import { describe, expect, it } from 'vitest';
import { errorsOf, load, warningsOf } from './helpers.js';

const only = (text: string) => {
  const errors = errorsOf(text);
  expect(errors, JSON.stringify(errors, null, 2)).toHaveLength(1);
  return errors[0]!;
};

describe('once, where it is written', () => {
  it('a bad top-level value is one error, with 3 jobs and 2 packages inheriting it', () => {
    const error = only(`
create_pr: maybe
packages:
  a: {specfile_path: a.spec}
  b: {specfile_path: b.spec}
jobs:
- {job: copr_build, trigger: pull_request}
- {job: tests, trigger: pull_request}
- {job: propose_downstream, trigger: release}
`);
    expect(error).toMatchObject({ line: 2, column: 12, rule: 'schema' });
    expect(error.message).toBe(
      `"create_pr" at the top level must be true or false, not a string ('maybe') (Packit: "Not a valid boolean.")`,
    );
  });

  it('a bad top-level value is one error when the default jobs inherit it too', () => {
    expect(only('env: A=B\n')).toMatchObject({
      line: 1,
      message: expect.stringMatching(/Not a valid mapping type/) as unknown,
    });
  });

  it('a mistake in an anchor merged into two jobs is one error, at the anchor', () => {
    const error = only(`
_:
  - &base
    job: tests
    trigger: pull_request
    tmt_pln: smoke
jobs:
- {<<: *base, identifier: one}
- {<<: *base, identifier: two}
`);
    expect(error).toMatchObject({ line: 6, column: 5 });
    expect(error.message).toMatch(
      /^unknown key "tmt_pln" in job 1 \(tests\); did you mean "tmt_plan"\? \(Packit: "Unknown field\."\)$/,
    );
  });

  it('a package-level mistake is reported in the package', () => {
    const error = only('packages:\n  a:\n    specfile_pth: a.spec\njobs: []\n');
    expect(error).toMatchObject({ line: 3, column: 5 });
    expect(error.message).toMatch(
      /unknown key "specfile_pth" in package "a"; did you mean "specfile_path"\?/,
    );
  });

  it("a mistake in a job's package override names both", () => {
    const error = only(
      'packages: {a: {specfile_path: a.spec}}\njobs:\n- job: tests\n  trigger: commit\n  packages:\n    a: {timeout: soon}\n',
    );
    expect(error.message).toMatch(
      /^"timeout" of package "a" of job 1 \(tests\) must be a whole number/,
    );
  });
});

describe('unknown keys', () => {
  it.each([
    ['unknown: key', /unknown key "unknown" in job 1 \(copr_build\) \(Packit: "Unknown field\."\)/],
    ['trigers: commit', /did you mean "trigger"\?/],
    ['synced_files: [a]', /it was replaced by "files_to_sync"/],
    ['package: x', /did you mean "packages"\?/],
  ])('%s in a job', (line, message) => {
    const errors = errorsOf(`jobs:\n- job: copr_build\n  trigger: commit\n  ${line}\n`);
    expect(errors.find((d) => d.line === 4)?.message).toMatch(message);
  });

  it('a job-only key outside a job says where it belongs', () => {
    expect(only('skip_build: true\n').message).toMatch(/"skip_build" can only be set in a job/);
    expect(only('packages: {a: {specfile_path: a.spec, metadata: {}}}\n').message).toMatch(
      /"metadata" can only be set in a job/,
    );
  });

  it('an unknown action names the actions', () => {
    const error = only('actions:\n  post-upstream-clon: make\n');
    expect(error).toMatchObject({ line: 2, column: 3 });
    expect(error.message).toMatch(
      /unknown action "post-upstream-clon" in "actions" at the top level; did you mean "post-upstream-clone"\? \(Packit: "Unknown action\(s\) provided: \['post-upstream-clon'\]"\)/,
    );
  });
});

describe('job type and trigger', () => {
  it('an unknown job type lists the types', () => {
    const error = only('jobs:\n- job: copr-build\n  trigger: commit\n');
    expect(error).toMatchObject({ line: 2, column: 8, rule: 'packit' });
    expect(error.message).toMatch(
      /^"copr-build" is not a Packit job type \(did you mean "copr_build"\?\); use one of: propose_downstream, /,
    );
    expect(error.message).toMatch(
      /\(Packit: "Must be one of: propose_downstream, .*, koji_build_tag\."\)$/,
    );
  });

  it('an unknown part of a split trigger is named', () => {
    const error = only('jobs:\n- job: koji_build\n  trigger: commit | push\n');
    expect(error.message).toMatch(/^"push" is not a Packit trigger \(did you mean "commit"\?\)/);
  });

  it('a missing job or trigger', () => {
    expect(only('jobs:\n- trigger: commit\n').message).toMatch(
      /^job 1 has no "job".*Missing data for required field/,
    );
    expect(only('jobs:\n- job: tests\n').message).toMatch(
      /^job 1 \(tests\) has no "trigger"; add one of: release, /,
    );
  });

  it('a job type on a trigger Packit never runs it on is a warning', () => {
    const text = 'jobs:\n- job: vm_image_build\n  trigger: commit | pull_request\n';
    expect(load(text).ok).toBe(true);
    expect(warningsOf(text).map((d) => d.message)).toEqual([
      'vm_image_build never runs on "commit": Packit starts it only on pull_request',
    ]);
    expect(warningsOf('jobs: [{job: propose_downstream, trigger: ignore}]\n')).toEqual([]);
  });
});

describe('values', () => {
  it.each([
    [
      'targets: 5',
      /"targets" at the top level must be .*Expected 'list\[str\]' or 'dict\[str,dict\]', got 5 \(type <class 'int'>\)/,
    ],
    [
      'targets: {epel-8: {with_opt: [x]}}',
      /unknown setting "with_opt" of target "epel-8".*did you mean "with_opts"\?.*Unknown key 'with_opt' in \{'with_opt': \['x'\]\}/,
    ],
    ['targets: {epel-8: {distros: centos-8}}', /Expected list\[str\], got 'centos-8'/],
    ['targets: {epel-8: }', /"targets.epel-8" at the top level must be a mapping/],
    [
      'dist_git_branches: {rawhide: {fast_forward: [f43]}}',
      /a branch takes only fast_forward_merge_into/,
    ],
    ['dist_git_branches: 7', /Expected 'list\[str\]' or 'dict\[str, dict\[str, list\]\]'/],
    [
      'actions: [make]',
      /"actions" at the top level must be a mapping.*'dict' required, got <class 'list'>\./,
    ],
    ['files_to_sync: [{src: 1, dest: x}]', /Expected 'list\[str\]' or 'str', got <class 'int'>/],
    ['files_to_sync: [{src: x}]', /"files_to_sync\[0\]" at the top level has no "dest"/],
    [
      'packit_instances: [prod, staging]',
      /"staging" is not allowed.*Must be one of: dev, stg, prod\./,
    ],
    [
      'upstream_package_name: org/name',
      /no "\/" \(Packit: "Repository name must be a valid filename\."\)/,
    ],
    ['env: A=B', /"env" at the top level must be a mapping.*Not a valid mapping type\./],
    [
      'notifications: yes',
      /"notifications" at the top level must be a mapping.*Invalid input type\./,
    ],
    ['bootstrap: off', /YAML reads unquoted on\/off\/yes\/no as false: quote the word/],
    [
      'version_update_specifiers: ">=2, later"',
      /"later" is not a PEP 440 version specifier.*Invalid version specifier set/,
    ],
    ['timeout: soon', /"timeout" at the top level must be a whole number.*Not a valid integer\./],
    ['jobs: {copr_build: {}}', /"jobs" at the top level must be a list.*Not a valid list\./],
  ])('%s', (line, message) => {
    expect(only(`${line}\n`).message).toMatch(message);
  });

  it("a job's packages must be a list or a mapping of defined packages", () => {
    expect(only('jobs: [{job: tests, trigger: commit, packages: apple}]\n').message).toMatch(
      /Type is <class 'str'> instead of 'list' or 'dict'\./,
    );
    const error = only(
      'packages: {apple: {}}\njobs:\n- job: tests\n  trigger: commit\n  packages: {pear: {}}\n',
    );
    expect(error).toMatchObject({ line: 5, column: 14 });
    expect(error.message).toMatch(
      /names package "pear", which this file does not define.*Undefined package\(s\) referenced: pear\./,
    );
  });

  it('warns about an identifier with ":"; refuses an empty packages mapping', () => {
    expect(warningsOf('identifier: "a:b"\njobs: []\n')[0]!.message).toMatch(/contains ":"/);
    expect(only('packages: {}\n').message).toMatch(/"packages" defines no package/);
  });

  it("a YAML syntax error keeps the parser's words and adds Packit's", () => {
    const error = only('jobs:\n- job: tests\n  trigger: [commit\n');
    expect(error.rule).toBe('syntax');
    expect(error.message).toMatch(/\(Packit: "Please correct data and retry\."\)$/);
  });
});
