/**
 * A fake GitLab REST API (v4) for tests: real paths under `/api/v4`, `PRIVATE-TOKEN` (or
 * `Authorization: Bearer`) auth with token scopes, GitLab's response and error shapes, and the
 * commit-status state machine (posting `pending` or `running` to a status that already is
 * pending/running answers 400 "Cannot transition status via :run from :running", as GitLab
 * does). Point a client's GITLAB_URL at `url`.
 *
 *   const gitlab = new FakeGitLab().addToken('glpat-x');
 *   gitlab.addProject('group/app', { id: 42 }).setFile('group/app', SHA, 'pipeline.yaml', '…');
 *   await gitlab.start();  …  gitlab.statuses('group/app', SHA)  …  await gitlab.stop();
 *
 * Faults: `failNext('GET', /raw/, 502, 3)`, `rateLimitNext('POST', '/statuses/')`,
 * `delayNext(…)`, `dropNext(…)` (fake-http.ts).
 */
import { STATUS_CODES } from 'node:http';

import type { FakeRequest, PathMatch, Reply } from './fake-http.js';
import { FakeHttpServer, objectBody } from './fake-http.js';
import type {
  AwardState,
  CommitStatusState,
  DiffState,
  GitLabUser,
  MemberState,
  MergeRequestState,
  NoteState,
  ProjectState,
} from './fake-gitlab-shapes.js';
import {
  DIFF_MAX_FILES,
  awardJson,
  branchJson,
  diffJson,
  fileJson,
  memberJson,
  mergeRequestJson,
  noteJson,
  statusJson,
  tagJson,
} from './fake-gitlab-shapes.js';

export type { AwardState, CommitStatusState, NoteState } from './fake-gitlab-shapes.js';

/** The names forgeflow may award (GitLab knows many more; any other is refused here). */
const EMOJI = ['thumbsup', 'thumbsdown', 'laughing', 'confused', 'heart', 'tada', 'rocket', 'eyes'];
const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
/** The state-machine event GitLab fires for each requested state (named in its 400s). */
const EVENTS: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
  skipped: 'skip',
};

export interface FakeGitLabOptions {
  /** The server's clock (timestamps, rate-limit resets); default Date.now. */
  now?: () => number;
}

export interface MergeRequestSeed {
  iid: number;
  sha: string;
  sourceBranch: string;
  targetBranch?: string;
  baseSha?: string;
  title?: string;
  authorId?: number;
  state?: 'opened' | 'closed' | 'merged';
}

interface TokenState {
  user: GitLabUser;
  scopes: string[];
}

export class FakeGitLab extends FakeHttpServer {
  private readonly now: () => number;
  private readonly tokens = new Map<string, TokenState>();
  private readonly projects = new Map<string, ProjectState>();
  private readonly statusLog: CommitStatusState[] = [];
  private readonly statusHistory: CommitStatusState[] = [];
  private readonly noteLog: NoteState[] = [];
  private readonly awardLog: AwardState[] = [];
  private noteEdits = 0;
  private nextId = 1;
  private nextProjectId = 1;
  private served = 0;

  constructor(options: FakeGitLabOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
  }

  // ---- seeding -------------------------------------------------------------------------

  /** A token (`PRIVATE-TOKEN` header or `Authorization: Bearer`); scopes default to `api`. */
  addToken(
    token: string,
    options: { username?: string; id?: number; scopes?: string[] } = {},
  ): this {
    const username = options.username ?? 'forgeflow-bot';
    this.tokens.set(token, {
      user: { id: options.id ?? 100 + this.tokens.size, username, name: username },
      scopes: options.scopes ?? ['api'],
    });
    return this;
  }

  /** Projects are also created by the other seeding helpers (ids from 1 unless given). */
  addProject(fullPath: string, options: { id?: number; defaultBranch?: string } = {}): this {
    const existing = this.projects.get(fullPath.toLowerCase());
    const project: ProjectState = existing ?? {
      id: options.id ?? this.nextProjectId++,
      path: fullPath,
      defaultBranch: 'main',
      files: new Map(),
      branches: new Map(),
      mergeRequests: new Map(),
      members: new Map(),
      issues: new Set(),
      releases: [],
      tags: new Map(),
    };
    if (options.id !== undefined) project.id = options.id;
    if (options.defaultBranch !== undefined) project.defaultBranch = options.defaultBranch;
    this.projects.set(fullPath.toLowerCase(), project);
    return this;
  }

