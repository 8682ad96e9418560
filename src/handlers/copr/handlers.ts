/**
 * `copr.build` (make the project ready, submit one build for one chroot) and
 * `copr.build_status` (its poll: read the build's chroot). A submitted build's id is
 * heartbeated before the handler returns, so an attempt that crashed in between finds it in
 * `lastHeartbeatDetails` and does not build twice.
 */
import type {
  CoprBuildInput,
  CoprBuildRef,
  CoprBuildStatus,
  CoprBuildStatusInput,
} from '../../compiler/packit/handler-inputs.js';
import { coprBuildSpec, coprBuildStatusSpec } from './specs.js';
import { lazyClient, submitOnce } from '../packit-submit.js';
import type { Handler } from '../types.js';
import { HandlerError } from '../../contracts/errors.js';
import { CoprClient, type CoprClientOptions, type CoprSettings } from './client.js';
import { sourceScript } from './source-script.js';

/** What copr.build needs; the rest of CoprBuildInput has Packit's defaults. */
export type CoprBuildRunInput = Pick<
  CoprBuildInput,
  'project' | 'chroot' | 'clone_url' | 'committish'
> &
  Partial<CoprBuildInput>;

export type CoprBuildStatusRunInput = Pick<CoprBuildStatusInput, 'build_id' | 'chroot'> &
  Partial<CoprBuildStatusInput>;

/** Chroot states that end a build well: built, forked from another project, built before. */
export const COPR_SUCCEEDED = ['succeeded', 'forked', 'skipped'];
export const COPR_FAILED = ['failed', 'canceled'];
const DEFAULT_TIMEOUT_S = 7200;

/** What a heartbeat of copr.build records once the build exists. */
interface SubmittedBuild {
  copr_build_id: number;
  owner: string;
  project: string;
  chroot: string;
}

const OWNER = /^@?[\w.-]+$/;
const PROJECT = /^[\w.-]+$/;
const CHROOT = /^[\w.+-]+$/;

function badInput(message: string): HandlerError {
  return new HandlerError('CoprBadInput', message, { nonRetryable: true });
}

/** A client, or NotConfigured naming the missing setting. */
export function coprClientFactory(
  settings: CoprSettings,
  options: CoprClientOptions = {},
): () => CoprClient {
  return lazyClient(
    () =>
      !settings.token
        ? 'Copr is not configured: set FORGEFLOW_COPR_TOKEN and FORGEFLOW_COPR_LOGIN (the token and login of https://copr.fedorainfracloud.org/api; FORGEFLOW_COPR_URL for another instance) to run copr_build jobs'
        : !settings.login
          ? 'Copr is not configured: FORGEFLOW_COPR_TOKEN is set but FORGEFLOW_COPR_LOGIN is not (the `login` of ~/.config/copr)'
          : null,
    () => new CoprClient({ ...settings, login: settings.login!, token: settings.token! }, options),
  );
}

function submittedBuild(details: unknown, want: Omit<SubmittedBuild, 'copr_build_id'>) {
  const found = details as Partial<SubmittedBuild> | null | undefined;
  if (
    typeof found?.copr_build_id !== 'number' ||
    found.owner !== want.owner ||
    found.project !== want.project ||
    found.chroot !== want.chroot
  )
    return null;
  return found.copr_build_id;
}

