/**
 * A fake GitHub REST API for tests: the real paths, auth schemes and response shapes of the
 * endpoints forgeflow calls, over real HTTP. Seed it (tokens, an App and its installations,
 * repositories, files at commits, branches, pull requests), point a client's base URL at
 * `url`, then read back what was posted (statuses, check runs, comments) and every request.
 *
 *   const github = new FakeGitHub().addToken('t0k3n');
 *   github.setFile('octo/hello', SHA, 'pipeline.yaml', 'version: 1 …');
 *   await github.start();  …  github.statuses('octo/hello', SHA)  …  await github.stop();
 *
 * Faults: `failNext('GET', /contents/, 502, 3)`, `rateLimitNext('POST', '/statuses/')`,
 * `delayNext(…)`, `dropNext(…)` (fake-http.ts).
 */
import type { KeyObject } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

import type { Caller, FakeInstallation, FakeUser } from './fake-github-auth.js';
import { DEFAULT_INSTALLATION_PERMISSIONS, FakeGitHubAuth } from './fake-github-auth.js';
import type {
  CheckRunState,
  CommentState,
  PullFileState,
  ReactionState,
  RepoState,
  StatusState,
} from './fake-github-shapes.js';
import {
  branchJson,
  checkRunJson,
  commentJson,
  commitJson,
  contentJson,
  pullFileJson,
  pullJson,
  reactionJson,
  statusJson,
} from './fake-github-shapes.js';
import type { FakeRequest, PathMatch, Reply } from './fake-http.js';
import { FakeHttpServer, isoSeconds, objectBody } from './fake-http.js';

export type {
  CheckRunState,
  CommentState,
  PullFileState,
  ReactionState,
  StatusState,
} from './fake-github-shapes.js';
export { generateAppKeys } from './fake-github-auth.js';

const DOCS = 'https://docs.github.com/rest';
/** GitHub lists at most this many files of a pull request (the docs of "List pull requests files"). */
const PULL_FILES_MAX = 3_000;
const STATUS_STATES = ['error', 'failure', 'pending', 'success'];
const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];
const CHECK_STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'];
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];

export interface FakeGitHubOptions {
  /** The server's clock (JWT checks, token expiry, timestamps); default Date.now. */
  now?: () => number;
}

export interface PullRequestSeed {
  number: number;
  headSha: string;
  headRef: string;
  baseRef?: string;
  baseSha?: string;
  title?: string;
  author?: string;
  draft?: boolean;
  state?: 'open' | 'closed';
}

export class FakeGitHub extends FakeHttpServer {
  private readonly now: () => number;
  private readonly auth: FakeGitHubAuth;
  private readonly repos = new Map<string, RepoState>();
  private readonly statusLog: StatusState[] = [];
  private readonly checkRunLog: CheckRunState[] = [];
  private readonly commentLog: CommentState[] = [];
  private readonly reactionLog: ReactionState[] = [];
  private commentEdits = 0;
  private nextId = 1;
  private nextRepoId = 1_296_269;
  private served = 0;

  constructor(options: FakeGitHubOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.auth = new FakeGitHubAuth(this.now);
  }

  // ---- seeding -------------------------------------------------------------------------

  /** A personal access token (`Authorization: token X` or `Bearer X`) acting as `login`. */
  addToken(token: string, login = 'forgeflow-bot'): this {
    this.auth.tokens.set(token, { login, id: 5_000 + this.auth.tokens.size, type: 'User' });
    return this;
  }

  /** The GitHub App whose JWTs are accepted (verified with `publicKey`). */
  setApp(app: { id: number; publicKey: string | KeyObject; slug?: string }): this {
    this.auth.setApp({ id: app.id, slug: app.slug ?? 'forgeflow', publicKey: app.publicKey });
    return this;
  }

  /** An installation of the App; `repositories` limits it to those `owner/name`s. */
  addInstallation(
    id: number,
    options: { repositories?: string[]; permissions?: Record<string, string> } = {},
  ): this {
    this.auth.installations.set(id, {
      id,
      ...(options.repositories === undefined
        ? {}
        : { repositories: options.repositories.map((r) => r.toLowerCase()) }),
      permissions: options.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS,
    });
    return this;
  }