  projectId(fullPath: string): number {
    return this.project(fullPath).id;
  }

  /** A commit with no files of interest (statuses may be posted to it). */
  addCommit(fullPath: string, sha: string): this {
    const files = this.project(fullPath).files;
    if (!files.has(sha)) files.set(sha, new Map());
    return this;
  }

  setFile(fullPath: string, sha: string, path: string, content: string): this {
    this.addCommit(fullPath, sha);
    this.project(fullPath).files.get(sha)?.set(path.replace(/^\/+/, ''), content);
    return this;
  }

  setFiles(fullPath: string, sha: string, files: Record<string, string>): this {
    this.addCommit(fullPath, sha);
    for (const [path, content] of Object.entries(files)) this.setFile(fullPath, sha, path, content);
    return this;
  }

  setBranch(fullPath: string, branch: string, sha: string): this {
    this.addCommit(fullPath, sha);
    this.project(fullPath).branches.set(branch, sha);
    return this;
  }

  addMergeRequest(fullPath: string, seed: MergeRequestSeed): this {
    const project = this.project(fullPath);
    const targetBranch = seed.targetBranch ?? project.defaultBranch;
    const baseSha = seed.baseSha ?? project.branches.get(targetBranch) ?? '0'.repeat(40);
    this.addCommit(fullPath, seed.sha).addCommit(fullPath, baseSha);
    const authorId = seed.authorId ?? 1;
    project.mergeRequests.set(seed.iid, {
      iid: seed.iid,
      title: seed.title ?? `Merge request !${seed.iid}`,
      state: seed.state ?? 'opened',
      sha: seed.sha,
      sourceBranch: seed.sourceBranch,
      targetBranch,
      baseSha,
      author: { id: authorId, username: `user${authorId}`, name: `User ${authorId}` },
      diffs: project.mergeRequests.get(seed.iid)?.diffs ?? [],
    });
    return this;
  }

  /** The files a merge request changes: a path (modified), or `{from, to}` for a rename. */
  setMergeRequestFiles(
    fullPath: string,
    iid: number,
    files: readonly (string | { from: string; to: string })[],
  ): this {
    const mr = this.project(fullPath).mergeRequests.get(iid);
    if (mr === undefined) throw new Error(`no merge request !${iid} in ${fullPath}`);
    mr.diffs = files.map((f) =>
      typeof f === 'string'
        ? { old_path: f, new_path: f, new_file: false, renamed_file: false, deleted_file: false }
        : {
            old_path: f.from,
            new_path: f.to,
            new_file: false,
            renamed_file: true,
            deleted_file: false,
          },
    );
    return this;
  }

  /** A tag on a commit; `annotated` is the tag object's own sha (GitLab's `target`). */
  setTag(
    fullPath: string,
    tag: string,
    commit: string,
    options: { annotated?: string } = {},
  ): this {
    this.addCommit(fullPath, commit);
    this.project(fullPath).tags.set(tag, { commit, object: options.annotated ?? null });
    return this;
  }

  /** 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner. */
  addMember(
    fullPath: string,
    userId: number,
    accessLevel: number,
    options: { username?: string; inherited?: boolean; state?: MemberState['state'] } = {},
  ): this {
    const username = options.username ?? `user${userId}`;
    this.project(fullPath).members.set(userId, {
      user: { id: userId, username, name: username },
      accessLevel,
      inherited: options.inherited ?? false,
      state: options.state ?? 'active',
    });
    return this;
  }

  /** A note someone wrote on merge request `iid` (what a note hook names), to award emoji to. */
  /** An issue forgeflow may comment on. */
  addIssue(fullPath: string, iid: number): this {
    this.project(fullPath).issues.add(iid);
    return this;
  }

  /** A release, newer than those added before. */
  addRelease(fullPath: string, release: { tag: string; name?: string }): this {
    this.project(fullPath).releases.unshift({ tag_name: release.tag, name: release.name ?? null });
    return this;
  }

