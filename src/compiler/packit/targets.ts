/**
 * A job's `targets` or `dist_git_branches`, expanded the way Packit does: aliases resolved
 * against a releases table, each name spelt as a Copr chroot, a Koji target or a dist-git
 * branch, duplicates dropped (first place kept), and the per-target settings of the dictionary
 * form kept on every target the key expands to.
 *
 * Problems name the list index or the dictionary key (null: the value as a whole) so the
 * caller can point at the line. Deprecated and ended releases are warnings, as in Packit.
 */
import {
  ALIAS_NAMES,
  distroName,
  expandAlias,
  lifecycleWarning,
  parseDistro,
  type Distro,
  type TargetKind,
} from './aliases.js';
import { pyRepr, pyType } from './python-words.js';
import type { ReleasesTable, Target } from './types.js';

export type { TargetKind } from './aliases.js';

export interface TargetProblem {
  /** The list index or dictionary key of the entry; null for the value as a whole. */
  index: number | string | null;
  message: string;
  severity: 'error' | 'warning';
}

export interface ExpandedTargets {
  targets: Target[];
  problems: TargetProblem[];
}

/** Architectures an alias or chroot may end with (Packit's list, plus i686 and riscv64). */
export const ARCHITECTURES: readonly string[] = [
  'aarch64',
  'armhfp',
  'i386',
  'i686',
  'ppc64le',
  'riscv64',
  's390x',
  'x86_64',
];
export const DEFAULT_ARCHITECTURE = 'x86_64';

/** Per-target settings of the dictionary form (Packit's Targets field). */
export const TARGET_ATTRIBUTES = [
  'distros',
  'additional_packages',
  'additional_repos',
  'additional_modules',
  'with_opts',
  'without_opts',
] as const;
/** The one setting of a `dist_git_branches` dictionary entry. */
export const FAST_FORWARD_MERGE_INTO = 'fast_forward_merge_into';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const BRANCH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/;

const BRANCHES_SHAPE_EXAMPLE =
  'Example -> "dist_git_branches": {"fedora-rawhide": {"fast_forward_merge_into": ["f40"]}, epel9: {}}}';

interface NameProblem {
  message: string;
  severity: 'error' | 'warning';
}

const WHAT: Record<TargetKind, string> = {
  copr: 'Copr chroot',
  koji: 'Koji target',
  branches: 'dist-git branch',
};

export function shapeError(value: unknown, kind: TargetKind): string {
  const got = `got ${pyRepr(value)} (type ${pyType(value)}).`;
  return kind === 'branches'
    ? `Expected 'list[str]' or 'dict[str, dict[str, list]]', ${got}\n${BRANCHES_SHAPE_EXAMPLE}`
    : `Expected 'list[str]' or 'dict[str,dict]', ${got}`;
}

/** `name` split into what comes before a known architecture suffix and the architecture. */
export function splitArchitecture(name: string): { base: string; arch: string | undefined } {
  const dash = name.lastIndexOf('-');
  const arch = name.slice(dash + 1);
  return dash > 0 && ARCHITECTURES.includes(arch)
    ? { base: name.slice(0, dash), arch }
    : { base: name, arch: undefined };
}

/** The releases `base` stands for: an alias, one release, or undefined for neither. */
function releasesOf(
  base: string,
  releases: ReleasesTable,
  problems: NameProblem[],
): Distro[] | undefined {
  const alias = expandAlias(base, releases);
  if (alias) {
    const major = /^epel-(\d+)-/.exec(base)?.[1];
    const ended = major === undefined ? undefined : lifecycleWarning(epelMajor(major), releases);
    if (ended) problems.push({ message: `'${base}': ${ended}`, severity: 'warning' });
    else if (alias.length === 0)
      problems.push({
        message: `'${base}' stands for no release in the releases table of ${releases.as_of}`,
        severity: 'warning',
      });
    return alias;
  }
  const distro = parseDistro(base, releases);
  if (!distro) return undefined;
  const warning = lifecycleWarning(distro, releases);
  if (warning) problems.push({ message: `'${base}': ${warning}`, severity: 'warning' });
  return [distro];
}

