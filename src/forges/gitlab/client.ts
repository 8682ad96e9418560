/**
 * The GitLab REST client behind `ForgeClient` (plain fetch, transport.ts). Projects are
 * addressed by numeric id when the event carries one, else by their URL-encoded full path.
 * Posting a status GitLab already shows answers 400 "Cannot transition status via :run from
 * :running": that is the idempotent no-op the interface promises.
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
  StatusState,
  Thread,
} from '../client.js';
import { CHANGED_FILES_LIMITS, addPaths, pageEntries, tooManyFiles } from '../changed-files.js';
import { ChangedFilesCache, changedFilesKey } from '../changed-files-cache.js';
import { DEFAULT_TIMEOUT_MS } from '../deadline.js';
import { HandlerError } from '../../contracts/errors.js';
import { FORGE_ERRORS, badResponse, fileTooLarge } from '../http-errors.js';
import { numberField, stringField } from '../json-fields.js';
import { checkSegment, idSegment, repoNameProblem, urlSegment } from '../repo-paths.js';
import { truncate } from '../text.js';
import type { GitLabRequest } from './transport.js';
import { GitLabTransport } from './transport.js';

export const DEFAULT_GITLAB_URL = 'https://gitlab.com';
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** GitLab documents no limit; a status line longer than this is not read anyway. */
export const STATUS_DESCRIPTION_MAX = 255;
/** GitLab refuses notes over 1,000,000 characters. */
const NOTE_MAX = 1_000_000;

export type GitLabStatusState =
  'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

const STATUS_STATE: Record<StatusState, GitLabStatusState> = {
  pending: 'pending',
  running: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
  canceled: 'canceled',
  // GitLab's own state for a job that did not run (accepted by the statuses API since 17.x).
  skipped: 'skipped',
};

/** GitLab's emoji names for GitHub's eight reactions. */
const AWARD_EMOJI: Record<Reaction, string> = {
  '+1': 'thumbsup',
  '-1': 'thumbsdown',
  laugh: 'laughing',
  confused: 'confused',
  heart: 'heart',
  hooray: 'tada',
  rocket: 'rocket',
  eyes: 'eyes',
};

export interface GitLabClientOptions {
  /** GITLAB_URL, default https://gitlab.com. */
  url?: string;
  token?: string;
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** The clock that rate-limit resets are measured against. */
  now?: () => number;
  maxFileBytes?: number;
  fetch?: typeof fetch;
}

export class GitLabClient implements ForgeClient {
  readonly forge = 'gitlab' as const;
  private readonly transport: GitLabTransport;
  private readonly webUrl: string;
  private readonly maxFileBytes: number;
  private readonly changed = new ChangedFilesCache();

