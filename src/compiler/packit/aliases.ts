/**
 * Fedora and EPEL names as Packit understands them: an alias (`fedora-stable`, `epel-10-all`)
 * or one release (`fedora-45`, `f45`, `rawhide`, `epel-9`, `epel10`, `epel10.3`), resolved
 * against a releases table, and each release spelt as a Copr chroot (without the
 * architecture), a Koji target or a dist-git branch.
 *
 * EPEL 10 and later have minor versions (see releases.ts): the leading minor is the `epelN`
 * branch, the `epelN` Koji target and the `epel-N` chroot; a trailing minor `N.m` is the
 * `epelN.m` branch and Koji target and, as the reference has it, the `rhel+epel-N` chroot
 * (Copr has one chroot for all of them, built against the latest RHEL N).
 */
import { DEFAULT_OPENSUSE } from './releases.js';
import type { ReleasesTable } from './types.js';

export type TargetKind = 'copr' | 'koji' | 'branches';

/** One release: a Fedora version or Rawhide, an EPEL major or an EPEL minor. */
export type Distro =
  | { family: 'fedora'; version: number | 'rawhide' }
  /** `minor` is "10.3" for a trailing minor, else null (a major, or the leading minor). */
  | { family: 'epel'; major: number; minor: string | null }
  /** `namever` as opensuse-distro-aliases spells it: opensuse-leap-15.6, opensuse-tumbleweed. */
  | { family: 'opensuse'; namever: string };

export const FEDORA_ALIASES = [
  'fedora-all',
  'fedora-stable',
  'fedora-development',
  'fedora-latest',
  'fedora-latest-stable',
  'fedora-branched',
] as const;

/** opensuse-distro-aliases' groups (packit's aliases.py merges them with Fedora's). */
export const OPENSUSE_ALIASES = [
  'opensuse-leap-all',
  'opensuse-leap-micro-all',
  'opensuse-tumbleweed-all',
  'opensuse-all',
] as const;

/** What a message lists as "the aliases" (the `epel-N…` forms are spelt with N). */
export const ALIAS_NAMES: readonly string[] = [
  ...FEDORA_ALIASES,
  'fedora-rawhide',
  'epel-all',
  'epel-N',
  'epel-N-branched',
  'epel-N-all',
  ...OPENSUSE_ALIASES,
];

const fedora = (version: number | 'rawhide'): Distro => ({ family: 'fedora', version });
const epel = (major: number, minor: string | null = null): Distro => ({
  family: 'epel',
  major,
  minor,
});

function minorsOf(major: number, releases: ReleasesTable): string[] {
  return releases.epel.minors.filter((minor) => minor.startsWith(`${major}.`));
}

/** The trailing minors of an EPEL major, oldest first (all its minors but the leading one). */
function trailing(major: number, releases: ReleasesTable): Distro[] {
  return minorsOf(major, releases)
    .slice(0, -1)
    .map((minor) => epel(major, minor));
}

/** Trailing minors then the leading one (the major itself), or just the major. */
function wholeMajor(major: number, releases: ReleasesTable): Distro[] {
  return [...trailing(major, releases), epel(major)];
}

function fedoraAlias(name: string, releases: ReleasesTable): Distro[] | undefined {
  const { stable, branched } = releases.fedora;
  const released = stable.map(fedora);
  const pending = branched === null ? [] : [fedora(branched)];
  switch (name) {
    case 'fedora-all':
      return [...released, ...pending, fedora('rawhide')];
    case 'fedora-stable':
      return released;
    case 'fedora-development':
      return [...pending, fedora('rawhide')];
    case 'fedora-latest':
      return pending.length > 0 ? pending : released.slice(-1);
    case 'fedora-latest-stable':
      return released.slice(-1);
    case 'fedora-branched':
      return [...released, ...pending];
    default:
      return undefined;
  }
}

