/**
 * How git reaches a repository on its forge, for `checkout`: the clone URL, built from the
 * operator's settings (GITHUB_API_URL, GITLAB_URL; never a URL from a payload), and the
 * credential git sends, as an Authorization header value: the GitHub token or App installation
 * token, or the GitLab token. The caller hands that value to git through its environment only.
 * With no credentials configured for a forge, git asks anonymously (public repositories).
 */
import type { ForgeSettings } from './adapters.js';
import type { RepoRef } from './client.js';
import { DEFAULT_GITHUB_API_URL } from './github/client.js';
import { GitHubSessions } from './github/sessions.js';
import { DEFAULT_GITLAB_URL } from './gitlab/client.js';
import { DEFAULT_TIMEOUT_MS } from './deadline.js';
import { setting } from './adapter.js';
import { notConfigured } from './http-errors.js';
import { repoNameProblem } from './repo-paths.js';

export interface GitRemote {
  /** The repository's URL, with no credentials in it. */
  url: string;
  /** The URL git's `http.<url>.extraHeader` is scoped to: the forge's, not another host's. */
  scope: string;
  /** The Authorization header's value, or null to ask anonymously. */
  authorization: string | null;
  /** The ref that holds a pull (merge) request's head. */
  pullRef: (pr: number) => string;
}

/** The remote of `repo` and the credential for it (minted afresh for an App installation). */
export type GitAccess = (repo: RepoRef, signal: AbortSignal) => Promise<GitRemote>;

export function forgeGitAccess(settings: ForgeSettings, timeoutMs = DEFAULT_TIMEOUT_MS): GitAccess {
  const github = githubAccess(settings, timeoutMs);
  const gitlab = gitlabAccess(settings);
  return (repo, signal) => {
    const problem = repoNameProblem(repo.full_name, repo.forge);
    if (problem !== null)
      return Promise.reject(notConfigured(`cannot check out ${repo.full_name}: ${problem}`));
    return repo.forge === 'github' ? github(repo, signal) : gitlab(repo, signal);
  };
}

/** The web host of a GitHub API URL: api.github.com → github.com, HOST/api/v3 → HOST. */
export function githubGitBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return `${url.protocol}//github.com`;
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '')}`;
}

export function gitlabGitBase(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}`;
}

function githubAccess(settings: ForgeSettings, timeoutMs: number): GitAccess {
  const apiUrl = setting(settings.githubApiUrl) ?? DEFAULT_GITHUB_API_URL;
  const token = setting(settings.githubToken);
  const appId =
    settings.githubAppId === undefined ? undefined : setting(String(settings.githubAppId));
  const sessions =
    token === undefined && appId === undefined
      ? null
      : new GitHubSessions({
          baseUrl: apiUrl,
          token,
          appId,
          privateKey: setting(settings.githubPrivateKey),
          timeoutMs,
          log: { debug: ignore, info: ignore, warn: ignore, error: ignore },
        });
  const base = githubGitBase(apiUrl);
  return async (repo, signal) => {
    let authorization: string | null = null;
    if (sessions !== null) {
      // A plain token's Octokit ignores the type; an installation's mints (or reuses) its token.
      const { octokit } = await sessions.bind(signal, () => sessions.session(repo));
      const auth = (await sessions.bind(signal, () => octokit.auth({ type: 'installation' }))) as {
        token?: unknown;
      };
      if (typeof auth.token === 'string') authorization = basic('x-access-token', auth.token);
    }
    return {
      url: `${base}/${repo.full_name}.git`,
      scope: `${base}/`,
      authorization,
      pullRef: (pr) => `refs/pull/${pr}/head`,
    };
  };
}

function gitlabAccess(settings: ForgeSettings): GitAccess {
  const base = gitlabGitBase(setting(settings.gitlabUrl) ?? DEFAULT_GITLAB_URL);
  const token = setting(settings.gitlabToken);
  return (repo) =>
    Promise.resolve({
      url: `${base}/${repo.full_name}.git`,
      scope: `${base}/`,
      authorization: token === undefined ? null : basic('oauth2', token),
      pullRef: (pr) => `refs/merge-requests/${pr}/head`,
    });
}

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

function ignore(): void {}
