// The loader against Packit's own schema (packit/schema.py, config/package_config.py at
// 69d783e8), rule by rule: each case is a small file and what Packit does with it (checked by
// running Packit's schema on it), and forgeflow must do the same. docs/packit.md's table
// names these tests. Deliberate differences are at the end, each with its reason.
import { describe, expect, it } from 'vitest';
import { PACKAGE_KEYS } from '../../../src/compiler/packit/schema.js';
import { load, loaded } from './helpers.js';

type Verdict = 'accept' | RegExp;

interface Case {
  name: string;
  yaml: string;
  /** accept, or refuse with an error whose message matches; `line` is where it points. */
  expect: Verdict;
  line?: number;
}

function check({ yaml, expect: verdict, line }: Case): void {
  const result = load(yaml, 'myrepo');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const shown = JSON.stringify(
    errors.map((d) => `${d.line}: ${d.message}`),
    null,
    2,
  );
  if (verdict === 'accept') {
    expect(result.ok, shown).toBe(true);
    return;
  }
  expect(result.ok, 'expected a refusal').toBe(false);
  const match = errors.find((d) => verdict.test(d.message));
  expect(match, shown).toBeDefined();
  if (line !== undefined) expect(match!.line, shown).toBe(line);
}

const NULL_MESSAGE = /Field may not be null\./;

/** CommonConfigSchema fields with load_default=None (marshmallow then allows None). */
const NULL_ACCEPTED = [
  'additional_packages',
  'additional_repos',
  'allowed_builders',
  'allowed_committers',
  'allowed_gpg_keys',
  'allowed_pr_authors',
  'bodhi_extra_params',
  'bootstrap',
  'branch',
  'config_file_path',
  'copr_chroot',
  'csmock_args',
  'dist_git_base_url',
  'dist_git_branches',
  'dist_git_namespace',
  'env',
  'fmf_path',
  'fmf_ref',
  'fmf_url',
  'identifier',
  'image_customizations',
  'image_distribution',
  'image_request',
  'issue_repository',
  'owner',
  'parse_time_macros',
  'patch_generation_ignore_paths',
  'pkg_tool',
  'prerelease_suffix_macro',
  'project',
  'release_suffix',
  'sig',
  'sources',
  'srpm_build_deps',
  'status_name_template',
  'targets',
  'tf_extra_params',
  'tf_post_install_script',
  'tmt_plan',
  'upstream_package_name',
  'upstream_project_url',
  'upstream_ref',
  'version_suffix',
  'version_update_mask',
  'version_update_specifiers',
];

/** CommonConfigSchema fields without it: "Field may not be null." */
const NULL_REFUSED = [
  'actions',
  'archive_root_dir_template',
  'clone_repos_before_run_condition',
  'copy_upstream_release_description',
  'create_pr',
  'create_sync_note',
  'dist_git_url',
  'enable_net',
  'files_to_sync',
  'list_on_homepage',
  'merge_pr_in_ci',
  'module_hotfixes',
  'notifications',
  'osh_diff_scan_after_copr_build',
  'osh_options',
  'packit_instances',
  'patch_generation_patch_id_digits',
  'paths',
  'prerelease_suffix_pattern',
  'preserve_project',
  'preserve_spec',
  'require',
  'scratch',
  'skip_missing_branched_composes',
  'spec_source_id',
  'sync_changelog',
  'sync_test_job_statuses_with_builds',
  'test_command',
  'timeout',
  'update_release',
  'upload_sources',
  'upstream_tag_exclude',
  'upstream_tag_include',
  'upstream_tag_template',
  'use_internal_tf',
  'use_target_repo_for_fmf_url',
];

/** Their own rows below: a null name or spec file is about packages, not the field. */
const OWN_ROWS = ['specfile_path', 'downstream_package_name'];

/** `key:` written with no value at each of the four levels a package key may be written. */
function atEveryLevel(key: string): { level: string; yaml: string; line: number }[] {
  return [
    { level: 'top', yaml: `specfile_path: a.spec\n${key}:\n`, line: 2 },
    {
      level: 'job',
      yaml: `specfile_path: a.spec\njobs:\n- job: copr_build\n  trigger: pull_request\n  ${key}:\n`,
      line: 5,
    },
    {
      level: 'packages.a',
      yaml: `packages:\n  a:\n    specfile_path: a.spec\n    ${key}:\n`,
      line: 4,
    },
    {
      level: 'jobs[0].packages.a',
      yaml: `packages:\n  a: {specfile_path: a.spec}\njobs:\n- job: copr_build\n  trigger: pull_request\n  packages:\n    a:\n      ${key}:\n`,
      line: 8,
    },
  ];
}