  /** Repositories are also created by the other seeding helpers. */
  addRepo(
    fullName: string,
    options: { id?: number; defaultBranch?: string; private?: boolean } = {},
  ): this {
    const existing = this.repos.get(fullName.toLowerCase());
    const [owner = '', name = ''] = fullName.split('/');
    const repo: RepoState = existing ?? {
      id: options.id ?? this.nextRepoId++,
      owner,
      name,
      fullName,
      defaultBranch: 'main',
      private: false,
      files: new Map(),
      branches: new Map(),
      pulls: new Map(),
      issues: new Set(),
      latestRelease: null,
      tags: new Map(),
    };
    if (options.id !== undefined) repo.id = options.id;
    if (options.defaultBranch !== undefined) repo.defaultBranch = options.defaultBranch;
    if (options.private !== undefined) repo.private = options.private;
    this.repos.set(fullName.toLowerCase(), repo);
    return this;
  }

  /** A commit with no files of interest (statuses may be posted to it). */
  addCommit(fullName: string, sha: string): this {
    const files = this.seedRepo(fullName).files;
    if (!files.has(sha)) files.set(sha, new Map());
    return this;
  }

  setFile(fullName: string, sha: string, path: string, content: string): this {
    this.addCommit(fullName, sha);
    this.seedRepo(fullName).files.get(sha)?.set(path.replace(/^\/+/, ''), content);
    return this;
  }

  setFiles(fullName: string, sha: string, files: Record<string, string>): this {
    this.addCommit(fullName, sha);
    for (const [path, content] of Object.entries(files)) this.setFile(fullName, sha, path, content);
    return this;
  }

  setBranch(fullName: string, branch: string, sha: string): this {
    this.addCommit(fullName, sha);
    this.seedRepo(fullName).branches.set(branch, sha);
    return this;
  }

  addPullRequest(fullName: string, seed: PullRequestSeed): this {
    const repo = this.seedRepo(fullName);
    const baseRef = seed.baseRef ?? repo.defaultBranch;
    const baseSha = seed.baseSha ?? repo.branches.get(baseRef) ?? '0'.repeat(40);
    this.addCommit(fullName, seed.headSha).addCommit(fullName, baseSha);
    repo.pulls.set(seed.number, {
      number: seed.number,
      title: seed.title ?? `Pull request #${seed.number}`,
      state: seed.state ?? 'open',
      headSha: seed.headSha,
      headRef: seed.headRef,
      baseRef,
      baseSha,
      user: { login: seed.author ?? 'octocat', id: 583_231, type: 'User' },
      draft: seed.draft ?? false,
      files: repo.pulls.get(seed.number)?.files ?? [],
    });
    return this;
  }

  /** The files a pull request changes: a path (modified), or an entry with its status. */
  setPullFiles(fullName: string, number: number, files: readonly (string | PullFileState)[]): this {
    const pull = this.seedRepo(fullName).pulls.get(number);
    if (pull === undefined) throw new Error(`no pull request #${number} in ${fullName}`);
    pull.files = files.map((f) =>
      typeof f === 'string' ? { filename: f, status: 'modified' as const } : f,
    );
    return this;
  }

  /**
   * A tag on a commit; `annotated` is the tag object's own sha (what a push's `after` names),
   * which "Get a commit" peels to the commit.
   */
  setTag(
    fullName: string,
    tag: string,
    commit: string,
    options: { annotated?: string } = {},
  ): this {
    this.addCommit(fullName, commit);
    this.seedRepo(fullName).tags.set(tag, { commit, object: options.annotated ?? null });
    return this;
  }

  /** An issue (not a pull request) forgeflow may comment on. */
  addIssue(fullName: string, number: number): this {
    this.seedRepo(fullName).issues.add(number);
    return this;
  }

