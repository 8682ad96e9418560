/**
 * Node ids: `copr_build[fedora-45-x86_64]`, `tests:self[fedora-45-x86_64]`,
 * `propose_downstream[f45]`. The part before the bracket is the node's `job`, the name
 * `needs['…'].output` reads a build's output by. It is the job type with the identifier (a
 * monorepo view's identifier is its package); only where two views would still give the same
 * node id does the later one get more: `@package`, then `#index` in `jobs`.
 */
import type { JobView } from './types.js';

export function baseJobId(view: JobView): string {
  return view.identifier === null ? view.type : `${view.type}:${view.identifier}`;
}

export function nodeId(job: string, target: string | null): string {
  return target === null ? job : `${job}[${target}]`;
}

/**
 * The node submitting a copr_build view's one Copr build: `srpm:copr_build`. No job id starts
 * with `srpm:` (they start with a job type), so it never clashes with a view's nodes; two views
 * sharing a job id (their chroots apart) are told apart by their index in `jobs`.
 */
export function coprSubmitIds(views: readonly JobView[], ids: JobIds): Map<JobView, string> {
  const taken = new Map<JobView, string>();
  const used = new Set<string>();
  for (const view of views) {
    if (view.type !== 'copr_build' || taken.has(view)) continue;
    const base = `srpm:${ids.of(view)}`;
    const id = used.has(base) ? `${base}#${view.index}` : base;
    used.add(id);
    taken.set(view, id);
  }
  return taken;
}

/** Gives each view the first job id whose node ids no other view has taken. */
export class JobIds {
  private readonly owners = new Map<string, JobView>();
  private readonly ids = new Map<JobView, string>();

  assign(view: JobView, targets: readonly (string | null)[]): string {
    const known = this.ids.get(view);
    if (known !== undefined) return known;
    const base = baseJobId(view);
    const clashes = (job: string) =>
      targets
        .map((t) => this.owners.get(nodeId(job, t)))
        .filter((owner): owner is JobView => owner !== undefined && owner !== view);
    // The package tells views apart only when the clashing ones are of other packages.
    const otherPackages = clashes(base).every((owner) => owner.package !== view.package);
    const candidates = [
      base,
      ...(otherPackages ? [`${base}@${view.package}`] : []),
      `${base}#${view.index}`,
      `${base}#${view.index}@${view.package}`,
      `${base}#${view.index}@${view.package}/${view.trigger}`,
    ];
    const job =
      candidates.find((c) => clashes(c).length === 0) ?? candidates[candidates.length - 1]!;
    for (const t of targets) this.owners.set(nodeId(job, t), view);
    this.ids.set(view, job);
    return job;
  }

  of(view: JobView): string {
    const id = this.ids.get(view);
    if (id === undefined) throw new Error(`no job id assigned to jobs[${view.index}]`);
    return id;
  }
}
