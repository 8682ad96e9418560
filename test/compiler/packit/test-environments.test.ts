/**
 * Packit's test targets of a chroot (build_target2test_targets_for_test_job): the chroot's own
 * distribution, an EPEL chroot's CentOS (DEFAULT_MAPPING_TF), or one per `distros` entry, on the
 * chroot's architecture; each a status, a request and a Testing Farm compose of its own.
 */
import { describe, expect, it } from 'vitest';
import { composeOf, testTargets } from '../../../src/compiler/packit/test-environments.js';

describe('testTargets', () => {
  it.each([
    ['fedora-43-x86_64', 'fedora-43-x86_64', 'Fedora-43', 'x86_64'],
    ['fedora-rawhide-aarch64', 'fedora-rawhide-aarch64', 'Fedora-Rawhide', 'aarch64'],
    ['centos-stream-9-x86_64', 'centos-stream-9-x86_64', 'CentOS-Stream-9', 'x86_64'],
    ['centos-stream-10-s390x', 'centos-stream-10-s390x', 'CentOS-Stream-10', 's390x'],
    ['epel-8-x86_64', 'centos-stream-8-x86_64', 'CentOS-Stream-8', 'x86_64'],
    ['epel-9-ppc64le', 'centos-stream-9-ppc64le', 'CentOS-Stream-9', 'ppc64le'],
    ['epel-10-x86_64', 'centos-stream-10-x86_64', 'CentOS-Stream-10', 'x86_64'],
    // Packit has no test target of its own for the trailing minors; the compose is CentOS's.
    ['rhel+epel-10-aarch64', 'rhel+epel-10-aarch64', 'CentOS-Stream-10', 'aarch64'],
    ['epel-7-x86_64', 'centos-7-x86_64', 'CentOS-7', 'x86_64'],
    ['rhel-9-x86_64', 'rhel-9-x86_64', 'RHEL-9', 'x86_64'],
    ['oraclelinux-8-x86_64', 'oraclelinux-8-x86_64', 'Oracle-Linux-8', 'x86_64'],
    ['centos-stream-x86_64', 'centos-stream-x86_64', 'CentOS-Stream-8', 'x86_64'],
    ['fedora-44', 'fedora-44-x86_64', 'Fedora-44', 'x86_64'],
  ])('%s → %s (%s on %s)', (chroot, name, compose, arch) => {
    const [distro] = name.split(`-${arch}`);
    expect(testTargets(chroot, {})).toEqual([{ name, distro, arch, compose }]);
  });

  it('gives one test target per distro, on the chroot architecture', () => {
    expect(
      testTargets('centos-stream-9-aarch64', {
        distros: ['centos-stream-9', 'CentOS-Stream-9-image-mode'],
      }),
    ).toEqual([
      {
        name: 'centos-stream-9-aarch64',
        distro: 'centos-stream-9',
        arch: 'aarch64',
        compose: 'CentOS-Stream-9',
      },
      {
        name: 'CentOS-Stream-9-image-mode-aarch64',
        distro: 'CentOS-Stream-9-image-mode',
        arch: 'aarch64',
        compose: 'CentOS-Stream-9-image-mode',
      },
    ]);
  });

  it('maps EPEL distros to composes too and drops repeated distros', () => {
    expect(
      testTargets('epel-9-x86_64', {
        distros: ['epel-9', 'centos-stream-9', 'rhel-9.6', 'centos-stream-9'],
      }).map((t) => [t.name, t.compose]),
    ).toEqual([
      ['epel-9-x86_64', 'CentOS-Stream-9'],
      ['centos-stream-9-x86_64', 'CentOS-Stream-9'],
      ['rhel-9.6-x86_64', 'RHEL-9.6'],
    ]);
  });

  it('ignores an empty or malformed distros setting', () => {
    const chroot = 'fedora-45-x86_64';
    const one = [{ name: chroot, distro: 'fedora-45', arch: 'x86_64', compose: 'Fedora-45' }];
    expect(testTargets(chroot, { distros: [] })).toEqual(one);
    expect(testTargets(chroot, { distros: 'centos-stream-9' })).toEqual(one);
    expect(testTargets(chroot, { distros: [5, ' '] })).toEqual(one);
  });
});

describe('composeOf', () => {
  it("spells names as Packit's str.title() does, keeping compose-looking names", () => {
    expect(composeOf('fedora-latest')).toBe('Fedora-latest');
    expect(composeOf('centos-7')).toBe('CentOS-7');
    expect(composeOf('Fedora-Rawhide')).toBe('Fedora-Rawhide');
    expect(composeOf('RHEL-10.0-Nightly')).toBe('RHEL-10.0-Nightly');
  });
});
