/**
 * GitLab as forgeflow sees it: webhooks proved by `X-Gitlab-Token` and/or a Standard Webhooks
 * signature, delivery ids from `Idempotency-Key` (GitLab 17.4+) or the event UUID, the REST
 * client, and trust by access level (developer or above), asked of the forge.
 */
import { createHash } from 'node:crypto';
import {
  DELIVERY_ID,
  definedOnly,
  envValue,
  EVENT_NAME,
  setting,
  webhookProblem as problem,
  type ForgeAdapter,
  type WebhookRequest,
} from '../adapter.js';
import { DEFAULT_GITLAB_URL, GitLabClient } from './client.js';
import { gitlabEventOf } from './detect.js';
import { normalizeGitLab } from './normalize.js';
import { checkSignature, sameSecret } from './webhook-signature.js';

/** GITLAB_URL, GITLAB_TOKEN. */
export interface GitLabSettings {
  gitlabUrl?: string | undefined;
  gitlabToken?: string | undefined;
}

/** GITLAB_WEBHOOK_TOKEN (`X-Gitlab-Token`), GITLAB_WEBHOOK_SIGNING_TOKEN (`whsec_…`). */
export interface GitLabSecrets {
  gitlabToken: string | null;
  gitlabSigningToken: string | null;
}

/** GitLab's access level of a developer. */
export const DEVELOPER = 30;

export const gitlabAdapter: ForgeAdapter<GitLabSettings, GitLabSecrets> = {
  forge: 'gitlab',
  fromEnv: (env) => ({
    client: { gitlabUrl: envValue(env, 'GITLAB_URL'), gitlabToken: envValue(env, 'GITLAB_TOKEN') },
    secrets: {
      gitlabToken: envValue(env, 'GITLAB_WEBHOOK_TOKEN') ?? null,
      gitlabSigningToken: envValue(env, 'GITLAB_WEBHOOK_SIGNING_TOKEN') ?? null,
    },
    secretFiles: [],
  }),
  client: (settings, options) =>
    new GitLabClient(
      definedOnly({
        ...options,
        url: setting(settings.gitlabUrl) ?? DEFAULT_GITLAB_URL,
        token: setting(settings.gitlabToken),
      }),
    ),
  webhook: {
    check(request, secrets) {
      if (secrets.gitlabToken === null && secrets.gitlabSigningToken === null)
        return problem(
          'WEBHOOK_NOT_CONFIGURED',
          'set GITLAB_WEBHOOK_TOKEN to receive GitLab webhooks',
        );
      if (secrets.gitlabToken !== null) {
        const token = request.header('x-gitlab-token');
        if (!token) return problem('WEBHOOK_SIGNATURE_MISSING', 'X-Gitlab-Token is required');
        if (!sameSecret(token, secrets.gitlabToken))
          return problem('WEBHOOK_SIGNATURE_INVALID', 'X-Gitlab-Token does not match');
      }
      if (secrets.gitlabSigningToken !== null) {
        const why = checkSignature(
          {
            id: request.header('webhook-id'),
            timestamp: request.header('webhook-timestamp'),
            signature: request.header('webhook-signature'),
          },
          request.raw,
          secrets.gitlabSigningToken,
          request.now,
        );
        if (why) return problem('WEBHOOK_SIGNATURE_INVALID', why);
      }
      const eventName = request.header('x-gitlab-event') ?? '';
      const deliveryId = deliveryIdOf(request);
      if (!DELIVERY_ID.test(deliveryId) || !EVENT_NAME.test(eventName))
        return problem(
          'WEBHOOK_HEADER_MISSING',
          'Idempotency-Key must be letters, digits, ".", "_", ":", "-"',
        );
      return { ok: true, deliveryId, eventName };
    },
    generated: {
      use: 'the GitLab secret token',
      env: 'GITLAB_WEBHOOK_TOKEN',
      // A hook that signs is proved by its signature: no token is made up for it.
      fill: (secrets, secret) =>
        secrets.gitlabSigningToken === null && secrets.gitlabToken === null
          ? { ...secrets, gitlabToken: secret() }
          : secrets,
    },
  },
  // GitLab also names its event in the body (`object_kind`), so its header may be missing.
  normalize: (eventName, payload) => normalizeGitLab(eventName, payload),
  detect: gitlabEventOf,
  trustRule: 'members of the project with the Developer role or above',
  async trust(actor, client, repo) {
    if (actor.id === null)
      return { trusted: false, why: `the payload names no user id for ${actor.login}` };
    const level = await client.accessLevel(repo, actor.id);
    return level !== null && level >= DEVELOPER
      ? { trusted: true, why: `${actor.login} has access level ${level}` }
      : {
          trusted: false,
          why: `${actor.login} has ${level === null ? 'no access' : `access level ${level}`}, below developer (${DEVELOPER})`,
        };
  },
};

/**
 * Idempotency-Key is kept across retries (GitLab 17.4+); older GitLab: the event UUID, shared
 * by recursive hooks, so the hook and the body tell those apart.
 */
function deliveryIdOf(request: WebhookRequest): string {
  const idempotency = request.header('idempotency-key');
  if (idempotency !== undefined) return idempotency;
  const digest = createHash('sha256').update(request.raw).digest('hex');
  const eventUuid = request.header('x-gitlab-event-uuid');
  return eventUuid ? `${eventUuid}:${digest.slice(0, 16)}` : `body-${digest}`;
}