describe('null: a key written with no value', () => {
  it('every package-level key is in exactly one list (so each has a row)', () => {
    const listed = [...NULL_ACCEPTED, ...NULL_REFUSED, ...OWN_ROWS].sort();
    expect(listed).toEqual(Object.keys(PACKAGE_KEYS).sort());
  });

  describe.each(NULL_ACCEPTED)('%s (allow_none): accepted as unset', (key) => {
    it.each(atEveryLevel(key))('at $level', ({ yaml }) =>
      check({ name: key, yaml, expect: 'accept' }),
    );
  });

  describe.each(NULL_REFUSED)('%s (no allow_none): refused', (key) => {
    it.each(atEveryLevel(key))('at $level', ({ yaml, line }) =>
      check({ name: key, yaml, expect: NULL_MESSAGE, line }),
    );
  });

  it('an unset value does not override an inherited one', () => {
    const [view] = loaded(
      'specfile_path: a.spec\nowner: me\njobs:\n- {job: copr_build, trigger: commit, project: null}\n',
    ).jobs;
    expect(view!.config).toMatchObject({ owner: 'me', project: null });
  });
});

const JOB = 'specfile_path: a.spec\njobs:\n- job: copr_build\n  trigger: pull_request\n';
const TWO = 'packages: {a: {specfile_path: a.spec}, b: {specfile_path: b.spec}}\n';

