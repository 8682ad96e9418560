import { describe, expect, it } from 'vitest';
import { composeOf, testEnvironments } from '../../../src/compiler/packit/test-environments.js';

describe('testEnvironments', () => {
  it.each([
    ['fedora-43-x86_64', 'Fedora-43', 'x86_64'],
    ['fedora-rawhide-aarch64', 'Fedora-Rawhide', 'aarch64'],
    ['centos-stream-9-x86_64', 'CentOS-Stream-9', 'x86_64'],
    ['centos-stream-10-s390x', 'CentOS-Stream-10', 's390x'],
    ['epel-8-x86_64', 'CentOS-Stream-8', 'x86_64'],
    ['epel-9-ppc64le', 'CentOS-Stream-9', 'ppc64le'],
    ['epel-10-x86_64', 'CentOS-Stream-10', 'x86_64'],
    ['rhel+epel-10-aarch64', 'CentOS-Stream-10', 'aarch64'],
    ['epel-7-x86_64', 'CentOS-7', 'x86_64'],
    ['rhel-9-x86_64', 'RHEL-9', 'x86_64'],
    ['oraclelinux-8-x86_64', 'Oracle-Linux-8', 'x86_64'],
    ['centos-stream-x86_64', 'CentOS-Stream-8', 'x86_64'],
    ['fedora-44', 'Fedora-44', 'x86_64'],
  ])('%s → %s on %s', (chroot, compose, arch) => {
    expect(testEnvironments(chroot, {})).toEqual([{ compose, arch }]);
  });

  it('gives one environment per distro, on the chroot architecture', () => {
    expect(
      testEnvironments('centos-stream-9-aarch64', {
        distros: ['centos-stream-9', 'CentOS-Stream-9-image-mode'],
      }),
    ).toEqual([
      { compose: 'CentOS-Stream-9', arch: 'aarch64' },
      { compose: 'CentOS-Stream-9-image-mode', arch: 'aarch64' },
    ]);
  });

  it('maps EPEL distros too and drops repeated composes', () => {
    expect(
      testEnvironments('epel-9-x86_64', { distros: ['epel-9', 'centos-stream-9', 'rhel-9.6'] }),
    ).toEqual([
      { compose: 'CentOS-Stream-9', arch: 'x86_64' },
      { compose: 'RHEL-9.6', arch: 'x86_64' },
    ]);
  });

  it('ignores an empty or malformed distros setting', () => {
    const chroot = 'fedora-45-x86_64';
    const one = [{ compose: 'Fedora-45', arch: 'x86_64' }];
    expect(testEnvironments(chroot, { distros: [] })).toEqual(one);
    expect(testEnvironments(chroot, { distros: 'centos-stream-9' })).toEqual(one);
    expect(testEnvironments(chroot, { distros: [5, ' '] })).toEqual(one);
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
