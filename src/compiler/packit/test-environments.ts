/**
 * The test targets of one chroot, as packit-service picks them
 * (`build_target2test_targets_for_test_job`): with `distros: [...]` on the target, one per
 * distro on the chroot's architecture; otherwise the chroot's own distribution, an EPEL chroot's
 * being the one Testing Farm tests it on (Packit's DEFAULT_MAPPING_TF: EPEL 6 and 7 on CentOS 6
 * and 7, EPEL 8 to 10 on CentOS Stream). Each test target is a commit status
 * (`testing-farm:centos-stream-9-x86_64`) and a Testing Farm request of its own.
 *
 * Packit checks the compose against Testing Farm's list of composes; forgeflow cannot ask, so a
 * name that already looks like a compose (it has capitals: `CentOS-Stream-9-image-mode`) is
 * taken as it is, and any other name is spelt the way Packit spells it (`fedora-41` →
 * `Fedora-41`, `centos-stream-9` → `CentOS-Stream-9`, `rhel-9` → `RHEL-9`). For the compose
 * alone, forgeflow also maps `rhel+epel-N` (the chroot of EPEL N's trailing minors) and `epel-N`
 * written in `distros` to CentOS Stream N, where Packit would ask for a compose that does not
 * exist.
 */
import { DEFAULT_ARCHITECTURE, splitArchitecture } from './targets.js';

/** Packit's DEFAULT_MAPPING_TF: the distribution the tests of an EPEL chroot run on. */
const TESTED_ON: Readonly<Record<string, string>> = {
  'epel-6': 'centos-6',
  'epel-7': 'centos-7',
  'epel-8': 'centos-stream-8',
  'epel-9': 'centos-stream-9',
  'epel-10': 'centos-stream-10',
};

/** The distribution part of an EPEL chroot → the distribution Testing Farm tests it on. */
function testedDistro(distro: string): string {
  const match = /^(?:rhel\+)?epel-(\d+)(?:\.\d+)?$/.exec(distro);
  if (!match) return distro;
  const major = Number(match[1]);
  return major <= 7 ? `centos-${major}` : `centos-stream-${major}`;
}

/** Python's str.title(): a letter after a non-letter is upper-cased, any other lower-cased. */
function title(text: string): string {
  return text.replace(/[A-Za-z]+/g, (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase());
}

/** A distribution name as a Testing Farm compose. */
export function composeOf(distro: string): string {
  if (/[A-Z]/.test(distro)) return distro;
  const compose = title(testedDistro(distro))
    .replaceAll('Centos', 'CentOS')
    .replaceAll('Rhel', 'RHEL')
    .replaceAll('Oraclelinux', 'Oracle-Linux')
    .replaceAll('Latest', 'latest');
  return compose === 'CentOS-Stream' ? 'CentOS-Stream-8' : compose;
}

export interface TestTarget {
  /** `<distro>-<arch>`: the name of the status (and the node). */
  name: string;
  distro: string;
  arch: string;
  /** The Testing Farm compose of `distro`. */
  compose: string;
}

export function testTargets(chroot: string, attrs: Record<string, unknown>): TestTarget[] {
  const { base, arch = DEFAULT_ARCHITECTURE } = splitArchitecture(chroot);
  const distros = Array.isArray(attrs.distros)
    ? attrs.distros
        .filter((d): d is string => typeof d === 'string' && d.trim() !== '')
        .map((d) => d.trim())
    : [];
  const names = distros.length > 0 ? distros : [TESTED_ON[base] ?? base];
  return [...new Set(names)].map((distro) => ({
    name: `${distro}-${arch}`,
    distro,
    arch,
    compose: composeOf(distro),
  }));
}
