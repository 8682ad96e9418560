import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validatePackit } from '../../../src/compiler/index.js';
import { FEDORA_ALIASES } from '../../../src/compiler/packit/aliases.js';
import { DEFAULT_RELEASES } from '../../../src/compiler/packit/releases.js';
import { expandTargets, type TargetKind } from '../../../src/compiler/packit/targets.js';
import { defaultTargets, TARGET_DEFAULTS } from '../../../src/compiler/packit/target-defaults.js';
import { JOB_TYPES, type ReleasesTable } from '../../../src/compiler/packit/types.js';
import { fixturesPath } from '../../support/fixtures.js';

const names = (value: unknown, kind: TargetKind, releases: ReleasesTable = DEFAULT_RELEASES) => {
  const { targets, problems } = expandTargets(value, kind, releases);
  expect(problems).toEqual([]);
  return targets.map((t) => t.name);
};

/** The summer 2025 table: Fedora 43 branched, EPEL 10.0 trailing and 10.1 leading. */
const SUMMER_2025: ReleasesTable = {
  as_of: '2025-08-15',
  fedora: { rawhide: 44, branched: 43, stable: [41, 42] },
  epel: { majors: [8, 9, 10], minors: ['10.0', '10.1'] },
};

describe('Fedora aliases, default table (2026-12-01)', () => {
  it.each([
    ['fedora-all', ['fedora-43', 'fedora-44', 'fedora-45', 'fedora-rawhide']],
    ['fedora-stable', ['fedora-43', 'fedora-44', 'fedora-45']],
    ['fedora-development', ['fedora-rawhide']],
    ['fedora-latest', ['fedora-45']],
    ['fedora-latest-stable', ['fedora-45']],
    ['fedora-branched', ['fedora-43', 'fedora-44', 'fedora-45']],
    ['fedora-rawhide', ['fedora-rawhide']],
  ])('%s', (alias, chroots) => {
    expect(names([alias], 'copr')).toEqual(chroots.map((c) => `${c}-x86_64`));
  });

  it('spells the same releases as Koji targets and dist-git branches', () => {
    expect(names('fedora-all', 'koji')).toEqual(['f43', 'f44', 'f45', 'rawhide']);
    expect(names('fedora-all', 'branches')).toEqual(['f43', 'f44', 'f45', 'main']);
    expect(names(['fedora-rawhide', 'rawhide'], 'branches')).toEqual(['main']);
  });
});

describe('Fedora aliases, a replaced table with a branched release', () => {
  it.each([
    ['fedora-all', ['f41', 'f42', 'f43', 'rawhide']],
    ['fedora-stable', ['f41', 'f42']],
    ['fedora-development', ['f43', 'rawhide']],
    ['fedora-latest', ['f43']],
    ['fedora-latest-stable', ['f42']],
    ['fedora-branched', ['f41', 'f42', 'f43']],
    ['fedora-rawhide', ['rawhide']],
  ])('%s', (alias, targets) => {
    expect(names(alias, 'koji', SUMMER_2025)).toEqual(targets);
  });
});

