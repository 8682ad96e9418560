/**
 * The Pagure API (`/api/0`) of the fake dist-git (fake-dist-git.ts), the calls
 * propose_downstream makes, in Pagure's shapes: `GET /fork/<user>/rpms/<pkg>` (the fork, or 404
 * ENOPROJECT), `POST /fork` (form `repo`, `namespace`, `wait`), `GET /rpms/<pkg>/pull-requests`
 * (`status`, `author`), `POST /rpms/<pkg>/pull-request/new` (form `title`, `branch_to`,
 * `branch_from`, `repo_from`, `repo_from_username`, `repo_from_namespace`, `initial_comment`).
 * Writes need `Authorization: token <API token>`; errors are `{"error", "error_code"}`.
 */
import type { FakeDistGit } from './fake-dist-git.js';
import type { FakeRequest, Reply } from './fake-http.js';
import { FakeHttpServer } from './fake-http.js';

export interface FakePullRequest {
  id: number;
  pkg: string;
  title: string;
  branch: string;
  branch_from: string;
  from_user: string;
  initial_comment: string;
  status: 'Open' | 'Merged' | 'Closed';
  /** The fork branch's commit when the pull request was opened. */
  head: string;
}

const BAD_TOKEN = {
  error:
    'Invalid or expired token. Please visit https://src.fedoraproject.org/settings#nav-api-tab to get or renew your API token.',
  error_code: 'EINVALIDTOK',
};
const NO_PROJECT = { error: 'Project not found', error_code: 'ENOPROJECT' };

export class FakePagure extends FakeHttpServer {
  readonly pullRequests: FakePullRequest[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly projects = new Set<string>();
  private readonly forks = new Set<string>();

  constructor(private readonly distGit: FakeDistGit) {
    super();
  }

  addUser(user: string, token: string): void {
    this.tokens.set(token, user);
  }

  addProject(pkg: string): void {
    this.projects.add(pkg);
  }

  /** The user of an `Authorization: Basic user:token` header (git over HTTPS), or null. */
  userOfBasic(header: string | undefined): string | null {
    const encoded = /^Basic (.+)$/.exec(header ?? '')?.[1];
    if (encoded === undefined) return null;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    return this.tokens.get(decoded.slice(colon + 1)) === user ? user : null;
  }

  protected errorBody(status: number): unknown {
    return { error: `fake Pagure error ${status}`, error_code: 'ENOCODE' };
  }

  protected route(request: FakeRequest): Reply {
    const [api, zero, ...path] = request.segments;
    if (api !== 'api' || zero !== '0') return { status: 404, body: NO_PROJECT };
    const user = this.userOf(request.headers.authorization);
    const form = (request.body ?? {}) as Record<string, string>;
    if (request.method === 'GET' && path[0] === 'fork' && path[2] === 'rpms' && path.length === 4) {
      const [, owner, , pkg] = path;
      return this.forks.has(`${owner}/${pkg}`)
        ? { status: 200, body: this.project(pkg!, owner!) }
        : { status: 404, body: NO_PROJECT };
    }
    if (request.method === 'POST' && path.length === 1 && path[0] === 'fork') {
      if (user === null) return { status: 401, body: BAD_TOKEN };
      if (form.namespace !== 'rpms' || !this.projects.has(form.repo ?? ''))
        return { status: 404, body: NO_PROJECT };
      if (this.forks.has(`${user}/${form.repo}`))
        return {
          status: 400,
          body: {
            error: `Repo "forks/${user}/rpms/${form.repo}" already exists`,
            error_code: 'ENOCODE',
          },
        };
      this.distGit.fork(form.repo!, user);
      this.forks.add(`${user}/${form.repo}`);
      return {
        status: 200,
        body: { message: `Repo "rpms/${form.repo}" cloned to "${user}/rpms/${form.repo}"` },
      };
    }
    if (path[0] !== 'rpms' || !this.projects.has(path[1] ?? ''))
      return { status: 404, body: NO_PROJECT };
    const pkg = path[1]!;
    if (request.method === 'GET' && path[2] === 'pull-requests') {
      const status = request.query.get('status') ?? 'Open';
      const author = request.query.get('author');
      const found = this.pullRequests.filter(
        (pr) =>
          pr.pkg === pkg &&
          (status === 'all' || pr.status === status) &&
          (author === null || pr.from_user === author),
      );
      return {
        status: 200,
        body: {
          args: { status, author, page: 1, per_page: 20 },
          requests: found.map((pr) => this.json(pr)),
          total_requests: found.length,
        },
      };
    }
    if (request.method === 'POST' && path[2] === 'pull-request' && path[3] === 'new') {
      if (user === null) return { status: 401, body: BAD_TOKEN };
      const missing = ['title', 'branch_to', 'branch_from'].filter((key) => !form[key]);
      if (missing.length > 0)
        return {
          status: 400,
          body: {
            error: 'Invalid or incomplete input submitted',
            error_code: 'EINVALIDREQ',
            errors: Object.fromEntries(missing.map((key) => [key, ['This field is required.']])),
          },
        };
      const fromUser = form.repo_from_username ?? user;
      if (fromUser !== user || form.repo_from !== pkg || form.repo_from_namespace !== 'rpms')
        return {
          status: 401,
          body: { error: 'You do not have sufficient permissions', error_code: 'ENOTHIGHENOUGH' },
        };
      let head: string;
      try {
        head = this.distGit
          .show(`forks/${user}/rpms/${pkg}.git`, 'rev-parse', `refs/heads/${form.branch_from}`)
          .trim();
      } catch {
        return {
          status: 400,
          body: {
            error: 'Invalid or incomplete input submitted',
            error_code: 'EINVALIDREQ',
            errors: `Branch ${form.branch_from} does not exist`,
          },
        };
      }
      const pr: FakePullRequest = {
        id: this.pullRequests.length + 1,
        pkg,
        title: form.title!,
        branch: form.branch_to!,
        branch_from: form.branch_from!,
        from_user: user,
        initial_comment: form.initial_comment ?? '',
        status: 'Open',
        head,
      };
      this.pullRequests.push(pr);
      return { status: 200, body: this.json(pr) };
    }
    return { status: 404, body: { error: 'Not found', error_code: 'ENOCODE' } };
  }

  private userOf(header: string | undefined): string | null {
    const token = /^token (.+)$/.exec(header ?? '')?.[1];
    return token === undefined ? null : (this.tokens.get(token) ?? null);
  }

  private project(pkg: string, owner: string | null) {
    return {
      id: 1,
      name: pkg,
      namespace: 'rpms',
      fullname: owner ? `forks/${owner}/rpms/${pkg}` : `rpms/${pkg}`,
      user: { name: owner ?? 'fedora' },
      parent: owner ? { name: pkg, namespace: 'rpms', fullname: `rpms/${pkg}` } : null,
    };
  }

  private json(pr: FakePullRequest) {
    return {
      id: pr.id,
      title: pr.title,
      status: pr.status,
      branch: pr.branch,
      branch_from: pr.branch_from,
      initial_comment: pr.initial_comment,
      full_url: `${this.distGit.url}/rpms/${pr.pkg}/pull-request/${pr.id}`,
      project: this.project(pr.pkg, null),
      repo_from: this.project(pr.pkg, pr.from_user),
      user: { name: pr.from_user },
    };
  }
}
