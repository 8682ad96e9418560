/**
 * The input of a `testing_farm.run` node: one test target of one tests job view (Packit sends
 * one request per test target). The tmt plans come from the repository at the event's commit
 * unless the job points elsewhere (`fmf_url`, then `fmf_ref` or, without one, no ref: the other
 * repository's default branch).
 */
import type { Event } from '../../events/event.js';
import { cloneUrl, committish, dict, str } from './config-values.js';
import type { CoprBuildRef, TestingFarmRunInput } from './handler-inputs.js';
import type { TestTarget } from './test-environments.js';
import type { JobView } from './types.js';

/** Packit's tmt context: the same trigger whatever the event (plans `adjust` on these). */
const PACKIT_CONTEXT = { trigger: 'commit', initiator: 'packit' };

export function testingFarmInput(
  view: JobView,
  target: TestTarget,
  event: Event,
  ref: string | null,
  /** A `${{ needs[…].output }}` template, a reused build, or null with `skip_build`. */
  copr: string | CoprBuildRef | null,
  /** `/packit test --env K=V`: over the job's env; an empty value unsets K. */
  commandEnv: Readonly<Record<string, string>> = {},
): Omit<TestingFarmRunInput, 'copr_build'> & { copr_build: string | CoprBuildRef | null } {
  const { config } = view;
  const ownUrl = str(config, 'fmf_url');
  const { distro, arch, compose } = target;
  return {
    fmf_url: ownUrl ?? cloneUrl(event),
    fmf_ref: str(config, 'fmf_ref') ?? (ownUrl === null ? committish(event, ref) : null),
    fmf_path: str(config, 'fmf_path'),
    tmt_plan: str(config, 'tmt_plan'),
    environments: [{ compose, arch }],
    copr_build: copr,
    variables: testVariables(view, event, commandEnv),
    tmt_context: { distro, arch, ...PACKIT_CONTEXT },
    post_install_script: str(config, 'tf_post_install_script'),
    extra_params: dict(config.tf_extra_params),
  };
}

/**
 * The tests' environment as Packit sets it: its PACKIT_* variables (those known before the
 * build; the handler adds PACKIT_COPR_PROJECT), then the job's `env` over them, then
 * `/packit test --env` over both. A Map, so a variable named `__proto__` is one like any other.
 */
function testVariables(
  view: JobView,
  event: Event,
  commandEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const { config } = view;
  const pr = event.pr;
  const downstream = str(config, 'downstream_package_name') ?? view.package;
  const distGit = (str(config, 'dist_git_base_url') ?? 'https://src.fedoraproject.org/').replace(
    /\/*$/,
    '/',
  );
  const predefined: [string, string | number | null | undefined][] = [
    ['PACKIT_FULL_REPO_NAME', event.repo.full_name],
    ['PACKIT_UPSTREAM_NAME', str(config, 'upstream_package_name') ?? event.repo.name],
    ['PACKIT_UPSTREAM_URL', str(config, 'upstream_project_url')],
    ['PACKIT_DOWNSTREAM_NAME', downstream],
    [
      'PACKIT_DOWNSTREAM_URL',
      `${distGit}${str(config, 'dist_git_namespace') ?? 'rpms'}/${downstream}.git`,
    ],
    ['PACKIT_PACKAGE_NAME', downstream],
    ['PACKIT_COMMIT_SHA', event.sha ?? pr?.head_sha],
    ['PACKIT_TAG_NAME', event.release?.tag ?? event.tag],
    ['PACKIT_SOURCE_SHA', pr?.head_sha],
    ['PACKIT_TARGET_SHA', pr?.base_sha],
    ['PACKIT_SOURCE_BRANCH', pr?.head_ref],
    ['PACKIT_TARGET_BRANCH', pr?.base_ref],
    ['PACKIT_SOURCE_URL', pr && pr.from_fork === false ? event.repo.html_url : null],
    ['PACKIT_TARGET_URL', pr ? event.repo.html_url : null],
    ['PACKIT_PR_ID', pr?.number],
  ];
  const variables = new Map<string, string>();
  for (const [name, value] of predefined)
    if (value !== null && value !== undefined && value !== '') variables.set(name, String(value));
  // Packit does not type-check `env` values (`MYVAR: 5` is valid): all become text.
  for (const [name, value] of Object.entries(dict(config.env)))
    variables.set(
      name,
      typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
    );
  for (const [name, value] of Object.entries(commandEnv))
    if (value === '') variables.delete(name);
    else variables.set(name, value);
  return Object.fromEntries(variables);
}
