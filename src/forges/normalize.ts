/**
 * The single entry point from "a forge said something" to `Event`.
 *
 * Webhook receivers, `POST /api/v1/runs` with an `event` and `forgeflow plan/run --event` call
 * `normalizeEvent` with the forge and the event name; runs started by hand without a payload
 * get their `Event` from `manualEvent`, so everything after this point handles one shape
 * whatever started the run. It is also where a payload is made storable, once for all three
 * (src/events/storable-json.ts): NULs and unpaired surrogates become U+FFFD, and nesting past
 * MAX_JSON_DEPTH is refused as impossible.
 */

import type { Event, Forge, NormalizeResult } from '../events/event.js';
import { storableJson } from '../events/storable-json.js';
import { forgeAdapter } from './adapters.js';
import { baseEvent, isFullSha, splitFullName, splitRef } from './payload-readers.js';

/**
 * `eventName` is the `X-GitHub-Event` or `X-Gitlab-Event` header. GitHub names its event only
 * there; GitLab also names it in the body (`object_kind`), so its header may be missing.
 */
export function normalizeEvent(
  forge: Forge,
  eventName: string | null,
  payload: unknown,
): NormalizeResult {
  const storable = storableJson(payload);
  if (!storable.ok)
    return { ok: false, ignored: `the payload is ${storable.reason}`, impossible: true };
  const result = forgeAdapter(forge).normalize(eventName, storable.value);
  // The commit is stored and indexed with the run: what no git object id can be is refused.
  const sha: string | null = result.ok ? result.event.sha : null;
  if (sha !== null && !isFullSha(sha))
    return {
      ok: false,
      ignored: `impossible commit "${String(sha).slice(0, 80)}": a sha is 40 or 64 hex digits`,
      impossible: true,
    };
  return result.ok && storable.substituted > 0
    ? { ...result, substituted: storable.substituted }
    : result;
}

export interface ManualEventInput {
  /** `owner/name` (GitLab: `group/subgroup/project`). */
  repo: string;
  sha?: string;
  /** `refs/heads/x`, `refs/tags/x`, or a bare branch name. */
  ref?: string;
  sender?: string;
  /** Defaults to `github`. */
  forge?: Forge;
}

/**
 * The event of a run started through the API or CLI. Unlike the webhook normalizers this input
 * comes from our own callers, so a repo that is not `owner/name` is a programming error: it throws.
 */
export function manualEvent(input: ManualEventInput): Event {
  const { owner, name } = splitFullName(input.repo);
  if (owner === '' || name === '') {
    throw new TypeError(`manualEvent: repo should be "owner/name", got "${input.repo}"`);
  }
  const repo = {
    full_name: input.repo,
    owner,
    name,
    id: null,
    html_url: null,
    clone_url: null,
    default_branch: null,
    private: null,
  };
  const event = baseEvent(
    input.forge ?? 'github',
    'manual',
    repo,
    { login: input.sender ?? '', id: null },
    input,
  );
  const ref =
    input.ref === undefined || input.ref.startsWith('refs/')
      ? input.ref
      : `refs/heads/${input.ref}`;
  const target = ref === undefined ? null : splitRef(ref);
  return {
    ...event,
    sha: input.sha ?? null,
    ref: ref ?? null,
    branch: target?.type === 'branch' ? target.name : null,
    tag: target?.type === 'tag' ? target.name : null,
  };
}