describe('openSUSE aliases (opensuse-distro-aliases, as Packit merges them)', () => {
  it.each([
    ['opensuse-leap-all', ['opensuse-leap-15.6', 'opensuse-leap-16.0', 'opensuse-leap-16.1']],
    ['opensuse-leap-micro-all', ['opensuse-leap-micro-6.1', 'opensuse-leap-micro-6.2']],
    ['opensuse-tumbleweed-all', ['opensuse-tumbleweed']],
    [
      'opensuse-all',
      [
        'opensuse-leap-15.6',
        'opensuse-leap-16.0',
        'opensuse-leap-16.1',
        'opensuse-leap-micro-6.1',
        'opensuse-leap-micro-6.2',
        'opensuse-tumbleweed',
      ],
    ],
  ])('%s', (alias, chroots) => {
    expect(names([alias], 'copr')).toEqual(chroots.map((c) => `${c}-x86_64`));
  });

  it('takes an architecture suffix and mixes with other targets', () => {
    expect(
      names(['opensuse-leap-all-aarch64', 'opensuse-tumbleweed-all', 'fedora-rawhide'], 'copr'),
    ).toEqual([
      'opensuse-leap-15.6-aarch64',
      'opensuse-leap-16.0-aarch64',
      'opensuse-leap-16.1-aarch64',
      'opensuse-tumbleweed-x86_64',
      'fedora-rawhide-x86_64',
    ]);
  });

  it('follows a replaced table, and warns when an alias stands for nothing', () => {
    const table: ReleasesTable = {
      ...DEFAULT_RELEASES,
      opensuse: { leap: ['16.0'], leap_micro: [], tumbleweed: false },
    };
    expect(names('opensuse-all', 'copr', table)).toEqual(['opensuse-leap-16.0-x86_64']);
    const { targets, problems } = expandTargets(['opensuse-tumbleweed-all'], 'copr', table);
    expect(targets).toEqual([]);
    expect(problems.map((p) => [p.severity, p.message])).toEqual([
      [
        'warning',
        "'opensuse-tumbleweed-all' stands for no release in the releases table of 2026-12-01",
      ],
    ]);
  });

  it('uses the built-in list when a table has no openSUSE part', () => {
    const withoutOpensuse: ReleasesTable = { ...DEFAULT_RELEASES };
    delete withoutOpensuse.opensuse;
    expect(names('opensuse-tumbleweed-all', 'copr', withoutOpensuse)).toEqual([
      'opensuse-tumbleweed-x86_64',
    ]);
  });

  it("gives copr_build and tests jobs their chroots, a tests job without targets its build's", () => {
    const text =
      'specfile_path: a.spec\njobs:\n- {job: copr_build, trigger: pull_request, targets: [opensuse-tumbleweed-all, opensuse-leap-micro-all]}\n- {job: tests, trigger: pull_request, targets: [opensuse-tumbleweed-all]}\n- {job: tests, trigger: commit, skip_build: true, targets: [opensuse-leap-all-aarch64]}\n';
    const result = validatePackit(text, { file: '.packit.yaml', repoName: 'app' });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    const chroots = result.config.jobs.map((view) =>
      result.targets.get(view)!.targets.map((t) => t.name),
    );
    const build = [
      'opensuse-tumbleweed-x86_64',
      'opensuse-leap-micro-6.1-x86_64',
      'opensuse-leap-micro-6.2-x86_64',
    ];
    expect(chroots).toEqual([
      build,
      ['opensuse-tumbleweed-x86_64'],
      ['opensuse-leap-15.6-aarch64', 'opensuse-leap-16.0-aarch64', 'opensuse-leap-16.1-aarch64'],
    ]);
  });

  it('passes a single openSUSE chroot through', () => {
    expect(names('opensuse-leap-15.6-aarch64', 'copr')).toEqual(['opensuse-leap-15.6-aarch64']);
  });
});