  /** The repository's latest published release (`GET /releases/latest`), its tag set too. */
  setLatestRelease(
    fullName: string,
    release: { tag: string; commit: string; name?: string },
  ): this {
    this.setTag(fullName, release.tag, release.commit);
    this.seedRepo(fullName).latestRelease = { tag: release.tag, name: release.name ?? null };
    return this;
  }

  /**
   * A comment someone wrote on pull request `issue` (what a webhook's `comment` names), so that
   * forgeflow may react to it; `comments()` lists it with forgeflow's own.
   */
  addIssueComment(
    fullName: string,
    issue: number,
    comment: { id: number; body: string; login?: string },
  ): this {
    const repo = this.seedRepo(fullName);
    this.commentLog.push({
      id: comment.id,
      repo: repo.fullName,
      issue,
      body: comment.body,
      user: { login: comment.login ?? 'octocat', id: 583_231, type: 'User' },
      created_at: isoSeconds(this.now()),
    });
    return this;
  }

  // ---- reading back --------------------------------------------------------------------

  /** Commit statuses in the order they were posted. */
  statuses(fullName?: string, sha?: string): StatusState[] {
    return this.statusLog.filter(
      (s) =>
        (fullName === undefined || same(s.repo, fullName)) && (sha === undefined || s.sha === sha),
    );
  }

  /** The status GitHub shows for a context: the last one posted. */
  latestStatus(fullName: string, sha: string, context: string): StatusState | undefined {
    return this.statuses(fullName, sha)
      .filter((s) => s.context === context)
      .pop();
  }

  /** Check runs as they stand now, in creation order. */
  checkRuns(fullName?: string, sha?: string): CheckRunState[] {
    return this.checkRunLog.filter(
      (r) =>
        (fullName === undefined || same(r.repo, fullName)) &&
        (sha === undefined || r.head_sha === sha),
    );
  }

  comments(fullName?: string, issue?: number): CommentState[] {
    return this.commentLog.filter(
      (c) =>
        (fullName === undefined || same(c.repo, fullName)) &&
        (issue === undefined || c.issue === issue),
    );
  }

  /** Reactions on issue comments, in the order they were created. */
  reactions(fullName?: string, commentId?: number): ReactionState[] {
    return this.reactionLog.filter(
      (r) =>
        (fullName === undefined || same(r.repo, fullName)) &&
        (commentId === undefined || r.commentId === commentId),
    );
  }

  /** Comment edits (PATCH) accepted so far. */
  get commentsEdited(): number {
    return this.commentEdits;
  }

  /** Someone deletes a comment (as `DELETE /repos/{owner}/{repo}/issues/comments/{id}` would). */
  deleteComment(id: number): this {
    const at = this.commentLog.findIndex((c) => c.id === id);
    if (at >= 0) this.commentLog.splice(at, 1);
    return this;
  }

  /** Installation tokens minted so far. */
  get installationTokensIssued(): number {
    return this.auth.installationTokens.size;
  }

  // ---- faults ---------------------------------------------------------------------------

