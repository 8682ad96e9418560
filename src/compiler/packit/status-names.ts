/**
 * Commit status / check run names as packit-service writes them (reference §2.7):
 * `{job_name}[:{branch-or-tag}]:{target}[:{identifier}]`, e.g. `rpm-build:fedora-rawhide-x86_64`,
 * `testing-farm:fedora-41-x86_64:cockpit-revdeps`, `rpm-build:main:fedora-rawhide-x86_64`,
 * `propose-downstream:f43`. Keeping Packit's names keeps branch protection rules working when a
 * project moves to forgeflow. `status_name_template` replaces the whole name.
 */
import type { JobTrigger, JobType } from './types.js';
import { pyRepr } from './python-words.js';

export type StatusJobName =
  | 'rpm-build'
  | 'testing-farm'
  | 'koji-build'
  | 'downstream-koji-build'
  | 'propose-downstream'
  | 'pull-from-upstream'
  | 'vm-image-build'
  | 'bodhi-update'
  | 'koji-tag'
  | 'sync-from-downstream';

/**
 * The status name prefix of each job type. Packit's own for the upstream jobs and
 * propose/pull. Packit sets no commit status for the downstream ones (its dashboard lists
 * them; failures go to `issue_repository`), so those are forgeflow's: a dist-git koji_build is
 * `downstream-koji-build:<branch>`, never `koji-build`, which is upstream_koji_build's (a check
 * re-run of a `koji-build:` status starts upstream Koji builds).
 */
export const STATUS_JOB_NAMES: Readonly<Record<JobType, StatusJobName>> = {
  copr_build: 'rpm-build',
  tests: 'testing-farm',
  upstream_koji_build: 'koji-build',
  vm_image_build: 'vm-image-build',
  propose_downstream: 'propose-downstream',
  pull_from_upstream: 'pull-from-upstream',
  sync_from_downstream: 'sync-from-downstream',
  koji_build: 'downstream-koji-build',
  bodhi_update: 'bodhi-update',
  koji_build_tag: 'koji-tag',
};

/** Jobs whose names carry the branch or tag of a commit or release event (Packit's build helper). */
const WITH_BRANCH_OR_TAG: readonly StatusJobName[] = [
  'rpm-build',
  'testing-farm',
  'koji-build',
  'vm-image-build',
];

/** Prefixes Packit parses back from a GitHub check re-run (MAP_CHECK_PREFIX_TO_HANDLER). */
export const RERUN_JOB_NAMES: readonly StatusJobName[] = [
  'rpm-build',
  'testing-farm',
  'koji-build',
  'propose-downstream',
];

export interface StatusNameFields {
  job: StatusJobName;
  /** The chroot, Koji target or dist-git branch; null or '' leaves it out. */
  target: string | null;
  /** The job's identifier (a monorepo view's defaults to its package); null or '' leaves it out. */
  identifier?: string | null;
  trigger: JobTrigger;
  /** The pushed branch (commit trigger) or the release tag (release trigger). */
  branchOrTag?: string | null;
  /** `status_name_template`: replaces the name when it formats (Packit falls back when not). */
  template?: string | null;
  /** The package, for `{package}` in a template. */
  package?: string | null;
}

/** The branch or tag as it appears in a name (`:` would split the name, so it becomes `-`). */
function eventPart(fields: StatusNameFields): string | null {
  if (fields.trigger !== 'commit' && fields.trigger !== 'release') return null;
  return fields.branchOrTag ? fields.branchOrTag.replaceAll(':', '-') : null;
}

export function statusName(fields: StatusNameFields): string {
  const event = eventPart(fields);
  if (fields.template !== undefined && fields.template !== null) {
    const formatted = statusNameTemplate(fields.template, {
      job_name: fields.job,
      chroot: fields.target,
      event,
      identifier: fields.identifier ?? null,
      package: fields.package ?? null,
    });
    if (formatted.ok) return formatted.name;
  }
  const parts = [
    fields.job,
    WITH_BRANCH_OR_TAG.includes(fields.job) ? event : null,
    fields.target,
    fields.identifier,
  ];
  return parts.filter((part) => part !== null && part !== undefined && part !== '').join(':');
}

