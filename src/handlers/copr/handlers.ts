/**
 * `copr.build` (make the project ready, submit one build for all the chroots of a job, as
 * packit-service does: submit.ts) and `copr.build_status` (follow one chroot of it: its first
 * call and its poll). A run retry of a chroot that failed builds that chroot again, alone: Copr
 * has no resubmit, so the chroot's node carries the build input it needs (rebuild.ts).
 */
import type {
  CoprBuildRef,
  CoprBuildStatus,
  CoprBuildStatusInput,
  CoprSubmittedBuild,
} from '../../compiler/packit/handler-inputs.js';
import { coprBuildSpec, coprBuildStatusSpec } from './specs.js';
import { lazyClient } from '../packit-submit.js';
import type { Handler } from '../types.js';
import { HandlerError } from '../../contracts/errors.js';
import { CoprClient, type CoprClientOptions, type CoprSettings } from './client.js';
import { COPR_NOT_STARTED, coprPhase, type CoprPhase } from './lifecycle.js';
import { rebuildsChroot } from './rebuild.js';
import { builtResults } from './results.js';
import { submitCoprBuild, type CoprBuildRunInput } from './submit.js';

export type { CoprBuildRunInput } from './submit.js';

export type CoprBuildStatusRunInput = Pick<CoprBuildStatusInput, 'build_id' | 'chroot'> &
  Partial<CoprBuildStatusInput>;

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

export function coprBuildHandler(
  client: () => CoprClient,
): Handler<CoprBuildRunInput, CoprSubmittedBuild & { chroot?: string }> {
  return {
    spec: coprBuildSpec,
    async run(input, context) {
      const build = await submitCoprBuild(client(), input, context, 'copr.build');
      // A pipeline's one `chroot` gets it back, so copr.build_status can poll `${{ output }}`.
      const one = input.chroots === undefined && input.chroot !== undefined;
      return {
        ...build,
        ...(one ? { chroot: build.chroots[0] } : {}),
        // Which run attempt submitted it: a chroot's node tells a build of an earlier one.
        ...(input.run_attempt === undefined ? {} : { run_attempt: input.run_attempt }),
      };
    },
  };
}

/** Where one chroot of a build is: Copr's chroot, and the SRPM build while it has not started. */
interface ChrootRead {
  ref: CoprBuildRef;
  state: string;
  result_url: string | null;
  source: string | null;
  phase: CoprPhase;
}

async function readChroot(
  copr: CoprClient,
  ref: CoprBuildRef,
  signal: AbortSignal,
): Promise<ChrootRead> {
  const found = await copr.getBuildChroot(ref.build_id, ref.chroot, signal);
  // Before its chroot starts, a build is where its SRPM build is.
  const source = COPR_NOT_STARTED.includes(found.state)
    ? (await copr.getSourceChroot(ref.build_id, signal)).state
    : null;
  return {
    ref,
    state: found.state,
    result_url: found.result_url,
    source,
    phase: coprPhase(found.state, source),
  };
}

const failedEnd = (phase: CoprPhase) => phase.ended && !phase.ok;

export function coprBuildStatusHandler(
  client: () => CoprClient,
): Handler<CoprBuildStatusRunInput, CoprBuildStatus> {
  return {
    spec: coprBuildStatusSpec,
    async run(input, context) {
      const copr = client();
      const id = input.build_id;
      const chroot = input.chroot;
      let read = await readChroot(
        copr,
        {
          build_id: id,
          owner: input.owner ?? '',
          project: input.project ?? '',
          chroot,
          url:
            input.url ??
            (input.owner && input.project ? copr.buildUrl(input.owner, input.project, id) : ''),
        },
        context.signal,
      );
      if (failedEnd(read.phase) && rebuildsChroot(input)) {
        // A run retry of the chroot that failed: a new build of it alone, followed from here.
        const build = await submitCoprBuild(
          copr,
          input.rebuild!.build,
          context,
          'copr.build_status',
        );
        context.log.line(
          'system',
          `${chroot} failed in Copr build ${id} in an earlier attempt of the run: building it again alone as Copr build ${build.build_id}`,
        );
        const { build_id, owner, project, url } = build;
        read = await readChroot(copr, { build_id, owner, project, chroot, url }, context.signal);
      }
      const { ref, phase, source } = read;
      const status = {
        state: 'running' as const,
        description: phase.description,
        target_url: ref.url === '' ? null : ref.url,
      };
      const details = { ...ref, state: read.state, result_url: read.result_url, status };
      if (phase.ended && !phase.ok) {
        const where = phase.srpm ? ref.url : (read.result_url ?? ref.url);
        const what = phase.srpm
          ? `its SRPM build ${source === 'canceled' ? 'was canceled' : 'failed'}, so ${chroot} was not built`
          : `${read.state === 'canceled' ? 'was canceled' : 'failed'} in ${chroot}`;
        throw new HandlerError(
          'CoprBuildFailed',
          `Copr build ${ref.build_id} ${what}${where ? `: ${where}` : ''}`,
          {
            nonRetryable: true,
            details: phase.srpm ? { ...details, srpm_state: source } : details,
          },
        );
      }
      // Built: what its tests are told of the build (packit-service's PACKIT_* variables).
      const results = phase.ended
        ? await builtResults(copr, ref, read.result_url, context.signal)
        : {};
      return {
        ...ref,
        state: read.state,
        ended: phase.ended,
        result_url: read.result_url,
        status,
        ...results,
      };
    },
  };
}