export function coprBuildHandler(
  client: () => CoprClient,
): Handler<CoprBuildRunInput, CoprBuildRef> {
  return {
    spec: coprBuildSpec,
    async run(input, context) {
      const copr = client();
      const { project, chroot } = input;
      // Checked before anything is sent: a refused input changes nothing in Copr.
      const sources = sourceScript({
        clone_url: input.clone_url,
        committish: input.committish,
        subdirectory: input.subdirectory ?? '.',
        specfile_path: input.specfile_path ?? null,
        package: input.package ?? '',
        srpm_build_deps: input.srpm_build_deps ?? [],
      });
      if (!PROJECT.test(project))
        throw badInput(
          `Copr project names are letters, digits, underscores, dashes and dots; got ${JSON.stringify(project)}`,
        );
      if (!CHROOT.test(chroot)) throw badInput(`not a Copr chroot: ${JSON.stringify(chroot)}`);
      const owner = input.owner ?? (await copr.defaultOwner(context.signal));
      if (!OWNER.test(owner)) throw badInput(`not a Copr owner: ${JSON.stringify(owner)}`);
      const ref = (id: number): CoprBuildRef => ({
        build_id: id,
        owner,
        project,
        chroot,
        url: copr.buildUrl(owner, project, id),
      });

      const enableNet = input.enable_net ?? false;
      const bootstrap = input.bootstrap ?? null;
      const ensure = () =>
        copr.ensureProject(
          {
            owner,
            project,
            chroot,
            description: input.description ?? `Builds of ${input.package ?? project} by forgeflow`,
            enable_net: enableNet,
            bootstrap,
            module_hotfixes: input.module_hotfixes ?? false,
            preserve_project: input.preserve_project ?? false,
            list_on_homepage: input.list_on_homepage ?? false,
          },
          {
            additional_packages: input.additional_packages ?? [],
            additional_repos: input.additional_repos ?? [],
            additional_modules: input.additional_modules ?? null,
            with_opts: input.with_opts ?? [],
            without_opts: input.without_opts ?? [],
          },
          context.signal,
        );
      const submit = () =>
        copr.createCustomBuild(
          {
            owner,
            project,
            chroot,
            ...sources,
            timeout_s: input.timeout_s ?? DEFAULT_TIMEOUT_S,
            enable_net: enableNet,
            bootstrap,
          },
          context.signal,
        );
      const id = await submitOnce(context, 'copr.build', {
        earlier: (details) => submittedBuild(details, { owner, project, chroot }),
        exists: async (earlier) => (await copr.getBuild(earlier, context.signal)) !== null,
        submit: async () => {
          await ensure();
          const build = await submit().catch(async (error: unknown) => {
            // Two builds of one project adding their chroots at once can drop each other's:
            // make sure of ours once more and submit again.
            if (!(error instanceof HandlerError && error.type === 'CoprRequestError')) throw error;
            if (!error.message.includes(chroot)) throw error;
            await ensure();
            return submit();
          });
          return build.id;
        },
        record: (buildId) =>
          ({ copr_build_id: buildId, owner, project, chroot }) satisfies SubmittedBuild,
      });
      context.log.line(
        'system',
        `Copr build ${id} of ${owner}/${project} for ${chroot}: ${ref(id).url}`,
      );
      return ref(id);
    },
  };
}

export function coprBuildStatusHandler(
  client: () => CoprClient,
): Handler<CoprBuildStatusRunInput, CoprBuildStatus> {
  return {
    spec: coprBuildStatusSpec,
    async run(input, context) {
      const copr = client();
      const id = input.build_id;
      const chroot = input.chroot;
      const found = await copr.getBuildChroot(id, chroot, context.signal);
      const ref: CoprBuildRef = {
        build_id: id,
        owner: input.owner ?? '',
        project: input.project ?? '',
        chroot,
        url:
          input.url ??
          (input.owner && input.project ? copr.buildUrl(input.owner, input.project, id) : ''),
      };
      const details = { ...ref, state: found.state, result_url: found.result_url };
      if (COPR_FAILED.includes(found.state)) {
        const where = found.result_url ?? ref.url;
        throw new HandlerError(
          'CoprBuildFailed',
          `Copr build ${id} ${found.state === 'canceled' ? 'was canceled' : 'failed'} in ${chroot}${where ? `: ${where}` : ''}`,
          { nonRetryable: true, details },
        );
      }
      const ended = COPR_SUCCEEDED.includes(found.state);
      if (!ended) {
        // A failed SRPM build leaves the chroots waiting for good: the build says it ended.
        const build = await copr.getBuild(id, context.signal);
        if (build !== null && COPR_FAILED.includes(build.state))
          throw new HandlerError(
            'CoprBuildFailed',
            `Copr build ${id} ${build.state === 'canceled' ? 'was canceled' : 'failed'} before ${chroot} was built (its SRPM?)${ref.url ? `: ${ref.url}` : ''}`,
            { nonRetryable: true, details: { ...details, build_state: build.state } },
          );
      }
      return { ...ref, state: found.state, ended, result_url: found.result_url };
    },
  };
}
