/**
 * The GitHub REST client behind `ForgeClient`: @octokit/core against `GITHUB_API_URL`, as a
 * token or as a GitHub App installation (sessions.ts). Statuses are commit statuses with a
 * token and check runs as an App (status-mapping.ts, check-runs.ts).
 */
import type {
  CallOptions,
  ChangedFiles,
  CommitStatus,
  ForgeClient,
  PullRequestCommits,
  PullRequestHead,
  LatestRelease,
  Reaction,
  RepoRef,
  Thread,
} from '../client.js';
import { CHANGED_FILES_LIMITS, addPaths, pageEntries, tooManyFiles } from '../changed-files.js';
import { ChangedFilesCache, changedFilesKey } from '../changed-files-cache.js';
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
/** "Get a commit" answers only the commit's SHA with this media type (no files, no patches). */
const SHA_ONLY = 'application/vnd.github.sha';
const JSON_TYPE = 'application/vnd.github+json';
/** A SHA-1 or SHA-256 object name. */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

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
  readonly appId?: string;
  private readonly sessions: GitHubSessions;
  private readonly transport: GitHubTransport;
  private readonly now: () => number;
  private readonly maxFileBytes: number;
  private readonly changed = new ChangedFilesCache();

  constructor(options: GitHubClientOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (options.appId !== undefined) this.appId = String(options.appId);
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
      const target = {
        repoPath: repoPath(repo),
        sha,
        appId: this.sessions.appId,
        now: this.now,
        externalId: status.runId,
      };
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
    on: Thread,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null }> {
    // Pull requests are issues to GitHub's comments API: one path for both.
    const number = typeof on === 'number' ? on : on.issue;
    const request = {
      method: 'POST' as const,
      path: `${repoPath(repo)}/issues/${idSegment(number, 'issue or pull request')}/comments`,
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

  /**
   * `GET /repos/{owner}/{repo}/commits/tags/{tag}` with the SHA media type: the commit, an
   * annotated tag peeled (https://docs.github.com/en/rest/commits/commits#get-a-commit).
   * GitHub answers 422 "No commit found for SHA" for a ref that is not there, 404 for a repo.
   */
  async tagCommit(repo: RepoRef, tag: string, options?: CallOptions): Promise<string | null> {
    const request = {
      method: 'GET' as const,
      path: `${repoPath(repo)}/commits/${urlPath(['tags', ...tag.split('/')], 'tag')}`,
      accept: SHA_ONLY,
      notFoundIsNull: true,
      none: (status: number) => status === 422,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.text(session, request, 1024, options);
    if (answer === null) return null;
    const sha = answer.text.trim().toLowerCase();
    if (answer.truncated || !COMMIT_SHA.test(sha))
      throw badResponse({ forge: 'github', ...request }, 'the answer is not a commit SHA');
    return sha;
  }

  /**
   * `GET /repos/{owner}/{repo}/releases/latest`: the latest published release that is neither
   * a draft nor a prerelease (https://docs.github.com/en/rest/releases/releases#get-the-latest-release);
   * null when there is none (404).
   */
  async latestRelease(repo: RepoRef, options?: CallOptions): Promise<LatestRelease | null> {
    const request = {
      method: 'GET' as const,
      path: `${repoPath(repo)}/releases/latest`,
      notFoundIsNull: true,
    };
    const session = await this.sessions.session(repo);
    const answer = await this.transport.json(session, request, options);
    if (answer === null) return null;
    const tag = stringField(answer, 'tag_name');
    if (tag === undefined) throw badResponse({ forge: 'github', ...request }, 'no tag_name');
    return {
      tag,
      name: stringField(answer, 'name') ?? null,
      url: stringField(answer, 'html_url') ?? null,
    };
  }

  /**
   * `GET /repos/{owner}/{repo}/pulls/{n}/files`, 100 a page, at most 30 pages: GitHub lists at
   * most 3,000 files of a pull request (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files).
   * A renamed file counts with `previous_filename` too.
   */
  async changedFiles(
    repo: RepoRef,
    pr: PullRequestCommits,
    options?: CallOptions,
  ): Promise<ChangedFiles | null> {
    const key = changedFilesKey('github', repo, pr);
    const cached = this.changed.get(key);
    if (cached !== undefined) return cached;
    const session = await this.sessions.session(repo);
    const path = `${repoPath(repo)}/pulls/${idSegment(pr.number, 'pull request')}/files`;
    const { perPage, maxPages, maxPageBytes } = CHANGED_FILES_LIMITS;
    const paths = new Set<string>();
    const remember = (value: ChangedFiles) => {
      this.changed.set(key, value);
      return value;
    };
    for (let page = 1; page <= maxPages; page++) {
      const query = { per_page: perPage, page };
      const request = {
        method: 'GET' as const,
        path,
        query,
        accept: JSON_TYPE,
        notFoundIsNull: true,
      };
      const malformed = (what: string) =>
        badResponse(
          { forge: 'github', method: 'GET', path: `${path}?per_page=${perPage}&page=${page}` },
          what,
        );
      const answer = await this.transport.text(session, request, maxPageBytes, options);
      if (answer === null) return null;
      const entries = pageEntries(answer, page, malformed);
      if (typeof entries === 'string') return remember({ paths: null, why: entries });
      const why = addPaths(paths, entries, (e) => [e.filename, e.previous_filename], malformed);
      if (why !== null) return remember({ paths: null, why });
      if (entries.length < perPage) return remember({ paths: [...paths].sort() });
    }
    return remember({ paths: null, why: tooManyFiles() });
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

  /**
   * https://docs.github.com/en/rest/reactions/reactions#create-reaction-for-an-issue-comment:
   * 201 for a new reaction, 200 when this user's reaction is already there.
   */
  async react(
    repo: RepoRef,
    _on: Thread,
    commentId: number,
    reaction: Reaction,
    options?: CallOptions,
  ): Promise<void> {
    const request = {
      method: 'POST' as const,
      path: `${repoPath(repo)}/issues/comments/${idSegment(commentId, 'comment')}/reactions`,
      body: { content: reaction },
    };
    const session = await this.sessions.session(repo);
    await this.transport.json(session, request, options);
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