  /**
   * GitHub's rate limits: by default the primary one (403, `x-ratelimit-remaining: 0`,
   * `x-ratelimit-reset` = `resetAt` epoch seconds); with `retryAfterSeconds`, a secondary one
   * (`retry-after`; `status` 403 or 429).
   */
  rateLimitNext(
    method: string,
    path: PathMatch,
    options: {
      resetAt?: number;
      retryAfterSeconds?: number;
      status?: 403 | 429;
      times?: number;
    } = {},
  ): this {
    const secondary = options.retryAfterSeconds !== undefined;
    const resetAt = options.resetAt ?? Math.floor(this.now() / 1000) + 60;
    const headers: Record<string, string> = secondary
      ? { 'retry-after': String(options.retryAfterSeconds) }
      : { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) };
    const message = secondary
      ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
      : 'API rate limit exceeded for user ID 5000.';
    return this.failNext(method, path, options.status ?? 403, options.times ?? 1, {
      headers,
      body: {
        message,
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`,
        status: String(options.status ?? 403),
      },
    });
  }

  // ---- the API ---------------------------------------------------------------------------

  protected override errorBody(status: number): unknown {
    return {
      message: STATUS_CODES[status] ?? 'Error',
      documentation_url: DOCS,
      status: String(status),
    };
  }

  protected override commonHeaders(): Record<string, string> {
    this.served += 1;
    return {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${this.served.toString(16).toUpperCase()}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(1, 5000 - this.served)),
      'x-ratelimit-reset': String(Math.floor(this.now() / 1000) + 3600),
      'x-ratelimit-used': String(this.served),
      'x-ratelimit-resource': 'core',
    };
  }

  protected override route(request: FakeRequest): Reply {
    const auth = this.auth.authenticate(request.headers);
    if (auth === null) return this.error(401, 'Requires authentication');
    if (!auth.ok) return this.error(auth.status, auth.message);
    const [first, ...rest] = request.segments;
    if (first === 'app') return this.appRoute(request, rest, auth.caller);
    if (first !== 'repos') return this.error(404, 'Not Found');
    if (auth.caller.kind === 'app')
      return this.error(403, 'Resource not accessible by integration');
    const [owner, name, ...tail] = rest;
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo === undefined || !this.canReach(auth.caller, repo))
      return this.error(404, 'Not Found');
    return this.repoRoute(request, repo, tail, auth.caller);
  }

  private appRoute(request: FakeRequest, rest: string[], caller: Caller): Reply {
    if (caller.kind !== 'app') return this.error(401, 'A JSON web token could not be decoded');
    const [installations, id, tokens] = rest;
    if (
      request.method !== 'POST' ||
      installations !== 'installations' ||
      tokens !== 'access_tokens' ||
      rest.length !== 3
    ) {
      return this.error(404, 'Not Found');
    }
    const installation = this.auth.installations.get(Number(id));
    if (installation === undefined) return this.error(404, 'Not Found');
    const { token, expiresAt } = this.auth.mint(installation);
    return {
      status: 201,
      body: {
        token,
        expires_at: isoSeconds(expiresAt),
        permissions: installation.permissions,
        repository_selection: installation.repositories === undefined ? 'all' : 'selected',
      },
    };
  }

  private repoRoute(request: FakeRequest, repo: RepoState, tail: string[], caller: Caller): Reply {
    const { method } = request;
    const [what, a, b] = tail;
    if (what === 'contents' && method === 'GET')
      return this.getContents(request, repo, tail.slice(1));
    if (what === 'statuses' && a !== undefined && tail.length === 2 && method === 'POST') {
      return this.postStatus(request, repo, a, caller);
    }
    if (what === 'commits' && a !== undefined && tail.length === 3 && method === 'GET') {
      if (b === 'statuses') return this.listStatuses(repo, a);
      if (b === 'check-runs') return this.listCheckRuns(request, repo, a);
    }
    if (what === 'commits' && a !== undefined && method === 'GET')
      return this.getCommit(request, repo, tail.slice(1).join('/'));
    if (
      what === 'pulls' &&
      a !== undefined &&
      b === 'files' &&
      tail.length === 3 &&
      method === 'GET'
    )
      return this.listPullFiles(request, repo, Number(a));
    if (what === 'check-runs' && tail.length === 1 && method === 'POST') {
      return this.postCheckRun(request, repo, caller);
    }
    if (what === 'check-runs' && a !== undefined && tail.length === 2) {
      if (method === 'PATCH') return this.patchCheckRun(request, repo, Number(a), caller);
      if (method === 'GET') return this.getCheckRun(repo, Number(a));
    }
    if (what === 'issues' && a === 'comments' && b !== undefined && tail[3] === 'reactions') {
      if (method === 'POST' && tail.length === 4)
        return this.postReaction(request, repo, b, caller);
    }
    if (what === 'issues' && a !== undefined && b === 'comments' && tail.length === 3) {
      if (method === 'POST') return this.postComment(request, repo, Number(a), caller);
      if (method === 'GET') return this.listComments(repo, Number(a));
    }
    // https://docs.github.com/en/rest/issues/comments#update-an-issue-comment
    if (what === 'issues' && a === 'comments' && b !== undefined && tail.length === 3) {
      if (method === 'PATCH') return this.patchComment(request, repo, Number(b));
    }
    if (what === 'pulls' && a !== undefined && tail.length === 2 && method === 'GET') {
      const pull = repo.pulls.get(Number(a));
      return pull === undefined
        ? this.error(404, 'Not Found')
        : { status: 200, body: pullJson(this.url, repo, pull) };
    }
    // https://docs.github.com/en/rest/releases/releases#get-the-latest-release
    if (what === 'releases' && a === 'latest' && tail.length === 2 && method === 'GET') {
      const latest = repo.latestRelease;
      return latest === null
        ? this.error(404, 'Not Found')
        : {
            status: 200,
            body: {
              id: 1,
              tag_name: latest.tag,
              name: latest.name,
              draft: false,
              prerelease: false,
              html_url: `${this.url}/${repo.fullName}/releases/tag/${latest.tag}`,
            },
          };
    }
    if (what === 'branches' && tail.length >= 2 && method === 'GET') {
      const branch = tail.slice(1).join('/');
      const sha = repo.branches.get(branch);
      return sha === undefined
        ? this.error(404, 'Branch not found')
        : { status: 200, body: branchJson(this.url, repo, branch, sha) };
    }
    return this.error(404, 'Not Found');
  }

  private getContents(request: FakeRequest, repo: RepoState, pathParts: string[]): Reply {
    const path = pathParts.join('/');
    const ref = request.query.get('ref') ?? repo.defaultBranch;
    const sha = resolveRef(repo, ref);
    if (sha === undefined) return this.error(404, `No commit found for the ref ${ref}`);
    const files = repo.files.get(sha) ?? new Map<string, string>();
    const content = files.get(path);
    if (content === undefined) {
      const children = [...files.keys()].filter((p) => path === '' || p.startsWith(`${path}/`));
      if (children.length === 0) return this.error(404, 'Not Found');
      return { status: 200, body: listing(this.url, repo, path, ref, children) };
    }
    const accept = String(request.headers.accept ?? '');
    if (/\.raw\b/.test(accept)) {
      return {
        status: 200,
        headers: {
          'content-type': 'application/vnd.github.raw',
          'x-github-media-type': 'github.v3; param=raw',
        },
        body: Buffer.from(content, 'utf8'),
      };
    }
    return { status: 200, body: contentJson(this.url, repo, path, ref, content) };
  }

  /**
   * "Get a commit": `ref` a sha, `heads/BRANCH` or `tags/TAG` (an annotated tag peeled); 422
   * "No commit found for SHA" for a ref that is not there. With `application/vnd.github.sha`
   * the answer is the sha alone, as text.
   */
  private getCommit(request: FakeRequest, repo: RepoState, ref: string): Reply {
    const sha = ref.startsWith('tags/')
      ? repo.tags.get(ref.slice('tags/'.length))?.commit
      : resolveRef(repo, ref.replace(/^heads\//, ''));
    if (sha === undefined)
      return {
        status: 422,
        body: {
          message: `No commit found for SHA: ${ref}`,
          documentation_url: `${DOCS}/commits/commits#get-a-commit`,
          status: '422',
        },
      };
    if (/vnd\.github(\.v3)?\.sha\b/.test(String(request.headers.accept ?? '')))
      return {
        status: 200,
        headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8' },
        body: sha,
      };
    return { status: 200, body: commitJson(this.url, repo, sha) };
  }

