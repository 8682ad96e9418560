/**
 * The input of a copr_build job view's one `copr.build` node: all the chroots planned for it
 * (packit-service submits one build per job and package), each chroot's own settings apart.
 */
import type { Event } from '../../events/event.js';
import { bool, cloneUrl, committish, list, num, str, subdirectory } from './config-values.js';
import { defaultCoprProject } from './copr-project.js';
import type { CoprBuildInput, CoprBuildroot } from './handler-inputs.js';
import type { JobView, Target } from './types.js';

/** Packit's default `timeout` of a Copr build, seconds. */
export const DEFAULT_COPR_TIMEOUT_S = 7200;

export function coprBuildInput(
  view: JobView,
  targets: readonly Target[],
  event: Event,
  ref: string | null,
): CoprBuildInput {
  const { config } = view;
  const chrootSettings: Record<string, Partial<CoprBuildroot>> = {};
  for (const target of targets) {
    const own = chrootBuildroot(target);
    if (Object.keys(own).length > 0) chrootSettings[target.name] = own;
  }
  return {
    owner: str(config, 'owner'),
    project: str(config, 'project') ?? defaultCoprProject(event, view, ref),
    chroots: targets.map((t) => t.name),
    clone_url: cloneUrl(event),
    committish: committish(event, ref),
    subdirectory: subdirectory(config),
    specfile_path: str(config, 'specfile_path'),
    package: str(config, 'downstream_package_name') ?? view.package,
    srpm_build_deps: list(config.srpm_build_deps),
    timeout_s: num(config, 'timeout', DEFAULT_COPR_TIMEOUT_S),
    enable_net: bool(config, 'enable_net', false),
    bootstrap: str(config, 'bootstrap'),
    // Project-wide settings here, each chroot's own in chroot_settings (Packit merges them so).
    additional_packages: list(config.additional_packages),
    additional_repos: list(config.additional_repos),
    additional_modules: null,
    with_opts: [],
    without_opts: [],
    chroot_settings: chrootSettings,
    module_hotfixes: bool(config, 'module_hotfixes', false),
    preserve_project: bool(config, 'preserve_project', false),
    list_on_homepage: bool(config, 'list_on_homepage', false),
    description: describeBuild(event, view),
  };
}

/** A target's own buildroot settings (`targets: {chroot: {additional_packages: …}}`), those it has. */
function chrootBuildroot(target: Target): Partial<CoprBuildroot> {
  const attrs = target.attrs;
  const own: Partial<CoprBuildroot> = {};
  for (const key of [
    'additional_packages',
    'additional_repos',
    'with_opts',
    'without_opts',
  ] as const) {
    const values = list(attrs[key]);
    if (values.length > 0) own[key] = values;
  }
  if (typeof attrs.additional_modules === 'string')
    own.additional_modules = attrs.additional_modules;
  return own;
}

function describeBuild(event: Event, view: JobView): string {
  const what = event.pr
    ? `pull request #${event.pr.number}`
    : view.trigger === 'release'
      ? 'releases'
      : `pushes to ${event.branch ?? 'the repository'}`;
  return `Packit copr_build of ${event.repo.full_name} for ${what} (forgeflow)`;
}
