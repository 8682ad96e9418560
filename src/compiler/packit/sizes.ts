/**
 * The size a .packit.yaml's graph would have, counted before the work: a job is one view per
 * package and trigger, each view a copy of its inherited config, and each view's targets a node
 * that holds that config again; so a few hundred jobs over a few hundred packages, or a list of
 * targets inherited by every job, would copy the file millions of times. First the views and
 * their copies are counted from the file (before buildViews makes them), then each view's
 * targets as written (before they are expanded). Each crossing is one diagnostic at its job.
 */
import { isDict, type Dict } from '../checks/context.js';
import { COMPILE_LIMITS, count } from '../limits.js';
import { splitTrigger } from './checks/jobs.js';
import type { Report } from './report.js';
import { TARGET_DEFAULTS } from './target-defaults.js';
import type { JobView } from './types.js';
import { DEFAULT_JOBS } from './views.js';

/** What a view's node holds besides its config (ids, statuses, retry policy; measured ~1,500). */
const NODE_OVERHEAD_CHARS = 2_000;
const PICKED = new Set<JobView['type']>(['copr_build', 'tests']);

/** Before buildViews: the views and the copies of config they make. True when refused. */
export function refuseTooManyViews(report: Report, data: Dict, packageNames: string[]): boolean {
  const { maxJobs, maxGraphChars } = COMPILE_LIMITS;
  const explicit = Array.isArray(data.jobs);
  const jobs = (explicit ? data.jobs : DEFAULT_JOBS) as unknown[];
  const top = jsonLength({ ...data, packages: undefined, jobs: undefined });
  const packages = isDict(data.packages) ? data.packages : {};
  const packageChars = new Map<string, number>();
  const packageLength = (name: string) => {
    let n = packageChars.get(name);
    if (n === undefined) packageChars.set(name, (n = jsonLength(packages[name])));
    return n;
  };
  let views = 0;
  let chars = 0;
  for (const [index, job] of jobs.entries()) {
    if (!isDict(job)) continue;
    const at = explicit ? ['jobs', index] : [];
    const triggers = typeof job.trigger === 'string' ? new Set(splitTrigger(job.trigger)) : [];
    const names = packagesOf(job, packageNames);
    const made = [...triggers].length * names.length;
    views += made;
    if (views > maxJobs) {
      report.error(
        at,
        `with this job the file makes ${count(views)} job views (one per job, package and trigger); a Packit config may make at most ${count(maxJobs)}`,
        'key',
        'limits',
      );
      return true;
    }
    const own = jsonLength(job);
    for (const name of names) chars += [...triggers].length * (top + own + packageLength(name));
    if (chars > maxGraphChars) {
      report.error(
        at,
        `with this job the file's job views copy about ${mib(chars)} of settings (each view its package's and the file's); a Packit config may copy at most ${mib(maxGraphChars)}`,
        'key',
        'limits',
      );
      return true;
    }
  }
  return false;
}

/** After buildViews: the nodes the views' targets make, and the settings each node holds. */
export function refuseTooManyTargets(report: Report, views: readonly JobView[]): boolean {
  const { maxNodes, maxGraphChars } = COMPILE_LIMITS;
  // A tests job without targets of its own runs on its build's (pairing.ts): the most of them.
  const builds = new Map<string, number>();
  for (const view of views)
    if (view.type === 'copr_build')
      builds.set(view.package, Math.max(builds.get(view.package) ?? 0, writtenTargets(view)));
  let nodes = 0;
  let chars = 0;
  for (const view of views) {
    const at = view.path ?? [];
    const ownTargets = view.config[TARGET_DEFAULTS[view.type].key ?? ''] != null;
    const targets =
      view.type === 'tests' && !view.skip_build && !ownTargets
        ? Math.max(1, builds.get(view.package) ?? 0)
        : writtenTargets(view);
    nodes += targets;
    if (nodes > maxNodes) {
      report.error(
        at,
        `with this job the graph has ${count(nodes)} targets to build or test (over every package and trigger); a graph may have at most ${count(maxNodes)} nodes`,
        'key',
        'limits',
      );
      return true;
    }
    // A Copr build's or a test's input picks from the config; other jobs' inputs hold all of it.
    const settings = PICKED.has(view.type) ? 0 : jsonLength(view.config);
    chars += targets * (NODE_OVERHEAD_CHARS + settings);
    if (chars > maxGraphChars) {
      report.error(
        at,
        `with this job the graph takes about ${mib(chars)} (each target's node holds its job's settings); a graph may take at most ${mib(maxGraphChars)}`,
        'key',
        'limits',
      );
      return true;
    }
  }
  return false;
}

/** The packages a job applies to (views.ts's choice). */
function packagesOf(job: Dict, packageNames: string[]): string[] {
  const selection = job.packages;
  if (Array.isArray(selection)) return packageNames.filter((name) => selection.includes(name));
  if (isDict(selection)) return Object.keys(selection);
  return packageNames;
}

/**
 * Targets as written, before aliases expand them: entries of the list or mapping, each with
 * its `distros` (a test runs once per distro). A default or an alias expands to a few
 * releases, which the releases table bounds; one node per entry at least.
 */
function writtenTargets(view: JobView): number {
  const { key } = TARGET_DEFAULTS[view.type];
  if (key === null) return 1;
  const value = view.config[key];
  if (Array.isArray(value)) return Math.max(1, value.length);
  if (isDict(value)) {
    let n = 0;
    for (const attrs of Object.values(value)) {
      const distros = isDict(attrs) && Array.isArray(attrs.distros) ? attrs.distros.length : 0;
      n += Math.max(1, distros);
    }
    return Math.max(1, n);
  }
  return 1;
}

function jsonLength(value: unknown): number {
  return value === undefined ? 0 : JSON.stringify(value).length;
}

function mib(chars: number): string {
  return `${(chars / 1024 / 1024).toFixed(1)} MiB`;
}