describe('EPEL aliases', () => {
  it('epel-all: every active major, EPEL 10 with its trailing then leading minor', () => {
    expect(names('epel-all', 'copr')).toEqual([
      'epel-8-x86_64',
      'epel-9-x86_64',
      'rhel+epel-10-x86_64',
      'epel-10-x86_64',
    ]);
    expect(names('epel-all', 'koji')).toEqual(['epel8', 'epel9', 'epel10.3', 'epel10']);
    expect(names('epel-all', 'branches')).toEqual(['epel8', 'epel9', 'epel10.3', 'epel10']);
  });

  it.each([
    ['epel-10', 'branches', ['epel10']],
    ['epel-10-branched', 'branches', ['epel10.3']],
    ['epel-10-all', 'branches', ['epel10.3', 'epel10']],
    ['epel-10', 'copr', ['epel-10-x86_64']],
    ['epel-10-branched', 'copr', ['rhel+epel-10-x86_64']],
    ['epel-10-all-aarch64', 'copr', ['rhel+epel-10-aarch64', 'epel-10-aarch64']],
    ['epel-10-all', 'koji', ['epel10.3', 'epel10']],
    ['epel-9', 'koji', ['epel9']],
    ['epel-9-all', 'branches', ['epel9']],
    ['epel10', 'copr', ['epel-10-x86_64']],
    ['epel10.3', 'copr', ['rhel+epel-10-x86_64']],
    ['epel-10.4', 'branches', ['epel10']],
  ] as const)('%s as %s', (alias, kind, expected) => {
    expect(names(alias, kind)).toEqual(expected);
  });

  it('follows the minors of a replaced table', () => {
    expect(names('epel-10', 'branches', SUMMER_2025)).toEqual(['epel10']);
    expect(names('epel-10-branched', 'koji', SUMMER_2025)).toEqual(['epel10.0']);
    const twoTrailing = {
      ...SUMMER_2025,
      epel: { majors: [10], minors: ['10.0', '10.1', '10.2'] },
    };
    expect(names('epel-all', 'branches', twoTrailing)).toEqual(['epel10.0', 'epel10.1', 'epel10']);
  });

  it('spells EPEL 6 branches el6 but Koji targets epel6', () => {
    const old = { ...SUMMER_2025, epel: { majors: [6, 7], minors: [] } };
    expect(names('epel-all', 'branches', old)).toEqual(['el6', 'epel7']);
    expect(names('epel-all', 'koji', old)).toEqual(['epel6', 'epel7']);
  });

  it('warns when an EPEL alias stands for nothing', () => {
    const result = expandTargets(['epel-9-branched'], 'branches', DEFAULT_RELEASES);
    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([
      {
        index: 0,
        message: "'epel-9-branched' stands for no release in the releases table of 2026-12-01",
        severity: 'warning',
      },
    ]);
  });
});

describe('architectures and plain names', () => {
  it('takes the architecture from the alias suffix, x86_64 by default', () => {
    expect(
      names(
        [
          'fedora-latest-stable-s390x',
          'fedora-latest-aarch64',
          'fedora-stable-ppc64le',
          'fedora-43',
        ],
        'copr',
      ),
    ).toEqual([
      'fedora-45-s390x',
      'fedora-45-aarch64',
      'fedora-43-ppc64le',
      'fedora-44-ppc64le',
      'fedora-45-ppc64le',
      'fedora-43-x86_64',
    ]);
  });

  it('passes other chroots through, adding x86_64 when they name no architecture', () => {
    expect(
      names(
        [
          'centos-stream-9-x86_64',
          'centos-stream-10',
          'fedora-eln-aarch64',
          'rhel+epel-10-x86_64',
          'opensuse-leap-15.6',
        ],
        'copr',
      ),
    ).toEqual([
      'centos-stream-9-x86_64',
      'centos-stream-10-x86_64',
      'fedora-eln-aarch64',
      'rhel+epel-10-x86_64',
      'opensuse-leap-15.6-x86_64',
    ]);
  });

  it('reads branch and Koji names of a release as that release', () => {
    expect(names(['f44', 'rawhide', 'epel9'], 'copr')).toEqual([
      'fedora-44-x86_64',
      'fedora-rawhide-x86_64',
      'epel-9-x86_64',
    ]);
    expect(names(['fedora-44', 'epel-9'], 'branches')).toEqual(['f44', 'epel9']);
  });

  it('passes plain branch names and Koji targets through', () => {
    expect(names(['main', 'f44', 'c10s', 'epel10.3', 'release/2.x'], 'branches')).toEqual([
      'main',
      'f44',
      'c10s',
      'epel10.3',
      'release/2.x',
    ]);
    expect(names(['eln', 'f44-build-side-123'], 'koji')).toEqual(['eln', 'f44-build-side-123']);
  });

  it('warns that a branch or Koji target has no architecture', () => {
    const result = expandTargets(['fedora-stable-aarch64'], 'koji', DEFAULT_RELEASES);
    expect(result.targets.map((t) => t.name)).toEqual(['f43', 'f44', 'f45']);
    expect(result.problems).toEqual([
      {
        index: 0,
        message:
          "'fedora-stable-aarch64': a Koji target has no architecture; read as 'fedora-stable'",
        severity: 'warning',
      },
    ]);
  });
});