  /** "List pull requests files": 30 a page unless `per_page` (at most 100), 3,000 files at most. */
  private listPullFiles(request: FakeRequest, repo: RepoState, number: number): Reply {
    const pull = repo.pulls.get(number);
    if (pull === undefined) return this.error(404, 'Not Found');
    const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const listed = pull.files.slice(0, PULL_FILES_MAX);
    const last = Math.max(1, Math.ceil(listed.length / perPage));
    const link = (n: number, rel: string) =>
      `<${this.url}/repos/${repo.fullName}/pulls/${number}/files?per_page=${perPage}&page=${n}>; rel="${rel}"`;
    const links = [
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    return {
      status: 200,
      headers: links.length > 0 ? { link: links.join(', ') } : {},
      body: listed
        .slice((page - 1) * perPage, page * perPage)
        .map((f) => pullFileJson(this.url, repo, pull.headSha, f)),
    };
  }

  private postStatus(request: FakeRequest, repo: RepoState, sha: string, caller: Caller): Reply {
    const body = objectBody(request.body);
    const state = body.state;
    const description = body.description;
    if (typeof state !== 'string' || !STATUS_STATES.includes(state)) {
      return this.invalid('Status', 'state', 'state is not included in the list');
    }
    if (typeof description === 'string' && Array.from(description).length > 140) {
      return this.invalid(
        'Status',
        'description',
        'description is too long (maximum is 140 characters)',
      );
    }
    if (!repo.files.has(sha)) return this.error(422, `No commit found for SHA: ${sha}`);
    const status: StatusState = {
      id: this.nextId++,
      repo: repo.fullName,
      sha,
      state,
      context: typeof body.context === 'string' ? body.context : 'default',
      description: typeof description === 'string' ? description : null,
      target_url: typeof body.target_url === 'string' ? body.target_url : null,
      created_at: isoSeconds(this.now()),
      creator: callerUser(caller, this.auth.botUser()),
    };
    this.statusLog.push(status);
    return { status: 201, body: statusJson(this.url, status) };
  }

  private listStatuses(repo: RepoState, ref: string): Reply {
    const sha = resolveRef(repo, ref);
    const list = sha === undefined ? [] : this.statuses(repo.fullName, sha).reverse();
    return { status: 200, body: list.map((s) => statusJson(this.url, s)) };
  }

  private postCheckRun(request: FakeRequest, repo: RepoState, caller: Caller): Reply {
    if (caller.kind !== 'installation') {
      return this.error(403, 'You must authenticate via a GitHub App.');
    }
    const body = objectBody(request.body);
    if (typeof body.name !== 'string' || body.name === '') {
      return this.invalid('CheckRun', 'name', 'name is missing');
    }
    if (typeof body.head_sha !== 'string' || !repo.files.has(body.head_sha)) {
      return this.error(422, `No commit found for SHA: ${String(body.head_sha)}`);
    }
    const run: CheckRunState = {
      id: this.nextId++,
      repo: repo.fullName,
      head_sha: body.head_sha,
      name: body.name,
      status: 'queued',
      conclusion: null,
      details_url: null,
      external_id: null,
      started_at: isoSeconds(this.now()),
      completed_at: null,
      output: { title: null, summary: null, text: null },
      appId: this.auth.app?.id ?? 0,
    };
    const problem = this.applyCheckRun(run, body);
    if (problem !== null) return problem;
    this.checkRunLog.push(run);
    return { status: 201, body: checkRunJson(this.url, run, this.slug()) };
  }

  private patchCheckRun(request: FakeRequest, repo: RepoState, id: number, caller: Caller): Reply {
    if (caller.kind !== 'installation') {
      return this.error(403, 'You must authenticate via a GitHub App.');
    }
    const run = this.checkRunLog.find((r) => r.id === id && same(r.repo, repo.fullName));
    if (run === undefined) return this.error(404, 'Not Found');
    if (run.appId !== this.auth.app?.id) return this.error(403, 'Invalid app_id');
    const updated: CheckRunState = { ...run, output: { ...run.output } };
    const problem = this.applyCheckRun(updated, objectBody(request.body));
    if (problem !== null) return problem;
    Object.assign(run, updated);
    return { status: 200, body: checkRunJson(this.url, run, this.slug()) };
  }

  private applyCheckRun(run: CheckRunState, body: Record<string, unknown>): Reply | null {
    if (typeof body.name === 'string') run.name = body.name;
    if (typeof body.details_url === 'string') {
      if (!/^https?:\/\//.test(body.details_url)) {
        return this.invalid('CheckRun', 'details_url', 'details_url must use http(s) scheme');
      }
      run.details_url = body.details_url;
    }
    if (typeof body.external_id === 'string') run.external_id = body.external_id;
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !CHECK_STATUSES.includes(body.status)) {
        return this.invalid('CheckRun', 'status', 'status is not included in the list');
      }
      run.status = body.status;
    }
    if (body.conclusion !== undefined) {
      if (typeof body.conclusion !== 'string' || !CONCLUSIONS.includes(body.conclusion)) {
        return this.invalid('CheckRun', 'conclusion', 'conclusion is not included in the list');
      }
      run.conclusion = body.conclusion;
      run.status = 'completed';
    } else if (run.status !== 'completed') {
      run.conclusion = null;
    }
    if (run.status === 'completed' && run.conclusion === null) {
      return this.invalid(
        'CheckRun',
        'conclusion',
        'conclusion is required when status is completed',
      );
    }
    if (run.status === 'completed') {
      run.completed_at =
        typeof body.completed_at === 'string'
          ? body.completed_at
          : (run.completed_at ?? isoSeconds(this.now()));
    } else {
      run.completed_at = null;
    }
    if (body.output !== undefined) {
      const output = objectBody(body.output);
      if (typeof output.title !== 'string' || typeof output.summary !== 'string') {
        return this.invalid('CheckRun', 'output', 'output needs a title and a summary');
      }
      run.output = {
        title: output.title,
        summary: output.summary,
        text: typeof output.text === 'string' ? output.text : null,
      };
    }
    return null;
  }

  private getCheckRun(repo: RepoState, id: number): Reply {
    const run = this.checkRunLog.find((r) => r.id === id && same(r.repo, repo.fullName));
    return run === undefined
      ? this.error(404, 'Not Found')
      : { status: 200, body: checkRunJson(this.url, run, this.slug()) };
  }

  private listCheckRuns(request: FakeRequest, repo: RepoState, ref: string): Reply {
    const sha = resolveRef(repo, ref);
    if (sha === undefined) return this.error(422, `No commit found for SHA: ${ref}`);
    const { query } = request;
    let runs = this.checkRuns(repo.fullName, sha)
      .filter((r) => !query.has('check_name') || r.name === query.get('check_name'))
      .filter((r) => !query.has('status') || r.status === query.get('status'))
      .filter((r) => !query.has('app_id') || String(r.appId) === query.get('app_id'))
      .reverse();
    if ((query.get('filter') ?? 'latest') === 'latest') {
      runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
    }
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    return {
      status: 200,
      body: {
        total_count: runs.length,
        check_runs: runs
          .slice((page - 1) * perPage, page * perPage)
          .map((r) => checkRunJson(this.url, r, this.slug())),
      },
    };
  }

  private postComment(request: FakeRequest, repo: RepoState, issue: number, caller: Caller): Reply {
    if (!repo.pulls.has(issue) && !repo.issues.has(issue)) return this.error(404, 'Not Found');
    const body = objectBody(request.body).body;
    if (typeof body !== 'string' || body === '') {
      return this.invalid('IssueComment', 'body', 'body is missing');
    }
    if (Array.from(body).length > 65_536) {
      return this.invalid('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)');
    }
    const comment: CommentState = {
      id: 1_000_000 + this.nextId++,
      repo: repo.fullName,
      issue,
      body,
      user: callerUser(caller, this.auth.botUser()),
      created_at: isoSeconds(this.now()),
    };
    this.commentLog.push(comment);
    return { status: 201, body: commentJson(this.url, comment, association(repo, comment.user)) };
  }

  /**
   * https://docs.github.com/en/rest/reactions/reactions#create-reaction-for-an-issue-comment:
   * 201 with the new reaction, 200 with the one this user already left, 404 for no comment.
   */
  private postReaction(request: FakeRequest, repo: RepoState, id: string, caller: Caller): Reply {
    const comment = this.commentLog.find((c) => same(c.repo, repo.fullName) && String(c.id) === id);
    if (comment === undefined) return this.error(404, 'Not Found');
    const content = objectBody(request.body).content;
    if (typeof content !== 'string' || !REACTIONS.includes(content)) {
      return this.invalid('Reaction', 'content', 'content is not included in the list');
    }
    const user = callerUser(caller, this.auth.botUser());
    const existing = this.reactions(repo.fullName, comment.id).find(
      (r) => r.content === content && r.user.id === user.id,
    );
    if (existing !== undefined) return { status: 200, body: reactionJson(this.url, existing) };
    const reaction: ReactionState = {
      id: this.nextId++,
      repo: repo.fullName,
      commentId: comment.id,
      content,
      user,
      created_at: isoSeconds(this.now()),
    };
    this.reactionLog.push(reaction);
    return { status: 201, body: reactionJson(this.url, reaction) };
  }

  private patchComment(request: FakeRequest, repo: RepoState, id: number): Reply {
    const comment = this.commentLog.find((c) => c.id === id && same(c.repo, repo.fullName));
    if (comment === undefined) return this.error(404, 'Not Found');
    const body = objectBody(request.body).body;
    if (typeof body !== 'string' || body === '') {
      return this.invalid('IssueComment', 'body', 'body is missing');
    }
    if (Array.from(body).length > 65_536) {
      return this.invalid('IssueComment', 'body', 'Body is too long (maximum is 65536 characters)');
    }
    comment.body = body;
    comment.updated_at = isoSeconds(this.now());
    this.commentEdits += 1;
    return { status: 200, body: commentJson(this.url, comment, association(repo, comment.user)) };
  }

  private listComments(repo: RepoState, issue: number): Reply {
    if (!repo.pulls.has(issue)) return this.error(404, 'Not Found');
    return {
      status: 200,
      body: this.comments(repo.fullName, issue).map((c) =>
        commentJson(this.url, c, association(repo, c.user)),
      ),
    };
  }

  private canReach(caller: Caller, repo: RepoState): boolean {
    if (caller.kind !== 'installation') return true;
    const allowed = caller.installation.repositories;
    return allowed === undefined || allowed.includes(repo.fullName.toLowerCase());
  }

  private seedRepo(fullName: string): RepoState {
    if (!this.repos.has(fullName.toLowerCase())) this.addRepo(fullName);
    return this.repos.get(fullName.toLowerCase()) as RepoState;
  }

  private slug(): string {
    return this.auth.app?.slug ?? 'forgeflow';
  }

  private error(status: number, message: string): Reply {
    return { status, body: { message, documentation_url: DOCS, status: String(status) } };
  }

  private invalid(resource: string, field: string, message: string): Reply {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource, code: 'custom', field, message }],
        documentation_url: DOCS,
        status: '422',
      },
    };
  }
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function resolveRef(repo: RepoState, ref: string): string | undefined {
  const branch = repo.branches.get(ref.replace(/^refs\/heads\//, ''));
  if (branch !== undefined) return branch;
  if (repo.files.has(ref)) return ref;
  if (/^[0-9a-f]{7,39}$/i.test(ref)) {
    return [...repo.files.keys()].find((sha) => sha.toLowerCase().startsWith(ref.toLowerCase()));
  }
  return undefined;
}

function callerUser(caller: Caller, bot: FakeUser): FakeUser {
  return caller.kind === 'token' || caller.kind === 'installation' ? caller.user : bot;
}

function association(repo: RepoState, user: FakeUser): string {
  return user.login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'NONE';
}

function listing(
  api: string,
  repo: RepoState,
  dir: string,
  ref: string,
  paths: string[],
): Record<string, unknown>[] {
  const names = new Map<string, 'file' | 'dir'>();
  for (const path of paths) {
    const rest = dir === '' ? path : path.slice(dir.length + 1);
    const [head = '', ...more] = rest.split('/');
    names.set(head, more.length === 0 ? 'file' : 'dir');
  }
  return [...names].map(([name, type]) => {
    const path = dir === '' ? name : `${dir}/${name}`;
    return {
      type,
      name,
      path,
      url: `${api}/repos/${repo.fullName}/contents/${path}?ref=${ref}`,
    };
  });
}

export type { FakeInstallation };
