/**
 * The per-job checks packit-service runs before it accepts a job for an event: the `branch`
 * regex, `require.label`, the release tag filters, `packit_instances`, and the
 * `/packit test --identifier/--labels` narrowing. Each returns a reason when the job is left
 * out, undefined when it passes.
 */
import type { JobType, JobView, PackitCommand } from './types.js';

type Check = string | undefined;

/**
 * The dist-git jobs that act on one branch of their `dist_git_branches` at a time: a push
 * builds the pushed branch, `/packit koji-build` on a pull request its target branch
 * (packit-service's PermissionOnDistgit and DownstreamKojiBuildHandler.get_branches). The
 * `branch` key does not apply to them.
 */
export const ONE_BRANCH_JOBS: ReadonlySet<JobType> = new Set<JobType>([
  'koji_build',
  'bodhi_update',
  'koji_build_tag',
]);

/** forgeflow plays Packit's production instance. */
export const PACKIT_INSTANCE = 'prod';

/**
 * Packit's `branch` is a Python regex applied with `re.match`: anchored at the start, not at
 * the end (cockpit writes `^main$` for an exact match). For `commit` jobs it defaults to the
 * repository's default branch; for `pull_request` jobs, unset means any target branch.
 */
export function checkBranch(
  view: JobView,
  ref: string | null,
  defaultBranch: string | null,
): Check {
  const configured = stringKey(view, 'branch');
  if (view.trigger === 'pull_request') {
    if (configured === null || ref === null) return undefined;
    return regexMatches(configured, ref)
      ? undefined
      : `branch "${configured}" does not match the target branch "${ref}"`;
  }
  if (view.trigger !== 'commit') return undefined;
  if (ref === null) return undefined;
  if (configured === null) {
    const wanted = defaultBranch ?? 'main';
    return ref === wanted
      ? undefined
      : `runs on pushes to the default branch "${wanted}" (no branch set), not to "${ref}"`;
  }
  return regexMatches(configured, ref)
    ? undefined
    : `branch "${configured}" does not match the pushed branch "${ref}"`;
}

/** `require: {label: {present: [...], absent: [...]}}`: one present label, none absent. */
export function checkRequiredLabels(view: JobView, labels: readonly string[] | null): Check {
  const require = record(view.config.require);
  const label = record(require?.label);
  if (!label) return undefined;
  const present = strings(label.present);
  const absent = strings(label.absent);
  const have = labels ?? [];
  if (present.length > 0 && !present.some((l) => have.includes(l)))
    return `require.label.present: the pull request has none of ${quoteAll(present)}`;
  const bad = absent.filter((l) => have.includes(l));
  if (bad.length > 0) return `require.label.absent: the pull request has ${quoteAll(bad)}`;
  return undefined;
}

/** `upstream_tag_include` / `upstream_tag_exclude` (regexes) against the release's tag. */
export function checkTag(view: JobView, tag: string | null): Check {
  if (tag === null) return undefined;
  const include = stringKey(view, 'upstream_tag_include');
  if (include !== null && !regexMatches(include, tag))
    return `upstream_tag_include "${include}" does not match tag "${tag}"`;
  const exclude = stringKey(view, 'upstream_tag_exclude');
  if (exclude !== null && regexMatches(exclude, tag))
    return `upstream_tag_exclude "${exclude}" matches tag "${tag}"`;
  return undefined;
}

/** `packit_instances` (default `[prod]`): jobs meant for staging do not run here. */
export function checkInstance(view: JobView): Check {
  const instances = view.config.packit_instances;
  const list = Array.isArray(instances) ? strings(instances) : [PACKIT_INSTANCE];
  return list.includes(PACKIT_INSTANCE)
    ? undefined
    : `packit_instances is ${list.join(', ')}: forgeflow runs the jobs of Packit's ${PACKIT_INSTANCE} instance`;
}

/**
 * `/packit test --identifier X` runs the test jobs with that identifier, `--labels a,b` those
 * with one of the labels. Without either, `test_command.default_identifier` and
 * `test_command.default_labels` of the job's package stand in.
 */
export function checkTestSelection(view: JobView, command: PackitCommand): Check {
  const defaults = record(view.config.test_command);
  const given = command.identifier !== null || command.labels.length > 0;
  const identifier = given ? command.identifier : stringOrNull(defaults?.default_identifier);
  const labels = given ? command.labels : strings(defaults?.default_labels);
  const from = given ? '' : ' (test_command default)';
  if (identifier !== null && view.identifier !== identifier)
    return `identifier ${view.identifier === null ? 'unset' : `"${view.identifier}"`} is not "${identifier}"${from}`;
  if (labels.length > 0 && !view.labels.some((l) => labels.includes(l)))
    return view.labels.length === 0
      ? `the job has no labels; the command asks for ${quoteAll(labels)}${from}`
      : `labels ${quoteAll(view.labels)} are none of ${quoteAll(labels)}${from}`;
  return undefined;
}

const regexCache = new Map<string, RegExp | null>();

/** Python's `re.match`: a match at the start of the text. An invalid pattern matches nothing. */
export function regexMatches(pattern: string, text: string): boolean {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${pattern})`, 'u');
    } catch {
      regex = null;
    }
    // Bounded: a server compiles many repositories' configs.
    if (regexCache.size >= 1_000) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  return regex !== null && regex.test(text);
}

export function stringKey(view: JobView, key: string): string | null {
  return stringOrNull(view.config[key]);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function quoteAll(list: readonly string[]): string {
  return list.map((l) => `"${l}"`).join(', ');
}
