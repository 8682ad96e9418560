/**
 * The Testing Farm environments of one test target (a Copr chroot), as packit-service picks
 * them: the chroot's distribution as a Testing Farm compose and the chroot's architecture, or,
 * with `distros: [...]` on the target, one environment per distro on that architecture.
 *
 * Packit checks the compose against Testing Farm's list of composes; forgeflow cannot ask, so a
 * name that already looks like a compose (it has capitals: `CentOS-Stream-9-image-mode`) is
 * taken as it is, and any other name is spelt the way Packit spells it (`fedora-41` →
 * `Fedora-41`, `centos-stream-9` → `CentOS-Stream-9`, `rhel-9` → `RHEL-9`).
 *
 * EPEL has no composes of its own: EPEL 6 and 7 test on CentOS 6 and 7, EPEL 8 and later on
 * CentOS Stream of the same major (Packit's public Testing Farm mapping); `rhel+epel-N`, the
 * chroot of EPEL N's trailing minors, on CentOS Stream N as well. forgeflow applies the same
 * mapping to `distros` entries spelt `epel-N`, which Packit would pass on unchanged.
 */
import type { TestingFarmEnvironment } from './handler-inputs.js';
import { DEFAULT_ARCHITECTURE, splitArchitecture } from './targets.js';

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

export function testEnvironments(
  chroot: string,
  attrs: Record<string, unknown>,
): TestingFarmEnvironment[] {
  const { base: distro, arch = DEFAULT_ARCHITECTURE } = splitArchitecture(chroot);
  const distros = Array.isArray(attrs.distros)
    ? attrs.distros.filter((d): d is string => typeof d === 'string' && d.trim() !== '')
    : [];
  const names = distros.length > 0 ? distros : [distro];
  const environments = names.map((name) => ({ compose: composeOf(name.trim()), arch }));
  return environments.filter(
    (env, i) => environments.findIndex((other) => other.compose === env.compose) === i,
  );
}
