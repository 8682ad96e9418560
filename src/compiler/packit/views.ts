/**
 * From a valid file to job views, as Packit loads it (reference §1.3): a file without
 * `packages` is one package, top-level keys are inherited by each package, a job's keys
 * override its packages', `jobs[i].packages.<name>` overrides the job, a missing `jobs` means
 * Packit's three default jobs, and `trigger: "a | b"` is one view per trigger.
 */
import { splitTrigger } from './checks/jobs.js';
import { clonePlain } from './clone.js';
import { normalizeLevel, omit } from './inherit.js';
import { isDict, type Dict } from '../checks/context.js';
import { JOB_ONLY_KEYS } from './schema.js';
import type { JobTrigger, JobType, JobView, LoadedPackit, PackageConfig } from './types.js';

/** packit/config/job_config.py get_default_jobs(). */
export const DEFAULT_JOBS: readonly Dict[] = [
  { job: 'copr_build', trigger: 'pull_request', targets: ['fedora-stable'] },
  { job: 'tests', trigger: 'pull_request', targets: ['fedora-stable'] },
  { job: 'propose_downstream', trigger: 'release', dist_git_branches: ['fedora-all'] },
];

const JOB_ONLY = Object.keys(JOB_ONLY_KEYS);

/** The package of a file without `packages:`: Packit calls it by its downstream name. */
export function singlePackageName(data: Dict, repoName?: string): string {
  const name = data.downstream_package_name;
  return typeof name === 'string' && name !== '' ? name : (repoName ?? 'package');
}

export function buildViews(data: Dict, repoName?: string): LoadedPackit {
  const top = normalizeLevel(omit(data, ['packages', 'jobs', '_']));
  const monorepo = 'packages' in data;
  const packages = monorepo ? packagesOf(data, top) : singlePackage(data, top, repoName);
  const defaultJobs = !('jobs' in data);
  const jobs = (defaultJobs ? DEFAULT_JOBS : (data.jobs as Dict[])).flatMap((job, index) =>
    viewsOf(job, index, packages, defaultJobs),
  );
  return { packages, monorepo, defaultJobs, jobs };
}

/**
 * The packages a job's `packages` selects, in Packit's order: all when it is absent or empty
 * (null, [] and {} alike: its rearrange_jobs tests the value's truth), the defined ones it
 * lists, or the keys of its mapping.
 */
export function selectedPackages(selection: unknown, defined: readonly string[]): string[] {
  if (Array.isArray(selection) && selection.length > 0)
    return defined.filter((name) => selection.includes(name));
  if (isDict(selection) && Object.keys(selection).length > 0) return Object.keys(selection);
  return [...defined];
}

/**
 * A package's spec file as Packit's set_defaults gives it before anything is inherited: its
 * own, else `<downstream_package_name>.spec` when the same mapping names it, else none (and
 * then packit-service searches the repository, as forgeflow's build step does).
 */
export function ownSpecfile(level: Dict): unknown {
  const spec = level.specfile_path;
  if (typeof spec === 'string' && spec !== '') return spec;
  const name = level.downstream_package_name;
  return typeof name === 'string' && name !== '' ? `${name}.spec` : (spec ?? null);
}

function packagesOf(data: Dict, top: Dict): Record<string, PackageConfig> {
  const out: Record<string, PackageConfig> = {};
  for (const [name, raw] of Object.entries(data.packages as Dict)) {
    const own = normalizeLevel(raw as Dict);
    // A package's own name, or its key; never the top level's (Packit's setdefault order).
    const downstream = 'downstream_package_name' in own ? own.downstream_package_name : name;
    // Nor the top level's spec file: the package's own default is set first, and wins.
    const specfile_path = ownSpecfile(own);
    out[name] = { ...top, ...own, downstream_package_name: downstream, specfile_path };
  }
  return out;
}

function singlePackage(data: Dict, top: Dict, repoName?: string): Record<string, PackageConfig> {
  const name = singlePackageName(data, repoName);
  const config: PackageConfig = { ...top, paths: top.paths ?? ['./'] };
  const specfile = ownSpecfile(top);
  if (specfile !== null) config.specfile_path = specfile;
  // With neither a downstream name nor a repository name, "package" is only a label.
  if (config.downstream_package_name == null && repoName !== undefined)
    config.downstream_package_name = repoName;
  return { [name]: config };
}

function viewsOf(
  raw: Dict,
  index: number,
  packages: Record<string, PackageConfig>,
  isDefault: boolean,
): JobView[] {
  let job = normalizeLevel(omit(raw, ['metadata']));
  // The old metadata block is merged over the job (checks/jobs.ts reports the conflicts).
  if (isDict(raw.metadata)) job = { ...job, ...normalizeLevel(raw.metadata) };
  const own = omit(job, JOB_ONLY);
  const selection = job.packages;
  const names = selectedPackages(selection, Object.keys(packages));
  const several = Object.keys(packages).length > 1;
  const views: JobView[] = [];
  for (const trigger of [...new Set(splitTrigger(job.trigger as string))]) {
    for (const name of names) {
      const override =
        isDict(selection) && isDict(selection[name]) ? normalizeLevel(selection[name]) : {};
      // Each view owns its copy: YAML aliases and inheritance share objects between jobs.
      const config = clonePlain({ ...packages[name], ...own, ...override });
      views.push({
        index,
        path: isDefault ? null : ['jobs', index],
        type: job.job as JobType,
        trigger: trigger as JobTrigger,
        package: name,
        // packit's JobConfigView: a view of a file with several packages is identified by
        // its package unless the job names an identifier; a one-package job has none.
        identifier:
          typeof config.identifier === 'string' ? config.identifier : several ? name : null,
        ...(several ? { monorepo: true as const } : {}),
        skip_build: job.skip_build === true,
        manual_trigger: job.manual_trigger === true,
        labels: Array.isArray(job.labels) ? (job.labels as string[]) : [],
        config,
        ...jobExtras(job),
      });
    }
  }
  return views;
}

/** Job-only keys of side-tag jobs (koji_build and bodhi_update on koji_build). */
function jobExtras(job: Dict): Pick<JobView, 'sidetag_group' | 'dependents' | 'dependencies'> {
  return {
    ...(typeof job.sidetag_group === 'string' ? { sidetag_group: job.sidetag_group } : {}),
    ...(Array.isArray(job.dependents) ? { dependents: job.dependents as string[] } : {}),
    ...(Array.isArray(job.dependencies) ? { dependencies: job.dependencies as string[] } : {}),
  };
}