describe('the shape of the value', () => {
  it('takes a single string as a list of one, its problems pointing at the value', () => {
    expect(names('fedora-rawhide', 'copr')).toEqual(['fedora-rawhide-x86_64']);
    expect(expandTargets('epel-7', 'branches', DEFAULT_RELEASES)).toEqual({
      targets: [{ name: 'epel7', attrs: {} }],
      problems: [
        {
          index: null,
          message: "'epel-7': EPEL 7 has reached its end of life",
          severity: 'warning',
        },
      ],
    });
  });

  it('gives nothing for an unset value (the caller applies the defaults)', () => {
    expect(expandTargets(undefined, 'copr', DEFAULT_RELEASES)).toEqual({
      targets: [],
      problems: [],
    });
    expect(expandTargets(null, 'branches', DEFAULT_RELEASES)).toEqual({
      targets: [],
      problems: [],
    });
  });

  it('drops duplicates, keeping the first place', () => {
    expect(
      names(['fedora-rawhide', 'fedora-all', 'fedora-44-x86_64', 'fedora-development'], 'copr'),
    ).toEqual([
      'fedora-rawhide-x86_64',
      'fedora-43-x86_64',
      'fedora-44-x86_64',
      'fedora-45-x86_64',
    ]);
  });

  it('keeps dictionary settings, an alias key giving them to each of its targets', () => {
    const result = expandTargets(
      {
        'fedora-stable': { additional_packages: ['make'], with_opts: ['tests'] },
        'centos-stream-9-x86_64': {
          distros: ['centos-stream-9', 'CentOS-Stream-9-image-mode'],
          additional_repos: ['copr://@cockpit/main'],
          additional_modules: 'nodejs:20',
          without_opts: ['docs'],
        },
        'fedora-rawhide': null,
        'fedora-45': {},
      },
      'copr',
      DEFAULT_RELEASES,
    );
    expect(result.problems).toEqual([]);
    expect(result.targets).toEqual([
      { name: 'fedora-43-x86_64', attrs: { additional_packages: ['make'], with_opts: ['tests'] } },
      { name: 'fedora-44-x86_64', attrs: { additional_packages: ['make'], with_opts: ['tests'] } },
      { name: 'fedora-45-x86_64', attrs: { additional_packages: ['make'], with_opts: ['tests'] } },
      {
        name: 'centos-stream-9-x86_64',
        attrs: {
          distros: ['centos-stream-9', 'CentOS-Stream-9-image-mode'],
          additional_repos: ['copr://@cockpit/main'],
          additional_modules: 'nodejs:20',
          without_opts: ['docs'],
        },
      },
      { name: 'fedora-rawhide-x86_64', attrs: {} },
    ]);
    // Each target has its own copy of the settings.
    expect(result.targets[0]!.attrs.additional_packages).not.toBe(
      result.targets[1]!.attrs.additional_packages,
    );
  });

  it('warns when a repeated target gets different settings, and keeps the last', () => {
    const result = expandTargets(
      { 'fedora-all': { additional_packages: ['a'] }, 'fedora-44': { additional_packages: ['b'] } },
      'copr',
      DEFAULT_RELEASES,
    );
    expect(result.targets.find((t) => t.name === 'fedora-44-x86_64')!.attrs).toEqual({
      additional_packages: ['b'],
    });
    expect(result.problems).toEqual([
      {
        index: 'fedora-44',
        message:
          "'fedora-44-x86_64' is listed more than once with different 'additional_packages'; the last one is used",
        severity: 'warning',
      },
    ]);
  });

  it('expands fast_forward_merge_into of a dist_git_branches dictionary', () => {
    const result = expandTargets(
      {
        rawhide: { fast_forward_merge_into: ['fedora-branched'] },
        'epel-10': { fast_forward_merge_into: ['epel-10-branched'] },
        epel9: {},
      },
      'branches',
      DEFAULT_RELEASES,
    );
    expect(result).toEqual({
      targets: [
        { name: 'main', attrs: { fast_forward_merge_into: ['f43', 'f44', 'f45'] } },
        { name: 'epel10', attrs: { fast_forward_merge_into: ['epel10.3'] } },
        { name: 'epel9', attrs: {} },
      ],
      problems: [],
    });
  });

  it('reports problems at their list index or dictionary key', () => {
    const result = expandTargets(
      [
        'fedora-all',
        '',
        'two words',
        5,
        'fedora',
        'main',
        'centos-stream-x86_64',
        'epel-7',
        'fedora-41-aarch64',
        'fedora-46',
      ],
      'copr',
      DEFAULT_RELEASES,
    );
    expect(result.problems.map((p) => [p.index, p.severity, p.message])).toEqual([
      [1, 'error', "'' is not a target: the name is empty"],
      [2, 'error', "'two words' is not a target: the name has spaces"],
      [3, 'error', "Expected a target name (a string), got 5 (type <class 'int'>)"],
      [
        4,
        'error',
        expect.stringMatching(/^Cannot get build target from 'fedora': use a Copr chroot/),
      ],
      [5, 'error', expect.stringMatching(/^Cannot get build target from 'main'/)],
      [
        6,
        'warning',
        "'centos-stream-x86_64' is deprecated: it means centos-stream-8-x86_64, and CentOS Stream 8 reached its end of life on 2024-05-31",
      ],
      [7, 'warning', "'epel-7': EPEL 7 has reached its end of life"],
      [8, 'warning', "'fedora-41': Fedora 41 has reached its end of life"],
      [
        9,
        'warning',
        "'fedora-46': Fedora 46 is Rawhide in the releases table of 2026-12-01: use fedora-rawhide",
      ],
    ]);
    // Deprecated and ended releases still expand; errors do not.
    expect(result.targets.map((t) => t.name)).toEqual([
      'fedora-43-x86_64',
      'fedora-44-x86_64',
      'fedora-45-x86_64',
      'fedora-rawhide-x86_64',
      'centos-stream-8-x86_64',
      'epel-7-x86_64',
      'fedora-41-aarch64',
      'fedora-46-x86_64',
    ]);
  });

  it("reports unknown and mistyped settings in Packit's words", () => {
    const result = expandTargets(
      {
        'fedora-all': { with_opt: ['x'] },
        'fedora-rawhide': { distros: 'centos-stream-9' },
        'epel-9': { additional_modules: ['a'] },
        'epel-8': 'distros',
      },
      'copr',
      DEFAULT_RELEASES,
    );
    expect(result.problems).toEqual([
      {
        index: 'fedora-all',
        message: "Unknown key 'with_opt' in {'with_opt': ['x']}",
        severity: 'error',
      },
      {
        index: 'fedora-rawhide',
        message: "Expected list[str] for 'distros', got 'centos-stream-9' (type <class 'str'>)",
        severity: 'error',
      },
      {
        index: 'epel-9',
        message: "Expected str for 'additional_modules', got ['a'] (type <class 'list'>)",
        severity: 'error',
      },
      {
        index: 'epel-8',
        message: `Expected 'list[str]' or 'dict[str,dict]', got {'fedora-all': {'with_opt': ['x']}, 'fedora-rawhide': {'distros': 'centos-stream-9'}, 'epel-9': {'additional_modules': ['a']}, 'epel-8': 'distros'} (type <class 'dict'>).`,
        severity: 'error',
      },
    ]);
  });

  it('rejects a value of the wrong type as a whole', () => {
    expect(expandTargets(42, 'copr', DEFAULT_RELEASES).problems).toEqual([
      {
        index: null,
        message: "Expected 'list[str]' or 'dict[str,dict]', got 42 (type <class 'int'>).",
        severity: 'error',
      },
    ]);
    const branches = expandTargets(true, 'branches', DEFAULT_RELEASES).problems[0]!;
    expect(branches.index).toBeNull();
    expect(branches.message).toContain(
      "Expected 'list[str]' or 'dict[str, dict[str, list]]', got True (type <class 'bool'>).\nExample -> ",
    );
  });

  it('rejects other settings in a dist_git_branches dictionary', () => {
    const { problems } = expandTargets(
      { rawhide: { fast_forward_into: ['f44'] } },
      'branches',
      DEFAULT_RELEASES,
    );
    expect(problems.map((p) => [p.index, p.severity])).toEqual([['rawhide', 'error']]);
    expect(problems[0]!.message).toContain(
      "Expected 'list[str]' or 'dict[str, dict[str, list]]', got {'rawhide': {'fast_forward_into': ['f44']}}",
    );
  });
});

