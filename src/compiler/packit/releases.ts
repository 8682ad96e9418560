/**
 * The Fedora and EPEL releases that Packit's aliases (`fedora-stable`, `epel-all`, …) expand to.
 * Packit asks Bodhi at run time; forgeflow's compiler does no I/O, so it ships a table and an
 * operator can replace it (JSON, checked by `parseReleasesTable`).
 *
 * How DEFAULT_RELEASES was worked out, for 2026-12-01:
 * - Fedora ships twice a year (April and October) and a release ends about four weeks after the
 *   release two versions later. Fedora 43 came out in 2025-10, 44 in 2026-04 and 45 in 2026-10,
 *   so on 2026-12-01 the supported releases are 43 (its end of life is due about four weeks
 *   after 45's release, i.e. in 2026-12), 44 and 45. Rawhide is 46. Nothing is branched: 47
 *   branches from Rawhide in 2027-02.
 * - EPEL majors 8, 9 and 10 are active (EPEL 7 ended on 2024-06-30 with RHEL 7's maintenance).
 * - EPEL 10 has one repository per RHEL 10 minor. The `epel10` branch (Copr chroot `epel-10`)
 *   builds for the *leading* minor, the one CentOS Stream 10 is heading for; the `epel10.N`
 *   branches build for the *trailing* minors, released RHEL 10.N (Copr builds them in the
 *   `rhel+epel-10` chroot, see targets.ts). RHEL minors come out in May and November: 10.1 in
 *   2025-11, 10.2 in 2026-05, 10.3 in 2026-11. A trailing minor is retired when the next RHEL
 *   minor is released, so on 2026-12-01 the trailing minor is 10.3 and the leading one 10.4.
 *   (Between a minor's branching and its release, Bodhi lists two trailing minors.)
 *
 * The openSUSE part is what Packit falls back to when get.opensuse.org cannot be asked: the
 * CACHED_ACTIVE_DISTRIBUTION_ALIASES of the opensuse-distro-aliases package (as of 2026-06-24:
 * Leap 15.6, 16.0 and 16.1, Leap Micro 6.1 and 6.2, Tumbleweed). A replacement table may leave
 * it out, and then keeps it.
 */
import type { OpensuseReleases, ReleasesTable } from './types.js';

export const DEFAULT_OPENSUSE: OpensuseReleases = {
  leap: ['15.6', '16.0', '16.1'],
  leap_micro: ['6.1', '6.2'],
  tumbleweed: true,
};

export const DEFAULT_RELEASES: ReleasesTable = {
  as_of: '2026-12-01',
  fedora: { rawhide: 46, branched: null, stable: [43, 44, 45] },
  epel: { majors: [8, 9, 10], minors: ['10.3', '10.4'] },
  opensuse: DEFAULT_OPENSUSE,
};

export type ReleasesParse = { ok: true; table: ReleasesTable } | { ok: false; error: string };

const MINOR_PATTERN = /^(\d+)\.(\d+)$/;

