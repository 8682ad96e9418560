/**
 * Both forge clients from the operator's settings (the caller maps environment variables to
 * `ForgeSettings`: GITHUB_API_URL, GITHUB_TOKEN, GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY,
 * GITLAB_URL, GITLAB_TOKEN). Nothing is checked here: a call that needs a missing setting
 * fails with a non-retryable `NotConfigured` error naming it, so a server configured for one
 * forge still serves the other.
 */
import type { Forge, ForgeClient } from './client.js';
import { DEFAULT_GITHUB_API_URL, GitHubClient } from './github/client.js';
import type { GitHubLog } from './github/sessions.js';
import { DEFAULT_GITLAB_URL, GitLabClient } from './gitlab/client.js';

export interface ForgeSettings {
  githubApiUrl?: string;
  githubToken?: string;
  githubAppId?: number | string;
  githubPrivateKey?: string;
  gitlabUrl?: string;
  gitlabToken?: string;
}

export interface ForgeClientOptions {
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** The clock rate-limit resets are measured against. */
  now?: () => number;
  /** Largest file `readFile` returns, default 10 MiB. */
  maxFileBytes?: number;
  /** Octokit's warnings; default console. */
  log?: GitHubLog;
}

export type ForgeClients = Record<Forge, ForgeClient>;

export function forgeClients(
  settings: ForgeSettings,
  options: ForgeClientOptions = {},
): ForgeClients {
  const common = {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
  };
  const githubToken = set(settings.githubToken);
  const appId = set(settings.githubAppId === undefined ? undefined : String(settings.githubAppId));
  const privateKey = set(settings.githubPrivateKey);
  const gitlabToken = set(settings.gitlabToken);
  return {
    github: new GitHubClient({
      baseUrl: set(settings.githubApiUrl) ?? DEFAULT_GITHUB_API_URL,
      ...(githubToken === undefined ? {} : { token: githubToken }),
      ...(appId === undefined ? {} : { appId }),
      ...(privateKey === undefined ? {} : { privateKey }),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...common,
    }),
    gitlab: new GitLabClient({
      url: set(settings.gitlabUrl) ?? DEFAULT_GITLAB_URL,
      ...(gitlabToken === undefined ? {} : { token: gitlabToken }),
      ...common,
    }),
  };
}

/** An empty environment variable is an unset one. */
function set(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