describe('the valid Packit fixtures', () => {
  const dir = fixturesPath('packit/valid');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  /** Every targets / dist_git_branches value in a file, with the kind its job spells it in. */
  function values(
    node: unknown,
    jobType: unknown,
    out: [string, unknown, TargetKind][],
    path: string,
  ) {
    if (Array.isArray(node)) {
      node.forEach((item, i) => values(item, jobType, out, `${path}[${i}]`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const type = record.job ?? jobType;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'targets')
        out.push([`${path}.targets`, value, type === 'upstream_koji_build' ? 'koji' : 'copr']);
      else if (key === 'dist_git_branches')
        out.push([`${path}.dist_git_branches`, value, 'branches']);
      else values(value, type, out, `${path}.${key}`);
    }
  }

  it('has fixtures to read', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s: every target and branch expands without problems', (file) => {
    const doc: unknown = parse(readFileSync(join(dir, file), 'utf8'), { merge: true });
    const found: [string, unknown, TargetKind][] = [];
    values(doc, undefined, found, '');
    expect(found.length).toBeGreaterThan(0);
    for (const [path, value, kind] of found) {
      const result = expandTargets(value, kind, DEFAULT_RELEASES);
      expect({ path, problems: result.problems }).toEqual({ path, problems: [] });
      expect(result.targets.length).toBeGreaterThan(0);
    }
  });
});