function epelMajor(major: string): Distro {
  return { family: 'epel', major: Number(major), minor: null };
}

/** A Copr chroot that is neither an alias nor a Fedora/EPEL release, checked and passed on. */
function otherChroot(name: string, base: string, arch: string, problems: NameProblem[]): string[] {
  if (!NAME_PATTERN.test(base) || !base.includes('-')) {
    problems.push({
      message: `Cannot get build target from '${name}': use a Copr chroot such as fedora-45-x86_64 or one of the aliases ${ALIAS_NAMES.join(', ')} (optionally with an architecture, e.g. fedora-stable-aarch64)`,
      severity: 'error',
    });
    return [];
  }
  // Packit's DEPRECATED_TARGET_MAP: `centos-stream-ARCH` meant CentOS Stream 8.
  if (base === 'centos-stream') {
    problems.push({
      message: `'${name}' is deprecated: it means centos-stream-8-${arch}, and CentOS Stream 8 reached its end of life on 2024-05-31`,
      severity: 'warning',
    });
    return [`centos-stream-8-${arch}`];
  }
  if (base === 'centos-stream-8') {
    problems.push({
      message: `'${name}': CentOS Stream 8 reached its end of life on 2024-05-31`,
      severity: 'warning',
    });
  }
  return [`${base}-${arch}`];
}