export interface TemplateFields {
  job_name: string | null;
  chroot: string | null;
  event: string | null;
  identifier: string | null;
  package: string | null;
}

export const TEMPLATE_FIELDS: readonly (keyof TemplateFields)[] = [
  'job_name',
  'chroot',
  'event',
  'identifier',
  'package',
];

export type TemplateResult = { ok: true; name: string } | { ok: false; error: string };

/** A field as Python's `format` shows it: str() or, with `!r`, repr(); None for null. */
function shown(value: string | null, conversion: string | undefined): string {
  if (conversion === 'r' || conversion === 'a') return pyRepr(value);
  return value ?? 'None';
}

/**
 * Python `str.format` over Packit's five fields: `{job_name}`, `{chroot}`, `{event}`,
 * `{identifier}`, `{package}` (`!s`/`!r` conversions allowed), `{{` and `}}` for braces. A null
 * field prints as `None`, as it does in Packit. Format specs, indexing and attributes are not
 * supported and are reported, like unknown fields and unbalanced braces.
 */
export function statusNameTemplate(template: string, fields: TemplateFields): TemplateResult {
  let name = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i]!;
    const next = template[i + 1];
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      name += char;
      i += 2;
      continue;
    }
    if (char === '}') return { ok: false, error: "Single '}' encountered in format string" };
    if (char !== '{') {
      name += char;
      i += 1;
      continue;
    }
    const end = template.indexOf('}', i + 1);
    if (end === -1) return { ok: false, error: "Single '{' encountered in format string" };
    const replacement = template.slice(i + 1, end);
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:!([sra]))?$/.exec(replacement);
    if (!match) {
      return {
        ok: false,
        error: `unsupported replacement field {${replacement}}: use one of ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}`,
      };
    }
    const field = match[1] as keyof TemplateFields;
    if (!TEMPLATE_FIELDS.includes(field)) {
      return {
        ok: false,
        error: `unknown field {${match[1]}} (known: ${TEMPLATE_FIELDS.join(', ')})`,
      };
    }
    name += shown(fields[field], match[2]);
    i = end + 1;
  }
  return { ok: true, name };
}

export interface ParsedStatusName {
  job: StatusJobName;
  branchOrTag: string | null;
  target: string;
  identifier: string | null;
}

/**
 * A check run's name parsed back, as packit-service does for a GitHub re-run: null when the
 * prefix is not one a re-run can start or there is no target. A name of three parts is
 * `job:branch:target` for a build or test of a commit or release event and `job:target:id`
 * otherwise, hence `trigger` (the event the check belongs to).
 */
export function parseStatusName(name: string, trigger?: JobTrigger): ParsedStatusName | null {
  const parts = name.split(':');
  // Python's split(":", maxsplit=3): the fourth part keeps any further colons.
  const [job, ...rest] =
    parts.length > 4 ? [...parts.slice(0, 3), parts.slice(3).join(':')] : parts;
  if (!RERUN_JOB_NAMES.includes(job as StatusJobName)) return null;
  const withEvent =
    (trigger === 'commit' || trigger === 'release') &&
    (job === 'rpm-build' || job === 'testing-farm');
  let fields: [string | null, string | undefined, string | null];
  if (rest.length === 1) fields = [null, rest[0], null];
  else if (rest.length === 2)
    fields = withEvent ? [rest[0]!, rest[1], null] : [null, rest[0], rest[1]!];
  else if (rest.length === 3) fields = [rest[0]!, rest[1], rest[2]!];
  else return null;
  const [branchOrTag, target, identifier] = fields;
  if (!target) return null;
  return { job: job as StatusJobName, branchOrTag, target, identifier: identifier || null };
}