const ROWS: Record<string, Case[]> = {
  'nested null values': [
    { name: 'require.label: null', yaml: `${JOB}  require: {label: null}\n`, expect: 'accept' },
    { name: 'require.label: {}', yaml: `${JOB}  require: {label: {}}\n`, expect: 'accept' },
    {
      name: 'require.label.present: null',
      yaml: `${JOB}  require: {label: {present: null}}\n`,
      expect: NULL_MESSAGE,
      line: 5,
    },
    {
      name: 'notifications.pull_request: null',
      yaml: `${JOB}  notifications: {pull_request: null}\n`,
      expect: NULL_MESSAGE,
      line: 5,
    },
    {
      name: 'notifications.failure_comment.message: null',
      yaml: `${JOB}  notifications: {failure_comment: {message: null}}\n`,
      expect: 'accept',
    },
    {
      name: 'test_command defaults null',
      yaml: `${JOB}  test_command: {default_labels: null, default_identifier: null}\n`,
      expect: 'accept',
    },
    {
      name: 'osh_options.analyzer: null',
      yaml: `${JOB}  osh_options: {analyzer: null}\n`,
      expect: 'accept',
    },
    {
      name: 'sources[].url: null',
      yaml: `${JOB}  sources: [{path: a, url: null}]\n`,
      expect: NULL_MESSAGE,
      line: 5,
    },
    {
      name: 'files_to_sync[].filters: null',
      yaml: `${JOB}  files_to_sync: [{src: a, dest: a, filters: null}]\n`,
      expect: 'accept',
    },
    {
      name: 'files_to_sync[].dest: null',
      yaml: `${JOB}  files_to_sync: [{src: a, dest: null}]\n`,
      expect: /must be a string/,
    },
    {
      name: 'actions.<name>: null',
      yaml: `${JOB}  actions: {create-archive: null}\n`,
      expect: 'accept',
    },
    {
      name: 'a target with no settings (null)',
      yaml: `${JOB}  targets: {fedora-all: }\n`,
      expect: /Expected 'list\[str\]' or 'dict\[str,dict\]'|must be/,
    },
    {
      name: 'additional_modules: null',
      yaml: `${JOB}  targets: {epel-9: {additional_modules: null}}\n`,
      expect: /must be a string/,
    },
    {
      name: 'a branch with no settings (null)',
      yaml: `${JOB}  dist_git_branches: {f43: }\n`,
      expect: /must be/,
    },
    {
      name: 'fast_forward_merge_into: null',
      yaml: `${JOB}  dist_git_branches: {rawhide: {fast_forward_merge_into: null}}\n`,
      expect: 'accept',
    },
  ],
  'job-only keys with no value': [
    {
      name: 'skip_build, manual_trigger, labels, packages, sidetag_group, dependents, dependencies',
      yaml: `${JOB}  skip_build:\n  manual_trigger:\n  labels:\n  packages:\n  sidetag_group:\n  dependents:\n  dependencies:\n`,
      expect: 'accept',
    },
    {
      name: 'job: null is a missing job',
      yaml: 'specfile_path: a.spec\njobs:\n- {job: null, trigger: pull_request}\n',
      expect: /has no "job".*Missing data for required field\./,
      line: 3,
    },
    {
      name: 'trigger: null is a missing trigger',
      yaml: 'specfile_path: a.spec\njobs:\n- {job: copr_build, trigger: null}\n',
      expect: /has no "trigger".*Missing data for required field\./,
      line: 3,
    },
    {
      name: 'trigger: "" is no trigger',
      yaml: 'specfile_path: a.spec\njobs:\n- {job: copr_build, trigger: ""}\n',
      expect: /Must be one of: release/,
    },
    {
      name: 'a job that is null',
      yaml: 'specfile_path: a.spec\njobs:\n- null\n',
      expect: /must be a mapping|Invalid input type/,
    },
  ],
  'metadata (deprecated)': [
    { name: 'metadata: null', yaml: `${JOB}  metadata:\n`, expect: 'accept' },
    { name: 'metadata: {}', yaml: `${JOB}  metadata: {}\n`, expect: 'accept' },
    {
      name: 'metadata.targets: null',
      yaml: `${JOB}  metadata: {targets: null}\n`,
      expect: 'accept',
    },
    {
      name: 'metadata.timeout: null',
      yaml: `${JOB}  metadata: {timeout: null}\n`,
      expect: NULL_MESSAGE,
    },
    {
      name: 'metadata.skip_build: null',
      yaml: `${JOB}  metadata: {skip_build: null}\n`,
      expect: NULL_MESSAGE,
    },
  ],
  'empty strings and lists': [
    { name: 'identifier: ""', yaml: `${JOB}  identifier: ""\n`, expect: 'accept' },
    {
      name: 'upstream_package_name: ""',
      yaml: `${JOB}  upstream_package_name: ""\n`,
      expect: 'accept',
    },
    {
      name: 'version_update_specifiers: ""',
      yaml: `${JOB}  version_update_specifiers: ""\n`,
      expect: 'accept',
    },
    {
      name: 'bootstrap: ""',
      yaml: `${JOB}  bootstrap: ""\n`,
      expect: /Must be one of: default, on, off, image\./,
    },
    { name: 'paths: []', yaml: 'specfile_path: a.spec\npaths: []\n', expect: 'accept' },
    {
      name: 'packit_instances: []',
      yaml: 'specfile_path: a.spec\npackit_instances: []\n',
      expect: 'accept',
    },
    {
      name: 'files_to_sync: []',
      yaml: 'specfile_path: a.spec\nfiles_to_sync: []\n',
      expect: 'accept',
    },
    { name: 'targets: []', yaml: `${JOB}  targets: []\n`, expect: 'accept' },
    { name: 'actions: {}', yaml: 'specfile_path: a.spec\nactions: {}\n', expect: 'accept' },
  ],
  'top-level structure': [
    {
      name: 'packages: {}',
      yaml: 'packages: {}\n',
      expect: /"packages" defines no package.*StopIteration/,
      line: 1,
    },
    { name: 'packages: null', yaml: 'packages:\n', expect: /must be a mapping/ },
    { name: 'jobs: null', yaml: 'specfile_path: a.spec\njobs:\n', expect: /must be a list/ },
    {
      name: 'a job package override that is null',
      yaml: `${TWO}jobs:\n- {job: copr_build, trigger: pull_request, packages: {a: null}}\n`,
      expect: /must be a mapping/,
    },
    {
      name: 'downstream_package_name: null without packages',
      yaml: 'specfile_path: a.spec\ndownstream_package_name:\n',
      expect: /names the package.*Field may not be null\./,
      line: 2,
    },
    {
      name: 'downstream_package_name: "" with a spec file',
      yaml: 'specfile_path: a.spec\ndownstream_package_name: ""\n',
      expect: 'accept',
    },
    {
      name: 'downstream_package_name: null in a package',
      yaml: 'packages:\n  a: {specfile_path: a.spec, downstream_package_name: null}\n',
      expect: 'accept',
    },
  ],
  'one name where a list is meant': [
    {
      name: 'targets: name at the top level',
      yaml: 'specfile_path: a.spec\ntargets: fedora-all\n',
      expect: /write it as a list, \[fedora-all\].*got 'fedora-all' \(type <class 'str'>\)/,
      line: 2,
    },
    {
      name: 'targets: name in packages.a',
      yaml: 'packages:\n  a: {specfile_path: a.spec, targets: fedora-all}\n',
      expect: /write it as a list/,
      line: 2,
    },
    {
      name: 'dist_git_branches: name at the top level',
      yaml: 'specfile_path: a.spec\ndist_git_branches: f43\n',
      expect: /write it as a list[\s\S]*Example ->/,
      line: 2,
    },
    { name: 'targets: name in a job', yaml: `${JOB}  targets: fedora-all\n`, expect: 'accept' },
    {
      name: 'dist_git_branches: name in a job',
      yaml: `${JOB}  dist_git_branches: f43\n`,
      expect: 'accept',
    },
    {
      name: "targets: name in a job's package",
      yaml: `${TWO}jobs:\n- {job: copr_build, trigger: pull_request, packages: {a: {targets: fedora-all}}}\n`,
      expect: 'accept',
    },
    {
      name: 'targets: name in metadata',
      yaml: `${JOB}  metadata: {targets: fedora-all}\n`,
      expect: 'accept',
    },
  ],
  'keys Packit does not know': [
    {
      name: 'dist_git_branch at the top level',
      yaml: 'specfile_path: a.spec\ndist_git_branch: f43\n',
      expect: /unknown key "dist_git_branch".*renamed "dist_git_branches".*Unknown field\./,
    },
    {
      name: 'dist-git-branch in a job',
      yaml: `${JOB}  dist-git-branch: f43\n`,
      expect: /unknown key "dist-git-branch"/,
    },
    {
      name: 'dist_git_branch in metadata',
      yaml: `${JOB}  metadata: {dist_git_branch: f43}\n`,
      expect: 'accept',
    },
    {
      name: 'follow_fedora_branching',
      yaml: 'specfile_path: a.spec\nfollow_fedora_branching: true\n',
      expect: /unknown key "follow_fedora_branching".*Unknown field\./,
    },
  ],
  actions: [
    {
      name: 'a command as a list of words',
      yaml: 'specfile_path: a.spec\nactions: {create-archive: [[make, dist], "ls *.tar.gz"]}\n',
      expect: 'accept',
    },
    {
      name: 'actions: a list',
      yaml: 'specfile_path: a.spec\nactions: [make]\n',
      expect: /'dict' required/,
    },
  ],
};