  addNote(
    fullPath: string,
    iid: number,
    note: { id: number; body: string; authorId?: number; onIssue?: true },
  ): this {
    const project = this.project(fullPath);
    const authorId = note.authorId ?? 1;
    this.noteLog.push({
      id: note.id,
      project: project.path,
      projectId: project.id,
      iid,
      ...(note.onIssue ? { onIssue: true as const } : {}),
      body: note.body,
      author: { id: authorId, username: `user${authorId}`, name: `User ${authorId}` },
      created_at: new Date(this.now()).toISOString(),
    });
    return this;
  }

  // ---- reading back --------------------------------------------------------------------

  /** Every accepted status change in order (a pending status later run is listed twice). */
  statuses(fullPath?: string, sha?: string): CommitStatusState[] {
    return this.statusHistory.filter(
      (s) =>
        (fullPath === undefined || same(s.project, fullPath)) &&
        (sha === undefined || s.sha === sha),
    );
  }

  /** The status GitLab shows for a name: the newest status object. */
  latestStatus(fullPath: string, sha: string, name: string): CommitStatusState | undefined {
    return this.statusLog
      .filter((s) => same(s.project, fullPath) && s.sha === sha && s.name === name)
      .pop();
  }

  notes(fullPath?: string, iid?: number): NoteState[] {
    return this.noteLog.filter(
      (n) =>
        !n.onIssue &&
        (fullPath === undefined || same(n.project, fullPath)) &&
        (iid === undefined || n.iid === iid),
    );
  }

  /** The notes of issue `iid`. */
  issueNotes(fullPath: string, iid: number): NoteState[] {
    return this.noteLog.filter((n) => n.onIssue && same(n.project, fullPath) && n.iid === iid);
  }

  /** Emoji awarded to notes, in the order they were awarded. */
  awards(fullPath?: string, noteId?: number): AwardState[] {
    return this.awardLog.filter(
      (a) =>
        (fullPath === undefined || same(a.project, fullPath)) &&
        (noteId === undefined || a.noteId === noteId),
    );
  }

  /** Note edits (PUT) accepted so far. */
  get notesEdited(): number {
    return this.noteEdits;
  }

  /** Someone deletes a note (as `DELETE /projects/:id/merge_requests/:iid/notes/:note_id` would). */
  deleteNote(id: number): this {
    const at = this.noteLog.findIndex((n) => n.id === id);
    if (at >= 0) this.noteLog.splice(at, 1);
    return this;
  }

  // ---- faults ---------------------------------------------------------------------------

  /** GitLab's rate limit: 429 "Retry later" with `Retry-After` and `RateLimit-*` headers. */
  rateLimitNext(
    method: string,
    path: PathMatch,
    options: { retryAfterSeconds?: number; times?: number } = {},
  ): this {
    const wait = options.retryAfterSeconds ?? 60;
    const reset = Math.floor(this.now() / 1000) + wait;
    return this.failNext(method, path, 429, options.times ?? 1, {
      headers: {
        'retry-after': String(wait),
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': '2000',
        'ratelimit-observed': '2001',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
        'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
      },
      body: 'Retry later\n',
    });
  }

  // ---- the API ---------------------------------------------------------------------------

  protected override errorBody(status: number): unknown {
    return { message: `${status} ${STATUS_CODES[status] ?? 'Error'}` };
  }

  protected override commonHeaders(): Record<string, string> {
    this.served += 1;
    return {
      'x-request-id': `01FAKE${this.served.toString().padStart(20, '0')}`,
      'x-gitlab-meta': JSON.stringify({ correlation_id: `fake-${this.served}`, version: '1' }),
      'cache-control': 'max-age=0, private, must-revalidate',
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '2000',
      'ratelimit-observed': String(this.served % 2000),
      'ratelimit-remaining': String(2000 - (this.served % 2000)),
      'ratelimit-reset': String(Math.floor(this.now() / 1000) + 60),
    };
  }