/** One name of the list (or key of the dictionary) as targets of `kind`. */
function expandName(
  name: string,
  kind: TargetKind,
  releases: ReleasesTable,
  problems: NameProblem[],
): string[] {
  if (name === '' || /\s/.test(name)) {
    const why = name.trim() === '' ? 'is empty' : 'has spaces';
    problems.push({
      message: `${pyRepr(name)} is not a target: the name ${why}`,
      severity: 'error',
    });
    return [];
  }
  const { base, arch } = splitArchitecture(name);
  if (kind === 'copr') {
    const architecture = arch ?? DEFAULT_ARCHITECTURE;
    const distros = releasesOf(base, releases, problems);
    if (distros) return distros.map((d) => `${distroName(d, kind)}-${architecture}`);
    return otherChroot(name, base, architecture, problems);
  }
  // `fedora-all-x86_64` as a branch: the architecture means nothing, the alias does.
  const stripped = arch !== undefined && releasesOf(base, releases, []) !== undefined;
  if (stripped) {
    problems.push({
      message: `'${name}': a ${WHAT[kind]} has no architecture; read as '${base}'`,
      severity: 'warning',
    });
  }
  const distros = releasesOf(stripped ? base : name, releases, problems);
  if (distros) return distros.map((d) => distroName(d, kind));
  if (!(kind === 'branches' ? BRANCH_PATTERN : NAME_PATTERN).test(name)) {
    problems.push({
      message: `'${name}' is not a ${WHAT[kind]} name or an alias (${ALIAS_NAMES.join(', ')})`,
      severity: 'error',
    });
    return [];
  }
  return [name];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The settings of one dictionary entry, checked; fast_forward_merge_into expanded to branches. */
function entryAttributes(
  whole: unknown,
  attrs: Record<string, unknown>,
  kind: TargetKind,
  releases: ReleasesTable,
  problems: NameProblem[],
): Record<string, unknown> {
  if (kind === 'branches') {
    const merge = attrs[FAST_FORWARD_MERGE_INTO];
    const wellFormed = Object.keys(attrs).every((key) => key === FAST_FORWARD_MERGE_INTO);
    if (!wellFormed) {
      problems.push({ message: shapeError(whole, kind), severity: 'error' });
      return {};
    }
    if (merge === undefined || merge === null) return {};
    // Packit's schema takes any value here, and its aliases.py ignores all but a list.
    if (!isStringList(merge)) {
      problems.push({
        message: `${FAST_FORWARD_MERGE_INTO} is ${pyRepr(merge)}, not a list of branches, so no branch is fast-forwarded (as in Packit, which ignores it)`,
        severity: 'warning',
      });
      return {};
    }
    const branches = merge.flatMap((name) => expandName(name, 'branches', releases, problems));
    return { [FAST_FORWARD_MERGE_INTO]: [...new Set(branches)] };
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const expected = key === 'additional_modules' ? 'str' : 'list[str]';
    if (!(TARGET_ATTRIBUTES as readonly string[]).includes(key)) {
      problems.push({
        message: `Unknown key ${pyRepr(key)} in ${pyRepr(attrs)}`,
        severity: 'error',
      });
    } else if (expected === 'str' ? typeof value !== 'string' : !isStringList(value)) {
      problems.push({
        message: `Expected ${expected} for ${pyRepr(key)}, got ${pyRepr(value)} (type ${pyType(value)})`,
        severity: 'error',
      });
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

/** Collects targets in order; a repeated target keeps its place and gains the later settings. */
class TargetList {
  private readonly byName = new Map<string, Target>();
  readonly problems: TargetProblem[] = [];

  add(names: string[], attrs: Record<string, unknown>, index: number | string | null): void {
    for (const name of names) {
      const existing = this.byName.get(name);
      if (!existing) {
        this.byName.set(name, { name, attrs: structuredClone(attrs) });
        continue;
      }
      for (const [key, value] of Object.entries(attrs)) {
        if (key in existing.attrs && JSON.stringify(existing.attrs[key]) !== JSON.stringify(value))
          this.problems.push({
            index,
            message: `'${name}' is listed more than once with different ${pyRepr(key)}; the last one is used`,
            severity: 'warning',
          });
        existing.attrs[key] = structuredClone(value);
      }
    }
  }

  report(index: number | string | null, problems: NameProblem[]): void {
    for (const problem of problems) this.problems.push({ index, ...problem });
  }

  get targets(): Target[] {
    return [...this.byName.values()];
  }
}

/**
 * Expands a raw `targets` (kind 'copr' or 'koji') or `dist_git_branches` (kind 'branches')
 * value: undefined or null (nothing: apply `defaultTargets`), a string, a list of strings, or a
 * dictionary name → settings.
 */
export function expandTargets(
  value: unknown,
  kind: TargetKind,
  releases: ReleasesTable,
): ExpandedTargets {
  const list = new TargetList();
  if (value === undefined || value === null) return { targets: [], problems: [] };
  // [where a problem points, the name, its settings]; a lone string is the value as a whole.
  const entries: [number | string | null, unknown, unknown][] =
    typeof value === 'string'
      ? [[null, value, {}]]
      : Array.isArray(value)
        ? value.map((item, i) => [i, item, {}])
        : isRecord(value)
          ? Object.entries(value).map(([key, attrs]) => [key, key, attrs])
          : [];
  if (entries.length === 0 && !Array.isArray(value) && !isRecord(value)) {
    list.report(null, [{ message: shapeError(value, kind), severity: 'error' }]);
  }
  for (const [index, name, attrs] of entries) {
    const problems: NameProblem[] = [];
    if (typeof name !== 'string') {
      problems.push({
        message: `Expected a target name (a string), got ${pyRepr(name)} (type ${pyType(name)})`,
        severity: 'error',
      });
    } else if (attrs !== null && !isRecord(attrs)) {
      problems.push({ message: shapeError(value, kind), severity: 'error' });
    } else {
      const settings = entryAttributes(value, attrs ?? {}, kind, releases, problems);
      list.add(expandName(name, kind, releases, problems), settings, index);
    }
    list.report(index, problems);
  }
  return { targets: list.targets, problems: list.problems };
}
