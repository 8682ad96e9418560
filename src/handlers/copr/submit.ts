/**
 * Submitting one Copr build of a repository's commit for some chroots: the input checked, the
 * project made ready (created, or the missing chroots enabled, each chroot's own settings
 * applied), then one custom build. The build id is heartbeated before anything returns, so an
 * attempt that crashed in between finds it in `lastHeartbeatDetails` and does not build twice.
 * `copr.build` submits a job's build; `copr.build_status` one chroot's again on a run retry.
 */
import type {
  CoprBuildInput,
  CoprBuildroot,
  CoprSubmittedBuild,
} from '../../compiler/packit/handler-inputs.js';
import { submitOnce } from '../packit-submit.js';
import type { HandlerContext } from '../types.js';
import { HandlerError } from '../../contracts/errors.js';
import type { CoprChrootSettings, CoprClient } from './client.js';
import { sourceScript } from './source-script.js';

/** What a build needs (`chroots`, or one `chroot`); the rest has Packit's defaults. */
export type CoprBuildRunInput = Pick<CoprBuildInput, 'project' | 'clone_url' | 'committish'> &
  Partial<CoprBuildInput> & { chroot?: string };

const DEFAULT_TIMEOUT_S = 7200;

/** What a heartbeat of copr.build records once the build exists. */
interface SubmittedBuild {
  copr_build_id: number;
  owner: string;
  project: string;
  chroots: string[];
}

const OWNER = /^@?[\w.-]+$/;
const PROJECT = /^[\w.-]+$/;
const CHROOT = /^[\w.+-]+$/;
/** Chroots one build may ask for (Copr has about a hundred; a job asks for a few). */
const MAX_CHROOTS = 200;

export function badInput(message: string): HandlerError {
  return new HandlerError('CoprBadInput', message, { nonRetryable: true });
}

/** The build an earlier attempt of this node submitted, when it was for the same chroots. */
function submittedBuild(details: unknown, want: Omit<SubmittedBuild, 'copr_build_id'>) {
  const found = details as Partial<SubmittedBuild> | null | undefined;
  if (
    typeof found?.copr_build_id !== 'number' ||
    found.owner !== want.owner ||
    found.project !== want.project ||
    !Array.isArray(found.chroots) ||
    found.chroots.join(' ') !== want.chroots.join(' ')
  )
    return null;
  return found.copr_build_id;
}

/** The chroots asked for, checked: `chroots`, or a pipeline's single `chroot`. */
function chrootsOf(input: CoprBuildRunInput): string[] {
  const chroots = input.chroots ?? (input.chroot === undefined ? [] : [input.chroot]);
  if (chroots.length === 0) throw badInput('copr.build needs `chroots` (or one `chroot`)');
  if (chroots.length > MAX_CHROOTS)
    throw badInput(`copr.build takes at most ${MAX_CHROOTS} chroots; got ${chroots.length}`);
  const bad = chroots.find((chroot) => typeof chroot !== 'string' || !CHROOT.test(chroot));
  if (bad !== undefined) throw badInput(`not a Copr chroot: ${JSON.stringify(bad)}`);
  return [...new Set(chroots)];
}

/** Each chroot's buildroot: the project-wide settings, then the chroot's own added. */
function buildroots(
  input: CoprBuildRunInput,
  chroots: readonly string[],
): Map<string, CoprChrootSettings> {
  const own = input.chroot_settings ?? {};
  return new Map(
    chroots.map((chroot) => {
      const extra: Partial<CoprBuildroot> = Object.hasOwn(own, chroot) ? own[chroot]! : {};
      return [
        chroot,
        {
          additional_packages: [
            ...(input.additional_packages ?? []),
            ...(extra.additional_packages ?? []),
          ],
          additional_repos: [...(input.additional_repos ?? []), ...(extra.additional_repos ?? [])],
          additional_modules: extra.additional_modules ?? input.additional_modules ?? null,
          with_opts: [...(input.with_opts ?? []), ...(extra.with_opts ?? [])],
          without_opts: [...(input.without_opts ?? []), ...(extra.without_opts ?? [])],
        },
      ];
    }),
  );
}

/** Submits the build `input` asks for, once per node (see the file's comment). */
export async function submitCoprBuild(
  copr: CoprClient,
  input: CoprBuildRunInput,
  context: HandlerContext,
  handler: string,
): Promise<CoprSubmittedBuild> {
  const { project } = input;
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
  const chroots = chrootsOf(input);
  const owner = input.owner ?? (await copr.defaultOwner(context.signal));
  if (!OWNER.test(owner)) throw badInput(`not a Copr owner: ${JSON.stringify(owner)}`);

  const enableNet = input.enable_net ?? false;
  const bootstrap = input.bootstrap ?? null;
  const ensure = () =>
    copr.ensureProject(
      {
        owner,
        project,
        chroots,
        description: input.description ?? `Builds of ${input.package ?? project} by forgeflow`,
        enable_net: enableNet,
        bootstrap,
        module_hotfixes: input.module_hotfixes ?? false,
        preserve_project: input.preserve_project ?? false,
        list_on_homepage: input.list_on_homepage ?? false,
      },
      buildroots(input, chroots),
      context.signal,
    );
  const submit = () =>
    copr.createCustomBuild(
      {
        owner,
        project,
        chroots,
        ...sources,
        timeout_s: input.timeout_s ?? DEFAULT_TIMEOUT_S,
        enable_net: enableNet,
        bootstrap,
      },
      context.signal,
    );
  const id = await submitOnce(context, handler, {
    earlier: (details) => submittedBuild(details, { owner, project, chroots }),
    exists: async (earlier) => (await copr.getBuild(earlier, context.signal)) !== null,
    submit: async () => {
      await ensure();
      const build = await submit().catch(async (error: unknown) => {
        // Two builds of one project adding their chroots at once can drop each other's:
        // make sure of ours once more and submit again.
        if (!(error instanceof HandlerError && error.type === 'CoprRequestError')) throw error;
        if (!chroots.some((chroot) => error.message.includes(chroot))) throw error;
        await ensure();
        return submit();
      });
      return build.id;
    },
    record: (buildId) =>
      ({ copr_build_id: buildId, owner, project, chroots }) satisfies SubmittedBuild,
  });
  const url = copr.buildUrl(owner, project, id);
  context.log.line(
    'system',
    `Copr build ${id} of ${owner}/${project} for ${chroots.join(', ')}: ${url}`,
  );
  return { build_id: id, owner, project, chroots, url };
}