describe('defaults', () => {
  it("are Packit's runtime defaults", () => {
    expect(defaultTargets('copr_build')).toEqual(['fedora-stable']);
    expect(defaultTargets('tests')).toEqual(['fedora-stable']);
    expect(defaultTargets('tests', ['fedora-all', 'epel-9'])).toEqual(['fedora-all', 'epel-9']);
    expect(defaultTargets('propose_downstream')).toEqual(['main']);
    expect(defaultTargets('pull_from_upstream')).toEqual(['main']);
    expect(defaultTargets('koji_build')).toEqual(['main']);
    expect(names(defaultTargets('bodhi_update'), 'branches')).toEqual(['f43', 'f44', 'f45']);
    expect(TARGET_DEFAULTS.bodhi_update.key).toBe('dist_git_branches');
    expect(TARGET_DEFAULTS.upstream_koji_build.kind).toBe('koji');
    expect(TARGET_DEFAULTS.vm_image_build.key).toBeNull();
  });

  it('cover every job type and expand cleanly', () => {
    for (const type of JOB_TYPES) {
      const { kind, names: defaults } = TARGET_DEFAULTS[type];
      if (kind !== null)
        expect(expandTargets(defaults, kind, DEFAULT_RELEASES).problems).toEqual([]);
    }
  });
});

describe('properties', () => {
  const word = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/);
  const kinds = fc.constantFrom<TargetKind>('copr', 'koji', 'branches');
  const known = fc.constantFrom(
    ...FEDORA_ALIASES,
    ...['fedora-rawhide', 'epel-all', 'epel-10', 'epel-10-branched', 'epel-10-all', 'epel-9'],
    ...['f44', 'rawhide', 'epel10.3', 'centos-stream-9', 'fedora-all-aarch64', 'main'],
  );

  it('never throws, and expanding the result again gives the result', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(word, known), { maxLength: 6 }), kinds, (list, kind) => {
        const first = expandTargets(list, kind, DEFAULT_RELEASES);
        const again = expandTargets(
          first.targets.map((t) => t.name),
          kind,
          DEFAULT_RELEASES,
        );
        expect(again.targets.map((t) => t.name)).toEqual(first.targets.map((t) => t.name));
        expect(new Set(first.targets.map((t) => t.name)).size).toBe(first.targets.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), kinds, (value, kind) => {
        const result = expandTargets(value, kind, DEFAULT_RELEASES);
        expect(Array.isArray(result.targets)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