  protected override route(request: FakeRequest): Reply {
    const [api, version, projects, id, ...rest] = request.segments;
    if (api !== 'api' || version !== 'v4') return { status: 404, body: { error: '404 Not Found' } };
    const token = this.authenticate(request);
    if (token === null) return this.message(401, '401 Unauthorized');
    if (request.method !== 'GET' && !token.scopes.includes('api')) {
      return {
        status: 403,
        body: {
          error: 'insufficient_scope',
          error_description:
            'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        },
      };
    }
    if (projects !== 'projects' || id === undefined) {
      return { status: 404, body: { error: '404 Not Found' } };
    }
    const project = this.findProject(id);
    if (project === undefined) return this.message(404, '404 Project Not Found');
    return this.projectRoute(request, project, rest, token.user);
  }

  private projectRoute(
    request: FakeRequest,
    project: ProjectState,
    rest: string[],
    user: GitLabUser,
  ): Reply {
    const { method } = request;
    const [a, b, c, d] = rest;
    if (a === 'repository' && b === 'files' && c !== undefined && method === 'GET') {
      if (rest.length === 4 && d === 'raw') return this.getFile(request, project, c, true);
      if (rest.length === 3) return this.getFile(request, project, c, false);
    }
    if (a === 'statuses' && b !== undefined && rest.length === 2 && method === 'POST') {
      return this.postStatus(request, project, b, user);
    }
    if (a === 'repository' && b === 'commits' && c !== undefined && d === 'statuses') {
      if (method === 'GET' && rest.length === 4) {
        const list = this.statusLog.filter((s) => s.projectId === project.id && s.sha === c);
        return { status: 200, body: list.map((s) => statusJson(this.url, s)) };
      }
    }
    // https://docs.gitlab.com/api/releases/#list-releases (newest first)
    if (a === 'releases' && rest.length === 1 && method === 'GET') {
      const perPage = Number(request.query.get('per_page') ?? 20);
      return { status: 200, body: project.releases.slice(0, perPage) };
    }
    // https://docs.gitlab.com/api/notes/#create-new-issue-note, and award emoji on it
    if (a === 'issues' && b !== undefined && c === 'notes') {
      const iid = Number(b);
      if (!project.issues.has(iid)) return this.message(404, '404 Not found');
      const thread = { iid, onIssue: true as const };
      if (rest.length === 3 && method === 'POST')
        return this.postNote(request, project, thread, user);
      if (rest.length === 5 && rest[4] === 'award_emoji' && method === 'POST')
        return this.postAward(request, project, thread, Number(d), user);
    }
    if (a === 'merge_requests' && b !== undefined) {
      const mr = project.mergeRequests.get(Number(b));
      if (rest.length === 2 && method === 'GET') {
        return mr === undefined
          ? this.message(404, '404 Not found')
          : { status: 200, body: mergeRequestJson(this.url, project, mr) };
      }
      if (rest.length === 3 && c === 'diffs' && method === 'GET') {
        if (mr === undefined) return this.message(404, '404 Not found');
        return this.listDiffs(request, project, mr.iid, mr.diffs);
      }
      if (rest.length === 5 && c === 'notes' && rest[4] === 'award_emoji' && method === 'POST') {
        if (mr === undefined) return this.message(404, '404 Not found');
        return this.postAward(request, project, mr, Number(d), user);
      }
      // https://docs.gitlab.com/api/notes/#modify-existing-merge-request-note
      if (rest.length === 4 && c === 'notes' && d !== undefined && method === 'PUT') {
        if (mr === undefined) return this.message(404, '404 Not found');
        return this.putNote(request, project, mr, Number(d));
      }
      if (rest.length === 3 && c === 'notes') {
        if (mr === undefined) return this.message(404, '404 Not found');
        if (method === 'POST') return this.postNote(request, project, mr, user);
        if (method === 'GET') {
          const notes = this.notes(project.path, mr.iid).reverse();
          const mrId = project.id * 1000 + mr.iid;
          return { status: 200, body: notes.map((n) => noteJson(this.url, n, mrId)) };
        }
      }
    }
    if (a === 'repository' && b === 'branches' && c !== undefined && rest.length === 3) {
      const sha = project.branches.get(c);
      if (method === 'GET') {
        return sha === undefined
          ? this.message(404, '404 Branch Not Found')
          : { status: 200, body: branchJson(this.url, project, c, sha) };
      }
    }
    if (a === 'repository' && b === 'tags' && c !== undefined && rest.length === 3) {
      const tag = project.tags.get(c);
      if (method === 'GET')
        return tag === undefined
          ? this.message(404, '404 Tag Not Found')
          : { status: 200, body: tagJson(this.url, project, c, tag) };
    }
    if (a === 'members' && method === 'GET') {
      const all = b === 'all';
      const userId = all ? c : b;
      if (userId !== undefined && rest.length === (all ? 3 : 2)) {
        const member = project.members.get(Number(userId));
        if (member === undefined || (!all && member.inherited)) {
          return this.message(404, '404 Not found');
        }
        return { status: 200, body: memberJson(this.url, member) };
      }
    }
    return { status: 404, body: { error: '404 Not Found' } };
  }

  /**
   * "List merge request diffs": 20 a page unless `per_page` (at most 100), with GitLab's
   * pagination headers (https://docs.gitlab.com/api/rest/#pagination-link-header); past the
   * diff limits the list stops at DIFF_MAX_FILES.
   */
  private listDiffs(
    request: FakeRequest,
    project: ProjectState,
    iid: number,
    diffs: DiffState[],
  ): Reply {
    const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 20) || 20));
    const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const listed = diffs.slice(0, DIFF_MAX_FILES);
    const pages = Math.max(1, Math.ceil(listed.length / perPage));
    const link = (n: number, rel: string) =>
      `<${this.url}/api/v4/projects/${project.id}/merge_requests/${iid}/diffs?page=${n}&per_page=${perPage}>; rel="${rel}"`;
    return {
      status: 200,
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < pages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(listed.length),
        'x-total-pages': String(pages),
        link: [
          ...(page < pages ? [link(page + 1, 'next')] : []),
          link(1, 'first'),
          link(pages, 'last'),
        ].join(', '),
      },
      body: listed.slice((page - 1) * perPage, page * perPage).map(diffJson),
    };
  }

  private getFile(request: FakeRequest, project: ProjectState, path: string, raw: boolean): Reply {
    const ref = request.query.get('ref') ?? project.defaultBranch;
    const sha = project.branches.get(ref) ?? (project.files.has(ref) ? ref : undefined);
    const content = sha === undefined ? undefined : project.files.get(sha)?.get(path);
    if (sha === undefined || content === undefined) return this.message(404, '404 File Not Found');
    if (!raw) return { status: 200, body: fileJson(path, ref, sha, content) };
    return {
      status: 200,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'x-gitlab-file-name': path.split('/').pop() ?? path,
        'x-gitlab-file-path': path,
        'x-gitlab-ref': ref,
        'x-gitlab-commit-id': sha,
        'x-gitlab-size': String(Buffer.byteLength(content)),
      },
      body: Buffer.from(content, 'utf8'),
    };
  }

  private postStatus(
    request: FakeRequest,
    project: ProjectState,
    sha: string,
    user: GitLabUser,
  ): Reply {
    const body = objectBody(request.body);
    const state = body.state;
    if (state === undefined) return { status: 400, body: { error: 'state is missing' } };
    if (typeof state !== 'string' || !STATES.includes(state)) {
      return { status: 400, body: { error: 'state does not have a valid value' } };
    }
    if (!project.files.has(sha)) return this.message(404, '404 Commit Not Found');
    const name = str(body.name) ?? str(body.context) ?? 'default';
    const open = this.statusLog
      .filter((s) => s.projectId === project.id && s.sha === sha && s.name === name)
      .filter((s) => s.status === 'pending' || s.status === 'running')
      .pop();
    const current = open?.status ?? 'created';
    const allowed =
      state === 'pending'
        ? current === 'created'
        : state === 'running'
          ? current !== 'running'
          : true;
    if (!allowed) {
      const event = EVENTS[state] ?? state;
      return this.message(
        400,
        `Cannot transition status via :${event} from :${current} (Reason(s): Status cannot transition via "${event}")`,
      );
    }
    const at = new Date(this.now()).toISOString();
    const status: CommitStatusState = open ?? {
      id: this.nextId++,
      project: project.path,
      projectId: project.id,
      sha,
      ref: str(body.ref) ?? refOf(project, sha),
      name,
      status: 'created',
      description: null,
      target_url: null,
      created_at: at,
      started_at: null,
      finished_at: null,
      author: user,
    };
    if (open === undefined) this.statusLog.push(status);
    status.status = state;
    if (typeof body.description === 'string') status.description = body.description;
    if (typeof body.target_url === 'string') status.target_url = body.target_url;
    if (state === 'running') status.started_at = at;
    if (!['pending', 'running'].includes(state)) status.finished_at = at;
    this.statusHistory.push({ ...status });
    return { status: 201, body: statusJson(this.url, status) };
  }

  private postNote(
    request: FakeRequest,
    project: ProjectState,
    thread: { iid: number; onIssue?: true },
    user: GitLabUser,
  ): Reply {
    const body = objectBody(request.body).body;
    if (typeof body !== 'string' || body.trim() === '') {
      return { status: 400, body: { error: 'body is missing' } };
    }
    if (Array.from(body).length > 1_000_000) {
      return this.message(400, { note: ['is too long (maximum is 1000000 characters)'] });
    }
    const note: NoteState = {
      id: 1_000 + this.nextId++,
      project: project.path,
      projectId: project.id,
      iid: thread.iid,
      ...(thread.onIssue ? { onIssue: true as const } : {}),
      body,
      author: user,
      created_at: new Date(this.now()).toISOString(),
    };
    this.noteLog.push(note);
    return { status: 201, body: noteJson(this.url, note, project.id * 1000 + thread.iid) };
  }

  /**
   * https://docs.gitlab.com/api/emoji_reactions/: 201 with the award; GitLab's API answers a
   * failed award with `not_found!("Award Emoji #{message}")`, so an emoji this user already
   * awarded is 404 "Award Emoji Name has already been taken Not Found".
   */
  private postAward(
    request: FakeRequest,
    project: ProjectState,
    thread: { iid: number; onIssue?: true },
    noteId: number,
    user: GitLabUser,
  ): Reply {
    const note = this.noteLog.find(
      (n) =>
        n.projectId === project.id &&
        n.iid === thread.iid &&
        !n.onIssue === !thread.onIssue &&
        n.id === noteId,
    );
    if (note === undefined) return this.message(404, '404 Not found');
    const name = objectBody(request.body).name;
    if (typeof name !== 'string' || name === '')
      return { status: 400, body: { error: 'name is missing' } };
    if (!EMOJI.includes(name))
      return this.message(404, '404 Award Emoji Name is not a valid emoji name Not Found');
    if (this.awards(project.path, noteId).some((a) => a.name === name && a.user.id === user.id))
      return this.message(404, '404 Award Emoji Name has already been taken Not Found');
    const award: AwardState = {
      id: this.nextId++,
      project: project.path,
      iid: thread.iid,
      noteId,
      name,
      user,
      created_at: new Date(this.now()).toISOString(),
    };
    this.awardLog.push(award);
    return { status: 201, body: awardJson(this.url, award) };
  }

  private putNote(
    request: FakeRequest,
    project: ProjectState,
    mr: MergeRequestState,
    id: number,
  ): Reply {
    const note = this.noteLog.find(
      (n) => n.id === id && n.projectId === project.id && n.iid === mr.iid,
    );
    if (note === undefined) return this.message(404, '404 Not found');
    const body = objectBody(request.body).body;
    if (typeof body !== 'string' || body.trim() === '') {
      return { status: 400, body: { error: 'body is missing' } };
    }
    if (Array.from(body).length > 1_000_000) {
      return this.message(400, { note: ['is too long (maximum is 1000000 characters)'] });
    }
    note.body = body;
    note.updated_at = new Date(this.now()).toISOString();
    this.noteEdits += 1;
    return { status: 200, body: noteJson(this.url, note, project.id * 1000 + mr.iid) };
  }

  private authenticate(request: FakeRequest): TokenState | null {
    const header = request.headers['private-token'];
    const privateToken = Array.isArray(header) ? header[0] : header;
    const bearer = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = privateToken ?? bearer;
    return token === undefined ? null : (this.tokens.get(token) ?? null);
  }

  private findProject(id: string): ProjectState | undefined {
    if (/^\d+$/.test(id)) return [...this.projects.values()].find((p) => p.id === Number(id));
    return this.projects.get(id.toLowerCase());
  }

  private project(fullPath: string): ProjectState {
    if (!this.projects.has(fullPath.toLowerCase())) this.addProject(fullPath);
    return this.projects.get(fullPath.toLowerCase()) as ProjectState;
  }

  private message(status: number, message: unknown): Reply {
    return { status, body: { message } };
  }
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function refOf(project: ProjectState, sha: string): string | null {
  for (const [branch, head] of project.branches) if (head === sha) return branch;
  return null;
}