/** The monorepo rule: Packit's specfile_path_defined after set_defaults. */
const SPECFILES: Case[] = [
  {
    name: 'a package without a spec file, built by a job',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect:
      /package "a" has no spec file, and job 1 \(copr_build\) needs its spec file.*'specfile_path' is not specified or no specfile was found in the repo/,
    line: 2,
  },
  {
    name: 'the default jobs need it too',
    yaml: 'packages:\n  a: {}\n',
    expect:
      /the default copr_build job, the default tests job, the default propose_downstream job need its spec file/,
    line: 2,
  },
  {
    name: "the top level's specfile_path is not inherited",
    yaml: 'specfile_path: top.spec\npackages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect: /the top-level "specfile_path" is not inherited/,
    line: 3,
  },
  {
    name: "nor the top level's downstream_package_name",
    yaml: 'downstream_package_name: top\npackages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect: /package "a" has no spec file/,
  },
  {
    name: "the package's downstream_package_name names it",
    yaml: 'packages:\n  a: {downstream_package_name: a}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect: 'accept',
  },
  {
    name: 'the job may set it',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request, specfile_path: x.spec}\n',
    expect: 'accept',
  },
  {
    name: "the job's package override may set it",
    yaml: 'packages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request, packages: {a: {specfile_path: x.spec}}}\n',
    expect: 'accept',
  },
  {
    name: 'an empty one in the job wins over the package',
    yaml: 'packages:\n  a: {specfile_path: a.spec}\njobs:\n- {job: copr_build, trigger: pull_request, specfile_path: ""}\n',
    expect: /"specfile_path" is empty here, so package "a" has no spec file/,
    line: 4,
  },
  { name: 'no jobs, no need', yaml: 'packages:\n  a: {}\njobs: []\n', expect: 'accept' },
  {
    name: 'tests with skip_build need none',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: tests, trigger: pull_request, skip_build: true}\n',
    expect: 'accept',
  },
  {
    name: 'skip_build "yes" (marshmallow)',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: tests, trigger: pull_request, skip_build: "yes"}\n',
    expect: 'accept',
  },
  {
    name: 'skip_build in metadata',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: tests, trigger: pull_request, metadata: {skip_build: true}}\n',
    expect: 'accept',
  },
  {
    name: 'tests without skip_build need one',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: tests, trigger: pull_request}\n',
    expect: /package "a" has no spec file/,
  },
  {
    name: 'manual_trigger does not exempt',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: copr_build, trigger: pull_request, manual_trigger: true}\n',
    expect: /package "a" has no spec file/,
  },
  {
    name: 'trigger ignore does not exempt',
    yaml: 'packages:\n  a: {}\njobs:\n- {job: copr_build, trigger: ignore}\n',
    expect: /package "a" has no spec file/,
  },
  {
    name: 'a package no job selects needs none',
    yaml: 'packages:\n  a: {}\n  b: {specfile_path: b.spec}\njobs:\n- {job: copr_build, trigger: pull_request, packages: [b]}\n',
    expect: 'accept',
  },
  {
    name: 'an empty specfile_path is none',
    yaml: 'packages:\n  a: {specfile_path: ""}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect: /package "a" has no spec file/,
  },
  {
    name: 'an empty downstream_package_name names none',
    yaml: 'packages:\n  a: {downstream_package_name: ""}\njobs:\n- {job: copr_build, trigger: pull_request}\n',
    expect: /package "a" has no spec file/,
  },
];