/** Minor versions ("10.3") compared numerically. */
export function compareMinors(a: string, b: string): number {
  const [, aMajor = '0', aMinor = '0'] = MINOR_PATTERN.exec(a) ?? [];
  const [, bMajor = '0', bMinor = '0'] = MINOR_PATTERN.exec(b) ?? [];
  return Number(aMajor) - Number(bMajor) || Number(aMinor) - Number(bMinor);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${JSON.stringify(value)} (${typeof value})`;
}

/** Reports keys other than `allowed` of the object at `where`. */
function unknownKeys(
  object: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  errors: string[],
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      errors.push(`unknown key "${key}" in ${where} (allowed: ${allowed.join(', ')})`);
  }
}

/** A list of distinct positive whole numbers, sorted; null (after reporting) when it is not. */
function versionList(value: unknown, where: string, errors: string[]): number[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(
      `${where} must be a non-empty list of version numbers, got ${describeValue(value)}`,
    );
    return null;
  }
  const bad = value.filter((v) => !isVersion(v));
  if (bad.length > 0) {
    errors.push(
      `${where} must hold positive whole numbers, got ${bad.map(describeValue).join(', ')}`,
    );
    return null;
  }
  const numbers = (value as number[]).slice().sort((a, b) => a - b);
  if (new Set(numbers).size !== numbers.length) {
    errors.push(`${where} lists a version twice`);
    return null;
  }
  return numbers;
}

function parseFedora(value: unknown, errors: string[]): ReleasesTable['fedora'] | null {
  if (!isRecord(value)) {
    errors.push(
      `"fedora" must be an object {rawhide, branched, stable}, got ${describeValue(value)}`,
    );
    return null;
  }
  unknownKeys(value, ['rawhide', 'branched', 'stable'], '"fedora"', errors);
  const { rawhide, branched } = value;
  const stable = versionList(value.stable, '"fedora.stable"', errors);
  if (!isVersion(rawhide)) {
    errors.push(`"fedora.rawhide" must be a version number, got ${describeValue(rawhide)}`);
    return null;
  }
  if (branched !== null && !isVersion(branched)) {
    errors.push(
      `"fedora.branched" must be a version number or null, got ${describeValue(branched)}`,
    );
    return null;
  }
  if (stable === null) return null;
  const newestStable = stable[stable.length - 1] ?? 0;
  if (newestStable >= rawhide) {
    errors.push(`"fedora.stable" must be older than Rawhide (${rawhide}), got ${newestStable}`);
  }
  if (branched !== null && (branched <= newestStable || branched >= rawhide)) {
    errors.push(
      `"fedora.branched" (${branched}) must be newer than the stable releases and older than Rawhide (${rawhide})`,
    );
  }
  return { rawhide, branched, stable };
}

function parseEpel(value: unknown, errors: string[]): ReleasesTable['epel'] | null {
  if (!isRecord(value)) {
    errors.push(`"epel" must be an object {majors, minors}, got ${describeValue(value)}`);
    return null;
  }
  unknownKeys(value, ['majors', 'minors'], '"epel"', errors);
  const majors = versionList(value.majors, '"epel.majors"', errors);
  const minors = value.minors ?? [];
  if (!Array.isArray(minors) || minors.some((m) => typeof m !== 'string')) {
    errors.push(
      `"epel.minors" must be a list of strings like "10.1", got ${describeValue(minors)}`,
    );
    return null;
  }
  const strings = minors as string[];
  for (const minor of strings) {
    const match = MINOR_PATTERN.exec(minor);
    if (!match) errors.push(`"epel.minors": "${minor}" is not a minor version like "10.1"`);
    else if (majors && !majors.includes(Number(match[1])))
      errors.push(
        `"epel.minors": "${minor}" belongs to EPEL ${match[1]}, which is not in "majors"`,
      );
  }
  if (new Set(strings).size !== strings.length) errors.push('"epel.minors" lists a version twice');
  if (majors === null) return null;
  return { majors, minors: strings.slice().sort(compareMinors) };
}

/** A list of distinct "N.N" versions, sorted oldest first; null (after reporting) when it is not. */
function minorList(value: unknown, where: string, errors: string[]): string[] | null {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !MINOR_PATTERN.test(v))) {
    errors.push(`${where} must be a list of versions like "15.6", got ${describeValue(value)}`);
    return null;
  }
  const versions = value as string[];
  if (new Set(versions).size !== versions.length) {
    errors.push(`${where} lists a version twice`);
    return null;
  }
  return versions.slice().sort(compareMinors);
}

function parseOpensuse(value: unknown, errors: string[]): OpensuseReleases | null {
  if (value === undefined) return DEFAULT_OPENSUSE;
  if (!isRecord(value)) {
    errors.push(
      `"opensuse" must be an object {leap, leap_micro, tumbleweed}, got ${describeValue(value)}`,
    );
    return null;
  }
  unknownKeys(value, ['leap', 'leap_micro', 'tumbleweed'], '"opensuse"', errors);
  const leap = minorList(value.leap ?? [], '"opensuse.leap"', errors);
  const leapMicro = minorList(value.leap_micro ?? [], '"opensuse.leap_micro"', errors);
  const tumbleweed = value.tumbleweed ?? false;
  if (typeof tumbleweed !== 'boolean') {
    errors.push(`"opensuse.tumbleweed" must be true or false, got ${describeValue(tumbleweed)}`);
    return null;
  }
  if (leap === null || leapMicro === null) return null;
  return { leap, leap_micro: leapMicro, tumbleweed };
}

/**
 * Checks an operator's replacement table (parsed JSON) and returns it with its lists sorted
 * oldest first, or every problem found, joined with "; ".
 */
export function parseReleasesTable(value: unknown): ReleasesParse {
  if (!isRecord(value)) {
    return {
      ok: false,
      error: `a releases table must be an object {as_of, fedora, epel, opensuse?}, got ${describeValue(value)}`,
    };
  }
  const errors: string[] = [];
  unknownKeys(value, ['as_of', 'fedora', 'epel', 'opensuse'], 'the releases table', errors);
  const asOf = value.as_of;
  if (
    typeof asOf !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(asOf) ||
    Number.isNaN(Date.parse(`${asOf}T00:00:00Z`)) ||
    new Date(`${asOf}T00:00:00Z`).toISOString().slice(0, 10) !== asOf
  ) {
    errors.push(`"as_of" must be a date like "2026-12-01", got ${describeValue(asOf)}`);
  }
  const fedora = parseFedora(value.fedora, errors);
  const epel = parseEpel(value.epel, errors);
  const opensuse = parseOpensuse(value.opensuse, errors);
  if (errors.length > 0 || fedora === null || epel === null || opensuse === null) {
    return { ok: false, error: `invalid releases table: ${errors.join('; ')}` };
  }
  return { ok: true, table: { as_of: asOf as string, fedora, epel, opensuse } };
}