function opensuseAlias(name: string, releases: ReleasesTable): Distro[] | undefined {
  const { leap, leap_micro, tumbleweed } = releases.opensuse ?? DEFAULT_OPENSUSE;
  const of = (namever: string): Distro => ({ family: 'opensuse', namever });
  const leaps = leap.map((v) => of(`opensuse-leap-${v}`));
  const micros = leap_micro.map((v) => of(`opensuse-leap-micro-${v}`));
  const rolling = tumbleweed ? [of('opensuse-tumbleweed')] : [];
  switch (name) {
    case 'opensuse-leap-all':
      return leaps;
    case 'opensuse-leap-micro-all':
      return micros;
    case 'opensuse-tumbleweed-all':
      return rolling;
    case 'opensuse-all':
      return [...leaps, ...micros, ...rolling];
    default:
      return undefined;
  }
}

/** The releases an alias stands for, or undefined when `name` is no alias. */
export function expandAlias(name: string, releases: ReleasesTable): Distro[] | undefined {
  const fedoraReleases = fedoraAlias(name, releases) ?? opensuseAlias(name, releases);
  if (fedoraReleases) return fedoraReleases;
  if (name === 'epel-all') return releases.epel.majors.flatMap((m) => wholeMajor(m, releases));
  const match = /^epel-(\d+)-(branched|all)$/.exec(name);
  if (!match) return undefined;
  const major = Number(match[1]);
  return match[2] === 'branched' ? trailing(major, releases) : wholeMajor(major, releases);
}

/** One release named the way Bodhi, Copr, Koji or dist-git spell it, or undefined. */
export function parseDistro(name: string, releases: ReleasesTable): Distro | undefined {
  if (name === 'rawhide' || name === 'fedora-rawhide') return fedora('rawhide');
  const fedoraMatch = /^(?:fedora-|f)(\d+)$/.exec(name);
  if (fedoraMatch) return fedora(Number(fedoraMatch[1]));
  const epelMatch = /^(?:epel-?|el)(\d+)(?:\.(\d+))?$/.exec(name);
  if (!epelMatch) return undefined;
  const major = Number(epelMatch[1]);
  if (epelMatch[2] === undefined) return epel(major);
  const minor = `${major}.${Number(epelMatch[2])}`;
  // The leading minor is built from the major's branch.
  return minorsOf(major, releases).at(-1) === minor ? epel(major) : epel(major, minor);
}

/** How a release is spelt as a Copr chroot (without the architecture), Koji target or branch. */
export function distroName(distro: Distro, kind: TargetKind): string {
  // Packit gives an openSUSE distribution its namever as chroot, Koji target and branch alike.
  if (distro.family === 'opensuse') return distro.namever;
  if (distro.family === 'fedora') {
    if (distro.version === 'rawhide') {
      return kind === 'copr' ? 'fedora-rawhide' : kind === 'koji' ? 'rawhide' : 'main';
    }
    return kind === 'copr' ? `fedora-${distro.version}` : `f${distro.version}`;
  }
  const { major, minor } = distro;
  if (kind === 'copr') return minor === null ? `epel-${major}` : `rhel+epel-${major}`;
  if (minor !== null) return `epel${minor}`;
  // EPEL 6 and older had `el6` branches but `epel6` Koji targets.
  return kind === 'branches' && major <= 6 ? `el${major}` : `epel${major}`;
}

/** A warning when a named release is not (or no longer) in the table, else undefined. */
export function lifecycleWarning(distro: Distro, releases: ReleasesTable): string | undefined {
  const asOf = `the releases table of ${releases.as_of}`;
  if (distro.family === 'opensuse') return undefined; // only ever from an alias of the table
  if (distro.family === 'fedora') {
    const { stable, branched, rawhide } = releases.fedora;
    const version = distro.version;
    if (version === 'rawhide' || stable.includes(version) || version === branched) return;
    if (version < (stable[0] ?? 0)) return `Fedora ${version} has reached its end of life`;
    if (version === rawhide) return `Fedora ${version} is Rawhide in ${asOf}: use fedora-rawhide`;
    return `Fedora ${version} is not a current release in ${asOf}`;
  }
  const { majors, minors } = releases.epel;
  if (!majors.includes(distro.major)) {
    return distro.major < (majors[0] ?? 0)
      ? `EPEL ${distro.major} has reached its end of life`
      : `EPEL ${distro.major} is not in ${asOf}`;
  }
  if (distro.minor !== null && !minors.includes(distro.minor)) {
    return `EPEL ${distro.minor} is not an active EPEL minor version in ${asOf} (active: ${minorsOf(distro.major, releases).join(', ') || 'none'})`;
  }
  return undefined;
}
