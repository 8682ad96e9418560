/** The input of a `copr.build` node: one chroot of one copr_build job view. */
import type { Event } from '../../events/event.js';
import { bool, cloneUrl, committish, list, num, str, subdirectory } from './config-values.js';
import { defaultCoprProject } from './copr-project.js';
import type { CoprBuildInput } from './handler-inputs.js';
import type { JobView, Target } from './types.js';

/** Packit's default `timeout` of a Copr build, seconds. */
export const DEFAULT_COPR_TIMEOUT_S = 7200;

export function coprBuildInput(
  view: JobView,
  target: Target,
  event: Event,
  ref: string | null,
): CoprBuildInput {
  const { config } = view;
  const attrs = target.attrs;
  const modules = typeof attrs.additional_modules === 'string' ? attrs.additional_modules : null;
  return {
    owner: str(config, 'owner'),
    project: str(config, 'project') ?? defaultCoprProject(event, view, ref),
    chroot: target.name,
    clone_url: cloneUrl(event),
    committish: committish(event, ref),
    subdirectory: subdirectory(config),
    specfile_path: str(config, 'specfile_path'),
    package: str(config, 'downstream_package_name') ?? view.package,
    srpm_build_deps: list(config.srpm_build_deps),
    timeout_s: num(config, 'timeout', DEFAULT_COPR_TIMEOUT_S),
    enable_net: bool(config, 'enable_net', false),
    bootstrap: str(config, 'bootstrap'),
    // Project-wide settings first, then the chroot's own (Packit merges them the same way).
    additional_packages: [...list(config.additional_packages), ...list(attrs.additional_packages)],
    additional_repos: [...list(config.additional_repos), ...list(attrs.additional_repos)],
    additional_modules: modules,
    with_opts: list(attrs.with_opts),
    without_opts: list(attrs.without_opts),
    module_hotfixes: bool(config, 'module_hotfixes', false),
    preserve_project: bool(config, 'preserve_project', false),
    list_on_homepage: bool(config, 'list_on_homepage', false),
    description: describeBuild(event, view),
  };
}

function describeBuild(event: Event, view: JobView): string {
  const what = event.pr
    ? `pull request #${event.pr.number}`
    : view.trigger === 'release'
      ? 'releases'
      : `pushes to ${event.branch ?? 'the repository'}`;
  return `Packit copr_build of ${event.repo.full_name} for ${what} (forgeflow)`;
}