describe.each(Object.entries(ROWS))('%s', (_, cases) => {
  it.each(cases)('$name', (c) => check(c));
});

describe('monorepo: each package a job builds needs a spec file', () => {
  it.each(SPECFILES)('$name', (c) => check(c));

  it("the view carries the package's derived spec file, never the top level's", () => {
    const config = loaded(
      'specfile_path: top.spec\npackages:\n  a: {downstream_package_name: python-a}\n  b: {specfile_path: b/b.spec}\njobs: []\n',
    );
    expect(config.packages.a!.specfile_path).toBe('python-a.spec');
    expect(config.packages.b!.specfile_path).toBe('b/b.spec');
  });

  it('a one-package file gets <downstream_package_name>.spec only when it names one', () => {
    expect(loaded('downstream_package_name: foo\n').packages.foo!.specfile_path).toBe('foo.spec');
    expect(loaded('{}\n', 'myrepo').packages.myrepo!.specfile_path).toBeUndefined();
  });
});

describe("a job's packages: empty means all", () => {
  it.each([
    ['absent', ''],
    ['null', ', packages: null'],
    ['[]', ', packages: []'],
    ['{}', ', packages: {}'],
  ])('%s', (_, selection) => {
    const views = loaded(
      `${TWO}jobs:\n- {job: copr_build, trigger: pull_request${selection}}\n`,
    ).jobs;
    expect(views.map((v) => v.package)).toEqual(['a', 'b']);
  });
});

/** Where forgeflow refuses what Packit's schema lets through; docs/packit.md gives the reasons. */
const DELIBERATE: Case[] = [
  {
    name: 'every target setting is checked (Packit checks only the first)',
    yaml: `${JOB}  targets: {fedora-all: {distros: [x], bogus: 1}}\n`,
    expect: /unknown setting "bogus" of target "fedora-all"/,
  },
  {
    name: 'an action that is not a command (Packit fails when it runs)',
    yaml: 'specfile_path: a.spec\nactions: {create-archive: 5}\n',
    expect: /must be a string or a list/,
  },
  {
    name: 'env values are strings, numbers or booleans',
    yaml: 'specfile_path: a.spec\nenv: {A: [1]}\n',
    expect: /must be a string, a number or true or false/,
  },
  {
    name: 'spec_source_id is a whole number or a name',
    yaml: 'specfile_path: a.spec\nspec_source_id: 1.5\n',
    expect: /must be a whole number or a string/,
  },
  {
    name: 'a job\'s packages: false or ""',
    yaml: `${TWO}jobs:\n- {job: copr_build, trigger: pull_request, packages: false}\n`,
    expect: /must be a list or a mapping/,
  },
  {
    name: 'files_to_sync entries need src and dest (Packit crashes)',
    yaml: 'specfile_path: a.spec\nfiles_to_sync: [{dest: x}]\n',
    expect: /has no "src"/,
  },
  {
    name: 'fast_forward_merge_into that is not a list: a warning, not silence',
    yaml: `${JOB}  dist_git_branches: {rawhide: {fast_forward_merge_into: f43}}\n`,
    expect: 'accept',
  },
  {
    name: 'a one-package file without a spec file: found when the build runs',
    yaml: '{}\n',
    expect: 'accept',
  },
];

describe('deliberate differences', () => {
  it.each(DELIBERATE)('$name', (c) => check(c));
});
