/**
 * GitHub as forgeflow sees it: webhooks signed with `X-Hub-Signature-256` and named by
 * `X-GitHub-Event` / `X-GitHub-Delivery`, the REST client (a token or a GitHub App), and trust
 * by the author association the payload carries.
 */
import { readFileSync } from 'node:fs';
import {
  definedOnly,
  DELIVERY_ID,
  envValue,
  EVENT_NAME,
  setting,
  webhookProblem as problem,
  type ForgeAdapter,
} from '../adapter.js';
import { DEFAULT_GITHUB_API_URL, GitHubClient } from './client.js';
import { guessGitHubEvent } from './detect.js';
import { normalizeGitHub } from './normalize.js';
import { githubSignatureMatches } from './webhook-signature.js';

/** GITHUB_API_URL, GITHUB_TOKEN, GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY(_FILE). */
export interface GitHubSettings {
  githubApiUrl?: string | undefined;
  githubToken?: string | undefined;
  githubAppId?: number | string | undefined;
  githubPrivateKey?: string | undefined;
}

/** GITHUB_WEBHOOK_SECRET: the HMAC key of `X-Hub-Signature-256`. */
export interface GitHubSecrets {
  githubSecret: string | null;
}

export const TRUSTED_ASSOCIATIONS = ['OWNER', 'MEMBER', 'COLLABORATOR'];

export const githubAdapter: ForgeAdapter<GitHubSettings, GitHubSecrets> = {
  forge: 'github',
  fromEnv(env) {
    const keyFile = envValue(env, 'GITHUB_APP_PRIVATE_KEY_FILE');
    return {
      client: {
        githubApiUrl: envValue(env, 'GITHUB_API_URL'),
        githubToken: envValue(env, 'GITHUB_TOKEN'),
        githubAppId: envValue(env, 'GITHUB_APP_ID'),
        githubPrivateKey:
          envValue(env, 'GITHUB_APP_PRIVATE_KEY')?.replace(/\\n/g, '\n') ??
          (keyFile ? readFileSync(keyFile, 'utf8') : undefined),
      },
      secrets: { githubSecret: envValue(env, 'GITHUB_WEBHOOK_SECRET') ?? null },
      secretFiles: keyFile ? [keyFile] : [],
    };
  },
  client(settings, options) {
    const appId = settings.githubAppId === undefined ? undefined : String(settings.githubAppId);
    return new GitHubClient(
      definedOnly({
        ...options,
        baseUrl: setting(settings.githubApiUrl) ?? DEFAULT_GITHUB_API_URL,
        token: setting(settings.githubToken),
        appId: setting(appId),
        privateKey: setting(settings.githubPrivateKey),
      }),
    );
  },
  webhook: {
    check(request, secrets) {
      const signature = request.header('x-hub-signature-256');
      if (secrets.githubSecret === null)
        return problem(
          'WEBHOOK_NOT_CONFIGURED',
          'set GITHUB_WEBHOOK_SECRET to receive GitHub webhooks',
        );
      if (!signature)
        return problem('WEBHOOK_SIGNATURE_MISSING', 'X-Hub-Signature-256 is required');
      if (!githubSignatureMatches(request.raw, signature, secrets.githubSecret))
        return problem('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match the body');
      const eventName = request.header('x-github-event');
      const deliveryId = request.header('x-github-delivery');
      if (!eventName || !EVENT_NAME.test(eventName) || !deliveryId || !DELIVERY_ID.test(deliveryId))
        return problem(
          'WEBHOOK_HEADER_MISSING',
          'X-GitHub-Event and X-GitHub-Delivery (letters, digits, ".", "_", ":", "-") are required',
        );
      return { ok: true, deliveryId, eventName };
    },
    generated: {
      use: 'the GitHub webhook secret',
      env: 'GITHUB_WEBHOOK_SECRET',
      fill: (secrets, secret) =>
        secrets.githubSecret === null ? { ...secrets, githubSecret: secret() } : secrets,
    },
  },
  normalize(eventName, payload) {
    if (eventName === null)
      return { ok: false, ignored: 'GitHub webhook without X-GitHub-Event header' };
    return normalizeGitHub(eventName, payload);
  },
  // GitHub names its event only in a header: a payload is recognized by its distinctive keys.
  detect: (payload) => ({ eventName: guessGitHubEvent(payload) }),
  detectsAnything: true,
  trustRule: "the repository's owners, members and collaborators",
  trust(actor) {
    const association = actor.association ?? 'NONE';
    return Promise.resolve(
      TRUSTED_ASSOCIATIONS.includes(association)
        ? { trusted: true, why: `${actor.login} is ${association}` }
        : {
            trusted: false,
            why: `${actor.login} is ${association}, not OWNER, MEMBER or COLLABORATOR`,
          },
    );
  },
};
