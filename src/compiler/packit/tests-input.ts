/**
 * The input of a `testing_farm.run` node: one target of one tests job view. The tmt plans come
 * from the repository at the event's commit unless the job points elsewhere (`fmf_url`, then
 * `fmf_ref` or the other repository's default branch).
 */
import type { Event } from '../../events/event.js';
import { cloneUrl, committish, dict, str } from './config-values.js';
import type { CoprBuildRef, TestingFarmRunInput } from './handler-inputs.js';
import { splitArchitecture } from './targets.js';
import { testEnvironments } from './test-environments.js';
import type { JobView, Target } from './types.js';

export function testingFarmInput(
  view: JobView,
  target: Target,
  event: Event,
  ref: string | null,
  /** A `${{ needs[…].output }}` template, a reused build, or null with `skip_build`. */
  copr: string | CoprBuildRef | null,
): Omit<TestingFarmRunInput, 'copr_build'> & { copr_build: string | CoprBuildRef | null } {
  const { config } = view;
  const ownUrl = str(config, 'fmf_url');
  const { base: distro, arch } = splitArchitecture(target.name);
  return {
    fmf_url: ownUrl ?? cloneUrl(event),
    fmf_ref: str(config, 'fmf_ref') ?? (ownUrl === null ? committish(event, ref) : ''),
    fmf_path: str(config, 'fmf_path'),
    tmt_plan: str(config, 'tmt_plan'),
    environments: testEnvironments(target.name, target.attrs),
    copr_build: copr,
    variables: Object.fromEntries(
      // Packit does not type-check `env` values (`MYVAR: 5` is valid): all become text.
      Object.entries(dict(config.env)).map(([k, v]) => [
        k,
        typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
      ]),
    ),
    tmt_context: { distro, arch: arch ?? 'x86_64', trigger: view.trigger },
    post_install_script: str(config, 'tf_post_install_script'),
    extra_params: dict(config.tf_extra_params),
  };
}
