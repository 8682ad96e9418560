/**
 * Which credentials a GitHub call uses. With a GitHub App configured and the event's
 * installation id known, calls run as that installation (tokens minted and cached by
 * @octokit/app, and statuses become check runs, which only Apps may write); otherwise a
 * `GITHUB_TOKEN` is used. Every HTTP request of a call, the installation-token request
 * included, runs under that call's AbortSignal (bound through AsyncLocalStorage, because
 * @octokit/auth-app makes its own requests).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createPrivateKey } from 'node:crypto';

import { App } from '@octokit/app';
import { Octokit } from '@octokit/core';

import type { RepoRef } from '../client.js';
import { notConfigured } from '../http-errors.js';

/** The environment variables behind the GitHub settings, as the messages name them. */
export const GITHUB_SETTINGS = {
  token: 'GITHUB_TOKEN',
  appId: 'GITHUB_APP_ID',
  privateKey: 'GITHUB_APP_PRIVATE_KEY',
} as const;

export interface GitHubLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface GitHubSessionOptions {
  baseUrl: string;
  token?: string | undefined;
  appId?: number | string | undefined;
  /** PEM (PKCS#1 as GitHub issues it, or PKCS#8); `\n` escapes are accepted. */
  privateKey?: string | undefined;
  timeoutMs: number;
  log: GitHubLog;
  fetch?: typeof fetch;
}

export interface Session {
  octokit: Octokit;
  /** Authenticated as an App installation: statuses are check runs. */
  asApp: boolean;
}

export class GitHubSessions {
  readonly appId: number | string | undefined;
  private readonly signals = new AsyncLocalStorage<AbortSignal>();
  private readonly token: Octokit | null;
  private readonly app: App | null;
  private readonly appProblem: string | null;
  private readonly installations = new Map<number, Promise<Octokit>>();

  constructor(options: GitHubSessionOptions) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const boundFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const bound = this.signals.getStore() ?? AbortSignal.timeout(options.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, bound]) : bound;
      return fetchImpl(input, { ...init, signal });
    };
    const GitHubOctokit = Octokit.defaults({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      userAgent: 'forgeflow',
      request: { fetch: boundFetch },
      log: options.log,
    });
    this.token = options.token ? new GitHubOctokit({ auth: options.token }) : null;
    this.appId = options.appId;
    this.appProblem = appProblem(options.appId, options.privateKey);
    this.app =
      this.appProblem === null && options.appId !== undefined && options.privateKey !== undefined
        ? new App({
            appId: options.appId,
            privateKey: normalizeKey(options.privateKey),
            Octokit: GitHubOctokit,
            log: options.log,
          })
        : null;
  }

  /** Runs `fn` with every request it makes bound to `signal`. */
  bind<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return this.signals.run(signal, fn);
  }

  async session(repo: RepoRef): Promise<Session> {
    const installationId = repo.installationId ?? null;
    const appConfigured = this.appId !== undefined || this.appProblem !== null;
    if (installationId !== null && appConfigured) {
      if (this.app === null) throw notConfigured(this.appProblem ?? 'GitHub App not configured');
      return { octokit: await this.installation(this.app, installationId), asApp: true };
    }
    if (this.token !== null) return { octokit: this.token, asApp: false };
    if (this.app !== null) {
      throw notConfigured(
        `GitHub App authentication needs the installation id of ${repo.full_name} (the webhook ` +
          `payload's installation.id) and none was given; set ${GITHUB_SETTINGS.token} to call ` +
          'GitHub without one',
      );
    }
    throw notConfigured(
      this.appProblem ??
        `no GitHub credentials: set ${GITHUB_SETTINGS.token}, or ${GITHUB_SETTINGS.appId} and ` +
          `${GITHUB_SETTINGS.privateKey} for a GitHub App`,
    );
  }

  private installation(app: App, installationId: number): Promise<Octokit> {
    let octokit = this.installations.get(installationId);
    if (octokit === undefined) {
      // Lazy: no request until the first call; the App caches the installation's token.
      octokit = app.getInstallationOctokit(installationId);
      void octokit.catch(() => this.installations.delete(installationId));
      this.installations.set(installationId, octokit);
    }
    return octokit;
  }
}

function normalizeKey(privateKey: string): string {
  return privateKey.replace(/\\n/g, '\n');
}

/** Why the App settings cannot work (checked once, reported on the first call that needs them). */
function appProblem(
  appId: number | string | undefined,
  privateKey: string | undefined,
): string | null {
  if (appId === undefined && privateKey === undefined) return null;
  if (appId === undefined) {
    return `${GITHUB_SETTINGS.privateKey} is set but ${GITHUB_SETTINGS.appId} is not`;
  }
  if (privateKey === undefined) {
    return `${GITHUB_SETTINGS.appId} is set but ${GITHUB_SETTINGS.privateKey} is not`;
  }
  try {
    const key = createPrivateKey(normalizeKey(privateKey));
    if (key.asymmetricKeyType !== 'rsa') {
      return `${GITHUB_SETTINGS.privateKey} is not an RSA key (GitHub App keys are RSA)`;
    }
  } catch {
    return `${GITHUB_SETTINGS.privateKey} is not a PEM private key`;
  }
  return null;
}
