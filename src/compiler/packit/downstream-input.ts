/**
 * The nodes of Packit's Koji and Bodhi jobs: `koji_build[f45]` builds the dist-git commit for
 * the branch's Koji target, `upstream_koji_build[f45]` makes a scratch build of the upstream
 * commit for a Koji target, both polled in a child run; `bodhi_update[f45]` ships the build
 * its koji_build node made (read through `needs`), or the branch's latest one in Koji.
 */
import type { NodeAction } from '../../contracts/graph.js';
import type { Event } from '../../events/event.js';
import { bool, cloneUrl, committish, dict, str } from './config-values.js';
import type { BodhiUpdateInput, KojiBuildInput } from './handler-inputs.js';
import type { JobIds } from './ids.js';
import { literalValue } from './literal.js';
import type { PlannedNode } from './plan.js';
import { kojiPoll } from './policies.js';
import { PACKIT_HANDLERS } from './types.js';

/** Packit's defaults of `dist_git_base_url` and `dist_git_namespace`. */
const DIST_GIT_BASE_URL = 'https://src.fedoraproject.org';
const DIST_GIT_NAMESPACE = 'rpms';

/**
 * The Koji target fedpkg builds a dist-git branch for: Rawhide (`main`, `rawhide`) builds in
 * `rawhide`, any other branch in `<branch>-candidate`.
 */
export function kojiTargetOfBranch(branch: string): string {
  return branch === 'main' || branch === 'rawhide' ? 'rawhide' : `${branch}-candidate`;
}

/** The action of a Koji or Bodhi job's node, or null for another job type. */
export function downstreamAction(
  planned: PlannedNode,
  ctx: { event: Event; ref: string | null; ids: JobIds },
): NodeAction | null {
  const { view, target, build } = planned;
  if (target === null) return null;
  const pkg = str(view.config, 'downstream_package_name') ?? view.package;
  if (view.type === 'koji_build' || view.type === 'upstream_koji_build') {
    const downstream = view.type === 'koji_build';
    const input: KojiBuildInput = {
      package: pkg,
      target: downstream ? kojiTargetOfBranch(target.name) : target.name,
      repository: downstream ? distGitUrl(view.config, pkg) : cloneUrl(ctx.event),
      commit: committish(ctx.event, ctx.ref),
      // Packit's koji_build honours `scratch`; upstream Koji builds are always scratch.
      scratch: downstream ? bool(view.config, 'scratch', false) : true,
      dist_git_branch: downstream ? target.name : null,
    };
    return {
      kind: 'activity',
      handler: downstream ? PACKIT_HANDLERS.kojiBuild : PACKIT_HANDLERS.upstreamKojiBuild,
      input: literalValue(input),
      poll: kojiPoll(PACKIT_HANDLERS.kojiTask),
    };
  }
  if (view.type === 'bodhi_update') {
    const fields: BodhiUpdateInput = {
      package: pkg,
      dist_git_branch: target.name,
      koji_build: null,
      extra_params: dict(view.config.bodhi_extra_params),
    };
    const input: Record<string, unknown> = { ...literalValue(fields) };
    // The koji_build node's poll ends with its KojiTaskState, whose nvr Bodhi ships.
    if (build?.kind === 'node')
      input.koji_build = `\${{ needs['${ctx.ids.of(build.view).replaceAll("'", "''")}'].output }}`;
    return { kind: 'activity', handler: PACKIT_HANDLERS.bodhiUpdate, input, poll: null };
  }
  return null;
}

function distGitUrl(config: Record<string, unknown>, pkg: string): string {
  const base = (str(config, 'dist_git_base_url') ?? DIST_GIT_BASE_URL).replace(/\/+$/, '');
  const namespace = (str(config, 'dist_git_namespace') ?? DIST_GIT_NAMESPACE).replace(
    /^\/+|\/+$/g,
    '',
  );
  return `${base}/${namespace}/${pkg}.git`;
}