  constructor(options: GitLabClientOptions = {}) {
    const url = options.url ?? DEFAULT_GITLAB_URL;
    this.transport = new GitLabTransport({
      url,
      token: options.token,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      now: options.now ?? Date.now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.webUrl = url.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async readFile(
    repo: RepoRef,
    path: string,
    ref: string,
    options?: CallOptions,
  ): Promise<string | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/repository/files/${filePath(path)}/raw`,
      query: { ref },
      // "404 File Not Found" is no file; "404 Project Not Found" is a token that cannot see it.
      none: (status, message) => status === 404 && !/project not found/i.test(message ?? ''),
    };
    const answer = await this.transport.text(request, this.maxFileBytes, options);
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
    await this.transport.json(
      {
        method: 'POST',
        path: `${project(repo)}/statuses/${urlSegment(sha, 'commit')}`,
        body: {
          state: STATUS_STATE[status.state],
          name: status.context,
          ...(status.description === undefined
            ? {}
            : { description: truncate(status.description, STATUS_DESCRIPTION_MAX) }),
          ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        },
        none: (code, message) => code === 400 && /cannot transition status/i.test(message ?? ''),
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
    const request: GitLabRequest = {
      method: 'POST',
      path: `${project(repo)}/${threadPath(on)}/notes`,
      body: { body: truncate(body, NOTE_MAX) },
    };
    const answer = await this.transport.json(request, options);
    const id = numberField(answer, 'id');
    if (id === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no note id');
    const page = typeof on === 'number' ? `merge_requests/${on}` : `issues/${on.issue}`;
    return { id, url: `${this.webUrl}/${repo.full_name}/-/${page}#note_${id}` };
  }

  /** https://docs.gitlab.com/api/notes/#modify-existing-merge-request-note */
  async updateComment(
    repo: RepoRef,
    pr: number,
    commentId: number,
    body: string,
    options?: CallOptions,
  ): Promise<{ id: number; url: string | null } | null> {
    const request: GitLabRequest = {
      method: 'PUT',
      path: `${project(repo)}/merge_requests/${idSegment(pr, 'merge request')}/notes/${idSegment(commentId, 'note')}`,
      body: { body: truncate(body, NOTE_MAX) },
      none: (status) => status === 404,
    };
    const answer = await this.transport.json(request, options);
    if (answer === null) return null;
    const id = numberField(answer, 'id');
    if (id === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no note id');
    return { id, url: `${this.webUrl}/${repo.full_name}/-/merge_requests/${pr}#note_${id}` };
  }

  async pullRequestHead(
    repo: RepoRef,
    pr: number,
    options?: CallOptions,
  ): Promise<PullRequestHead | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/merge_requests/${idSegment(pr, 'merge request')}`,
      none: (status) => status === 404,
    };
    const answer = await this.transport.json(request, options);
    if (answer === null) return null;
    const sha = stringField(answer, 'sha');
    const ref = stringField(answer, 'source_branch');
    if (sha === undefined || ref === undefined) {
      throw badResponse({ forge: 'gitlab', ...request }, 'no sha or source_branch');
    }
    return { sha, ref, baseRef: stringField(answer, 'target_branch') ?? null };
  }

  /**
   * `GET /projects/:id/repository/tags/:tag_name`: `commit.id` is the tagged commit (`target`
   * is the tag object of an annotated tag). https://docs.gitlab.com/api/tags/#get-a-single-repository-tag
   */
  async tagCommit(repo: RepoRef, tag: string, options?: CallOptions): Promise<string | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/repository/tags/${pathSegment(checkSegment(tag, 'tag'))}`,
      none: (status, message) => status === 404 && !/project not found/i.test(message ?? ''),
    };
    const answer = await this.transport.json(request, options);
    if (answer === null) return null;
    const sha = stringField(answer, 'commit', 'id');
    if (sha === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no commit.id');
    return sha;
  }

  /**
   * The newest release by release date (https://docs.gitlab.com/api/releases/#list-releases,
   * sorted that way by default); null when the project has none.
   */
  async latestRelease(repo: RepoRef, options?: CallOptions): Promise<LatestRelease | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/releases?order_by=released_at&sort=desc&per_page=1`,
    };
    const answer = await this.transport.json(request, options);
    if (!Array.isArray(answer)) throw badResponse({ forge: 'gitlab', ...request }, 'not a list');
    const newest: unknown = answer[0];
    if (newest === undefined) return null;
    const tag = stringField(newest, 'tag_name');
    if (tag === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no tag_name');
    return {
      tag,
      name: stringField(newest, 'name') ?? null,
      url: stringField(newest, '_links', 'self') ?? null,
    };
  }

  /**
   * The merge request first (https://docs.gitlab.com/api/merge_requests/#get-single-mr): past
   * GitLab's diff limits its `changes_count` reads "1000+" and the diffs list is cut short, so
   * the list cannot be whole. Then `GET /projects/:id/merge_requests/:iid/diffs`, 100 a page,
   * following `x-next-page` (https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs,
   * https://docs.gitlab.com/api/rest/#pagination), at most 30 pages. A renamed file counts with
   * `old_path` too.
   */
  async changedFiles(
    repo: RepoRef,
    pr: PullRequestCommits,
    options?: CallOptions,
  ): Promise<ChangedFiles | null> {
    const key = changedFilesKey('gitlab', repo, pr);
    const cached = this.changed.get(key);
    if (cached !== undefined) return cached;
    const remember = (value: ChangedFiles) => {
      this.changed.set(key, value);
      return value;
    };
    const mrPath = `${project(repo)}/merge_requests/${idSegment(pr.number, 'merge request')}`;
    const mr = await this.transport.json(
      { method: 'GET', path: mrPath, none: (status) => status === 404 },
      options,
    );
    if (mr === null) return null;
    // Another push since the event: the list GitLab has is of the newer head (not kept).
    const head = stringField(mr, 'sha');
    if (head !== undefined && head !== pr.headSha)
      return { paths: null, why: `the merge request's head moved on to ${head.slice(0, 12)}` };
    const count = stringField(mr, 'changes_count');
    if (count === undefined || count === '')
      return { paths: null, why: "GitLab has not counted the merge request's changes yet" };
    if (count.endsWith('+'))
      return remember({
        paths: null,
        why: `GitLab lists only part of the merge request's changed files (changes_count "${count.slice(0, 20)}", past its diff limits)`,
      });
    const { perPage, maxPages, maxPageBytes } = CHANGED_FILES_LIMITS;
    const paths = new Set<string>();
    let page = 1;
    for (let read = 0; read < maxPages; read++) {
      const request: GitLabRequest = {
        method: 'GET',
        path: `${mrPath}/diffs`,
        query: { per_page: perPage, page },
        none: (status) => status === 404,
      };
      const malformed = (what: string) =>
        badResponse(
          {
            forge: 'gitlab',
            method: 'GET',
            path: `${request.path}?per_page=${perPage}&page=${page}`,
          },
          what,
        );
      const answer = await this.transport.page(request, maxPageBytes, options);
      if (answer === null) return null;
      const entries = pageEntries(answer, page, malformed);
      if (typeof entries === 'string') return remember({ paths: null, why: entries });
      const why = addPaths(paths, entries, (e) => [e.new_path, e.old_path], malformed);
      if (why !== null) return remember({ paths: null, why });
      const next = nextPage(answer.headers, page, entries.length, perPage);
      if (next === undefined) throw malformed('x-next-page is not a later page');
      if (next === null) return remember({ paths: [...paths].sort() });
      page = next;
    }
    return remember({ paths: null, why: tooManyFiles() });
  }

  async branchHead(repo: RepoRef, branch: string, options?: CallOptions): Promise<string | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/repository/branches/${pathSegment(checkSegment(branch, 'branch'))}`,
      none: (status) => status === 404,
    };
    const answer = await this.transport.json(request, options);
    if (answer === null) return null;
    const sha = stringField(answer, 'commit', 'id');
    if (sha === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no commit.id');
    return sha;
  }

  /**
   * https://docs.gitlab.com/api/emoji_reactions/#add-a-new-emoji-reaction-to-a-comment: an
   * emoji this user already awarded answers 404 "Award Emoji Name has already been taken".
   */
  async react(
    repo: RepoRef,
    on: Thread,
    commentId: number,
    reaction: Reaction,
    options?: CallOptions,
  ): Promise<void> {
    await this.transport.json(
      {
        method: 'POST',
        path: `${project(repo)}/${threadPath(on)}/notes/${idSegment(commentId, 'note')}/award_emoji`,
        body: { name: AWARD_EMOJI[reaction] },
        none: (status, message) => status === 404 && /already been taken/i.test(message ?? ''),
      },
      options,
    );
  }

  /** Direct and inherited membership (members/all); a member whose account is not active counts as none. */
  async accessLevel(repo: RepoRef, userId: number, options?: CallOptions): Promise<number | null> {
    const request: GitLabRequest = {
      method: 'GET',
      path: `${project(repo)}/members/all/${idSegment(userId, 'user')}`,
      none: (status) => status === 404,
    };
    const answer = await this.transport.json(request, options);
    if (answer === null) return null;
    const state = stringField(answer, 'state');
    if (state !== undefined && state !== 'active') return null;
    const level = numberField(answer, 'access_level');
    if (level === undefined) throw badResponse({ forge: 'gitlab', ...request }, 'no access_level');
    return level;
  }
}

/** The merge request's or the part of a notes path. */
function threadPath(on: Thread): string {
  return typeof on === 'number'
    ? `merge_requests/${idSegment(on, 'merge request')}`
    : `issues/${idSegment(on.issue, 'issue')}`;
}

/** `/projects/ID`, or `/projects/group%2Fproject` when the event carried no (usable) id. */
function project(repo: RepoRef): string {
  if (repo.id !== null && Number.isSafeInteger(repo.id) && repo.id > 0)
    return `/projects/${repo.id}`;
  const problem = repoNameProblem(repo.full_name, 'gitlab');
  if (problem !== null)
    throw new HandlerError(FORGE_ERRORS.request, `"${repo.full_name}": ${problem}`, {
      nonRetryable: true,
    });
  return `/projects/${encodeURIComponent(repo.full_name)}`;
}

/**
 * A file path as GitLab's one URL segment: every part checked (no `.` or `..`), then slashes
 * and dots encoded too (GitLab reads `x.yml` as a format otherwise).
 */
function filePath(path: string): string {
  const parts = path.replace(/^\/+/, '').split('/');
  return pathSegment(parts.map((part) => checkSegment(part, 'file path')).join('/'));
}

/**
 * The page after `page`: GitLab's `x-next-page` (empty on the last page); without the header
 * (a proxy dropped it), a full page means there may be more. undefined for a header that is
 * no later page.
 */
function nextPage(
  headers: Headers,
  page: number,
  got: number,
  perPage: number,
): number | null | undefined {
  const next = headers.get('x-next-page');
  if (next === null) return got < perPage ? null : page + 1;
  if (next.trim() === '') return null;
  const number = Number(next);
  // Only forward: a page that points back would read the same files again.
  return Number.isSafeInteger(number) && number > page ? number : undefined;
}

/** An already checked value as one path segment: slashes and dots encoded too. */
function pathSegment(value: string): string {
  return encodeURIComponent(value).replaceAll('.', '%2E');
}
