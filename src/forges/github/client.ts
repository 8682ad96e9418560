/**
 * The GitHub REST client behind `ForgeClient`: @octokit/core against `GITHUB_API_URL`, as a
 * token or as a GitHub App installation (sessions.ts). Statuses are commit statuses with a
 * token and check runs as an App (status-mapping.ts, check-runs.ts).
 */
import type {
  CallOptions,
  CommitStatus,
  ForgeClient,
  PullRequestHead,
  RepoRef,
} from '../client.js';
import { DEFAULT_TIMEOUT_MS } from '../deadline.js';
import { FORGE_ERRORS, badResponse, fileTooLarge } from '../http-errors.js';
import { HandlerError } from '../../contracts/errors.js';
import { numberField, stringField } from '../json-fields.js';
import { idSegment, repoNameProblem, urlPath, urlSegment } from '../repo-paths.js';
import { truncate } from '../text.js';
import { upsertCheckRun } from './check-runs.js';
import type { GitHubLog } from './sessions.js';
import { GitHubSessions } from './sessions.js';
import { checkRunFields, commitStatusBody } from './status-mapping.js';
import { GitHubTransport } from './transport.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
/** Larger pipeline files are refused rather than held in memory. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** GitHub refuses longer comment bodies. */
const COMMENT_MAX = 65_536;
const RAW = 'application/vnd.github.raw+json';

export interface GitHubClientOptions {
  /** GITHUB_API_URL; GitHub Enterprise Server: `https://HOST/api/v3`. */
  baseUrl?: string;
  token?: string;
  /** A GitHub App: its id and PEM private key. */
  appId?: number | string;
  privateKey?: string;
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** The clock that rate-limit resets are measured against. */
  now?: () => number;
  maxFileBytes?: number;
  /** Octokit's warnings (an installation token's 401 retries, deprecations); default console. */
  log?: GitHubLog;
  fetch?: typeof fetch;
}

export class GitHubClient implements ForgeClient {
  readonly forge = 'github' as const;
  private readonly sessions: GitHubSessions;
  private readonly transport: GitHubTransport;
  private readonly now: () => number;
  private readonly maxFileBytes: number;

  constructor(options: GitHubClientOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.sessions = new GitHubSessions({
      baseUrl: options.baseUrl ?? DEFAULT_GITHUB_API_URL,
      token: options.token,
      appId: options.appId,
      privateKey: options.privateKey,
      timeoutMs,
      log: options.log ?? consoleLog,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.transport = new GitHubTransport(this.sessions, {
      timeoutMs,
      now: this.now,
      secrets: options.token === undefined ? [] : [options.token],
    });
  }

  async readFile(
    repo: RepoRef,
    path: string,
    ref: string,
    options?: CallOptions,
  ): Promise<string | null> {
    const filePath = urlPath(path.replace(/^\/+/, '').split('/'), 'file path');
    const request = {
      method: 'GET' as const,
      path: `${repoPath(repo)}/contents/${filePath}`,
      query: { ref },
      accept: RAW,
      notFoundIsNull: true,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.text(session, request, this.maxFileBytes, options);
    if (answer === null) return null;
    if (answer.truncated) throw fileTooLarge(repo.full_name, path, ref, this.maxFileBytes);
    return answer.text;
  }

  async setStatus(
    repo: RepoRef,
    sha: string,
    status: CommitStatus,
    options?: CallOptions,
  ): Promise<void> {
    const path = `${repoPath(repo)}/statuses/${urlSegment(sha, 'commit')}`;
    const session = await this.sessions.session(repo);
    if (session.asApp) {
      const target = { repoPath: repoPath(repo), sha, appId: this.sessions.appId, now: this.now };
      await upsertCheckRun(this.transport, session, target, checkRunFields(status), options);
      return;
    }
    await this.transport.json(
      session,
      {
        method: 'POST',
        path,
        body: { ...commitStatusBody(status) },
      },
      options,
    );
  }

  async comment(
    repo: RepoRef,
    pr: number,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null }> {
    const request = {
      method: 'POST' as const,
      path: `${repoPath(repo)}/issues/${idSegment(pr, 'pull request')}/comments`,
      body: { body: truncate(body, COMMENT_MAX) },
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.json(session, request, options);
    const id = numberField(answer, 'id');
    if (id === undefined) throw badResponse({ forge: 'github', ...request }, 'no comment id');
    return { id, url: stringField(answer, 'html_url') ?? null };
  }

  /** https://docs.github.com/en/rest/issues/comments#update-an-issue-comment */
  async updateComment(
    repo: RepoRef,
    _pr: number,
    commentId: number,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null } | null> {
    const request = {
      method: 'PATCH' as const,
      path: `${repoPath(repo)}/issues/comments/${idSegment(commentId, 'comment')}`,
      body: { body: truncate(body, COMMENT_MAX) },
      notFoundIsNull: true,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.json(session, request, options);
    if (answer === null) return null;
    const id = numberField(answer, 'id');
    if (id === undefined) throw badResponse({ forge: 'github', ...request }, 'no comment id');
    return { id, url: stringField(answer, 'html_url') ?? null };
  }

  async pullRequestHead(
    repo: RepoRef,
    pr: number,
    options?: CallOptions,
  ): Promise<PullRequestHead | null> {
    const request = {
      method: 'GET' as const,
      path: `${repoPath(repo)}/pulls/${idSegment(pr, 'pull request')}`,
      notFoundIsNull: true,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.json(session, request, options);
    if (answer === null) return null;
    const sha = stringField(answer, 'head', 'sha');
    const ref = stringField(answer, 'head', 'ref');
    if (sha === undefined || ref === undefined) {
      throw badResponse({ forge: 'github', ...request }, 'no head.sha or head.ref');
    }
    return { sha, ref, baseRef: stringField(answer, 'base', 'ref') ?? null };
  }

  async branchHead(repo: RepoRef, branch: string, options?: CallOptions): Promise<string | null> {
    const request = {
      method: 'GET' as const,
      path: `${repoPath(repo)}/branches/${urlSegment(branch, 'branch')}`,
      notFoundIsNull: true,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.json(session, request, options);
    if (answer === null) return null;
    const sha = stringField(answer, 'commit', 'sha');
    if (sha === undefined) throw badResponse({ forge: 'github', ...request }, 'no commit.sha');
    return sha;
  }

  /** GitHub sends `author_association` with every event; nothing to ask. */
  accessLevel(_repo: RepoRef, _userId: number, _options?: CallOptions): Promise<number | null> {
    return Promise.resolve(null);
  }
}

/** `/repos/OWNER/NAME`, or a non-retryable error for a name that is not `owner/name`. */
function repoPath(repo: RepoRef): string {
  const problem = repoNameProblem(repo.full_name, 'github');
  if (problem !== null) {
    throw new HandlerError(FORGE_ERRORS.request, `"${repo.full_name}": ${problem}`, {
      nonRetryable: true,
    });
  }
  return `/repos/${urlPath(repo.full_name.split('/'), 'repository')}`;
}

const consoleLog: GitHubLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};
