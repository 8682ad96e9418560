/**
 * `bodhi.update`: a Bodhi update of one Koji build, at most once. The build is koji_build's
 * (its poll's NVR), or the branch's latest in Koji. An update that already holds the build
 * (an earlier attempt's, or one made by hand) is reused, not made again: Bodhi is asked for
 * the build's updates before a new one is posted, and again when posting says it exists.
 */
import type { BodhiUpdateInput, BodhiUpdateRef } from '../../compiler/packit/handler-inputs.js';
import { PACKIT_HANDLERS } from '../../compiler/packit/types.js';
import { HandlerError } from '../../contracts/errors.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { recordSubmitted } from '../packit-submit.js';
import type { KojiClient } from '../koji/client.js';
import { BRANCH, NVR, PACKAGE } from '../koji/shapes.js';
import { nullableText, text } from '../spec-fields.js';
import type { Handler } from '../types.js';
import type { BodhiClient, BodhiUpdate } from './client.js';
import { updateFields } from './update-fields.js';

export type BodhiUpdateRunInput = Pick<BodhiUpdateInput, 'package' | 'dist_git_branch'> &
  Partial<BodhiUpdateInput>;

export const bodhiUpdateSpec: HandlerSpec = {
  name: PACKIT_HANDLERS.bodhiUpdate,
  description:
    'Create a Bodhi update of a Koji build (Packit bodhi_update), or reuse the update that already holds it. Output: {alias, url, nvr, created}.',
  input: {
    type: 'object',
    required: ['package', 'dist_git_branch'],
    properties: {
      package: text('The package.'),
      dist_git_branch: text('The dist-git branch the build is of, e.g. f45.'),
      koji_build: {
        type: ['object', 'null'],
        properties: { nvr: nullableText('The build’s name-version-release.') },
        description: "koji_build's output; null: the branch's latest build in Koji.",
      },
      extra_params: { type: 'object', description: "Packit's bodhi_extra_params." },
    },
  },
};

function badInput(message: string): HandlerError {
  return new HandlerError('BodhiBadInput', message, { nonRetryable: true });
}

/** The Koji tag a branch's builds wait in for their update (Fedora's naming). */
export function candidateTag(branch: string): string {
  return /^epel\d/.test(branch) ? `${branch}-testing-candidate` : `${branch}-updates-candidate`;
}

export function bodhiUpdateHandler(
  bodhi: () => BodhiClient,
  koji: () => KojiClient,
): Handler<BodhiUpdateRunInput, BodhiUpdateRef> {
  return {
    spec: bodhiUpdateSpec,
    async run(input, context) {
      const { package: pkg, dist_git_branch: branch } = input;
      if (!PACKAGE.test(pkg))
        throw badInput(`not a package name: ${JSON.stringify(pkg.slice(0, 120))}`);
      if (!BRANCH.test(branch))
        throw badInput(`not a dist-git branch: ${JSON.stringify(branch.slice(0, 120))}`);
      const client = bodhi();
      // Checked before anything is asked: a refused parameter changes nothing in Bodhi.
      updateFields(`${pkg}-0-0`, input.extra_params ?? {});
      const nvr = input.koji_build?.nvr ?? (await latestNvr(koji(), pkg, branch, context.signal));
      if (!NVR.test(nvr) || !nvr.startsWith(`${pkg}-`))
        throw badInput(`not a build of ${pkg}: ${JSON.stringify(nvr.slice(0, 120))}`);
      const ref = (update: BodhiUpdate, created: boolean): BodhiUpdateRef => ({
        alias: update.alias,
        url: update.url,
        nvr,
        created,
      });

      const existing = await holding(client, nvr, context.signal);
      if (existing !== undefined) {
        context.log.line(
          'system',
          `Bodhi update ${existing.alias} already holds ${nvr}: ${existing.url}`,
        );
        return ref(existing, false);
      }
      const fields = { ...updateFields(nvr, input.extra_params ?? {}) };
      fields.csrf_token = await client.csrfToken(context.signal);
      let update: BodhiUpdate;
      try {
        update = await client.createUpdate(fields, context.signal);
      } catch (error) {
        // Made meanwhile (a concurrent attempt, or an answer lost on the way): that one is ours.
        if (!(error instanceof HandlerError && error.type === 'BodhiRequestError')) throw error;
        const raced = await holding(client, nvr, context.signal);
        if (raced === undefined) throw error;
        return ref(raced, false);
      }
      await recordSubmitted(context, PACKIT_HANDLERS.bodhiUpdate, {
        bodhi_alias: update.alias,
        nvr,
      });
      context.log.line('system', `Bodhi update ${update.alias} of ${nvr}: ${update.url}`);
      return ref(update, true);
    },
  };
}

async function holding(
  client: BodhiClient,
  nvr: string,
  signal: AbortSignal,
): Promise<BodhiUpdate | undefined> {
  const updates = await client.updatesOf(nvr, signal);
  return updates.find(
    (u) => u.nvrs.includes(nvr) && u.status !== 'obsolete' && u.status !== 'unpushed',
  );
}

async function latestNvr(
  koji: KojiClient,
  pkg: string,
  branch: string,
  signal: AbortSignal,
): Promise<string> {
  const tag = candidateTag(branch);
  const build = await koji.latestBuild(tag, pkg, signal);
  if (build === null)
    throw new HandlerError(
      'KojiFault',
      `Koji has no build of ${pkg} in ${tag} to make an update of`,
      {
        nonRetryable: true,
      },
    );
  return build.nvr;
}
