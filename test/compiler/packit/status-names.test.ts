import { describe, expect, it } from 'vitest';
import {
  parseStatusName,
  statusName,
  statusNameTemplate,
  STATUS_JOB_NAMES,
  type TemplateFields,
} from '../../../src/compiler/packit/status-names.js';

describe('statusName', () => {
  it('gives the reference examples', () => {
    expect(
      statusName({ job: 'rpm-build', target: 'fedora-rawhide-x86_64', trigger: 'pull_request' }),
    ).toBe('rpm-build:fedora-rawhide-x86_64');
    expect(
      statusName({
        job: 'testing-farm',
        target: 'fedora-41-x86_64',
        identifier: 'cockpit-revdeps',
        trigger: 'pull_request',
      }),
    ).toBe('testing-farm:fedora-41-x86_64:cockpit-revdeps');
    expect(
      statusName({
        job: 'rpm-build',
        target: 'fedora-rawhide-x86_64',
        trigger: 'commit',
        branchOrTag: 'main',
      }),
    ).toBe('rpm-build:main:fedora-rawhide-x86_64');
    expect(
      statusName({
        job: 'propose-downstream',
        target: 'f43',
        trigger: 'release',
        branchOrTag: 'v1.0',
      }),
    ).toBe('propose-downstream:f43');
  });

  it('puts the branch or tag only for commit and release events, with : as -', () => {
    const base = { job: 'testing-farm', target: 'fedora-44-x86_64', identifier: 'x' } as const;
    expect(statusName({ ...base, trigger: 'release', branchOrTag: 'release:1.0' })).toBe(
      'testing-farm:release-1.0:fedora-44-x86_64:x',
    );
    expect(statusName({ ...base, trigger: 'pull_request', branchOrTag: 'main' })).toBe(
      'testing-farm:fedora-44-x86_64:x',
    );
    expect(statusName({ ...base, identifier: '', trigger: 'commit', branchOrTag: null })).toBe(
      'testing-farm:fedora-44-x86_64',
    );
    expect(
      statusName({ job: 'koji-build', target: 'f44', trigger: 'commit', branchOrTag: 'stable' }),
    ).toBe('koji-build:stable:f44');
  });

  it('uses status_name_template when it formats, and falls back as Packit does', () => {
    const fields = {
      job: 'rpm-build',
      target: 'fedora-44-x86_64',
      identifier: null,
      trigger: 'commit',
      branchOrTag: 'gh-readonly-queue/main',
      package: 'tmt',
    } as const;
    expect(statusName({ ...fields, template: '{job_name}/{chroot} ({package}, {event})' })).toBe(
      'rpm-build/fedora-44-x86_64 (tmt, gh-readonly-queue/main)',
    );
    expect(statusName({ ...fields, template: '{job_name}:{branch}' })).toBe(
      'rpm-build:gh-readonly-queue/main:fedora-44-x86_64',
    );
  });

  it('has a prefix for every job type', () => {
    expect(STATUS_JOB_NAMES.copr_build).toBe('rpm-build');
    expect(STATUS_JOB_NAMES.tests).toBe('testing-farm');
    expect(STATUS_JOB_NAMES.upstream_koji_build).toBe('koji-build');
    expect(STATUS_JOB_NAMES.propose_downstream).toBe('propose-downstream');
  });

  it("names downstream Koji builds apart from upstream_koji_build's koji-build", () => {
    // Packit sets no status for a dist-git koji_build; its `koji-build` prefix belongs to
    // upstream_koji_build, and a check re-run of it starts upstream Koji builds.
    expect(STATUS_JOB_NAMES.koji_build).not.toBe(STATUS_JOB_NAMES.upstream_koji_build);
    expect(
      statusName({
        job: STATUS_JOB_NAMES.koji_build,
        target: 'main',
        trigger: 'commit',
        branchOrTag: 'main',
      }),
    ).toBe('downstream-koji-build:main');
    expect(parseStatusName('downstream-koji-build:main', 'commit')).toBeNull();
  });
});

describe('statusNameTemplate', () => {
  const fields: TemplateFields = {
    job_name: 'testing-farm',
    chroot: 'fedora-44-x86_64',
    event: null,
    identifier: 'smoke',
    package: 'cockpit',
  };

  it.each([
    ['{job_name}:{chroot}:{identifier}', 'testing-farm:fedora-44-x86_64:smoke'],
    ['Packit - {package} - {chroot}', 'Packit - cockpit - fedora-44-x86_64'],
    ['{job_name} {event}', 'testing-farm None'],
    ['{{literal}} {chroot}}}', '{literal} fedora-44-x86_64}'],
    ['{identifier!r} {event!r} {chroot!s}', "'smoke' None fedora-44-x86_64"],
    ['plain', 'plain'],
  ])('%s → %s', (template, name) => {
    expect(statusNameTemplate(template, fields)).toEqual({ ok: true, name });
  });

  it.each([
    ['{branch}', 'unknown field {branch} (known: job_name, chroot, event, identifier, package)'],
    ['{}', 'unsupported replacement field {}'],
    ['{chroot:>20}', 'unsupported replacement field {chroot:>20}'],
    ['{chroot', "Single '{' encountered in format string"],
    ['chroot}', "Single '}' encountered in format string"],
  ])('%s is an error', (template, error) => {
    const result = statusNameTemplate(template, fields);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(error);
  });
});

describe('parseStatusName', () => {
  // name, trigger of the event, then job, branch or tag, target, identifier.
  it.each([
    ['rpm-build:fedora-34-x86_64', undefined, 'rpm-build', null, 'fedora-34-x86_64', null],
    ['rpm-build:fedora-34-x86_64:id', 'pull_request', 'rpm-build', null, 'fedora-34-x86_64', 'id'],
    ['rpm-build:main:fedora-34-x86_64', 'commit', 'rpm-build', 'main', 'fedora-34-x86_64', null],
    ['rpm-build:main:fedora-34-x86_64:id', 'commit', 'rpm-build', 'main', 'fedora-34-x86_64', 'id'],
    [
      'testing-farm:v1.0:fedora-41-x86_64',
      'release',
      'testing-farm',
      'v1.0',
      'fedora-41-x86_64',
      null,
    ],
    ['propose-downstream:f35', 'release', 'propose-downstream', null, 'f35', null],
    ['koji-build:f44:scratch', 'commit', 'koji-build', null, 'f44', 'scratch'],
    [
      'testing-farm:main:f-x86_64:id:with:colons',
      'commit',
      'testing-farm',
      'main',
      'f-x86_64',
      'id:with:colons',
    ],
  ] as const)('%s (%s)', (name, trigger, job, branchOrTag, target, identifier) => {
    expect(parseStatusName(name, trigger)).toEqual({ job, branchOrTag, target, identifier });
  });

  it.each([
    'vm-image-build:fedora-41-x86_64',
    'unknown:x',
    'rpm-build',
    'rpm-build:',
    'Packit - tmt - f44',
  ])('%s is not a re-runnable name', (name) => {
    expect(parseStatusName(name)).toBeNull();
  });

  it('reads back what statusName writes', () => {
    for (const trigger of ['pull_request', 'commit', 'release'] as const) {
      for (const identifier of [null, 'id']) {
        const fields = {
          job: 'testing-farm',
          target: 'fedora-44-x86_64',
          identifier,
          trigger,
          branchOrTag: 'main',
        } as const;
        expect(parseStatusName(statusName(fields), trigger)).toEqual({
          job: 'testing-farm',
          branchOrTag: trigger === 'pull_request' ? null : 'main',
          target: 'fedora-44-x86_64',
          identifier,
        });
      }
    }
  });
});
