/**
 * The few calls of Pagure's API (`/api/0`, what src.fedoraproject.org runs) propose_downstream
 * makes, with `Authorization: token …`: whether the user's fork of a package exists, making it,
 * the open pull requests of a package, and opening one from the fork's branch. Pagure takes
 * form fields and answers JSON; its errors are `{"error": "...", "error_code": "..."}`.
 */
import { numberField, stringField } from '../../forges/json-fields.js';
import { JsonService, trimUrl, type JsonServiceOptions } from '../packit-http.js';
import { HandlerError } from '../../contracts/errors.js';

export interface PagurePullRequest {
  id: number;
  url: string;
  branch: string;
  branch_from: string;
  /** The user whose fork it comes from, if from a fork. */
  from_user: string | null;
}

export type PagureOptions = Pick<JsonServiceOptions, 'timeoutMs' | 'now' | 'fetch'>;

export class PagureClient {
  readonly webUrl: string;
  private readonly api: JsonService;

  constructor(settings: { url: string; token: string }, options: PagureOptions = {}) {
    this.webUrl = trimUrl(settings.url);
    this.api = new JsonService({
      name: 'Pagure',
      errorPrefix: 'Pagure',
      apiUrl: `${this.webUrl}/api/0`,
      headers: { authorization: `token ${settings.token}` },
      secrets: [settings.token],
      authHint:
        'check FORGEFLOW_PAGURE_TOKEN (an API token of FORGEFLOW_DISTGIT_USER with the fork_project, pull_request_create and commit ACLs)',
      explain: pagureError,
      ...options,
    });
  }

  async hasFork(user: string, pkg: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.api.send(
      { method: 'GET', path: `/fork/${seg(user)}/rpms/${seg(pkg)}`, notFoundIsNull: true },
      signal,
    );
    return body !== null;
  }

  /** `POST /api/0/fork`, waiting for the fork's repository to exist. */
  async fork(pkg: string, signal?: AbortSignal): Promise<void> {
    await this.api.send(
      { method: 'POST', path: '/fork', form: { repo: pkg, namespace: 'rpms', wait: 'true' } },
      signal,
    );
  }

  /** The open pull requests of `rpms/<pkg>` by `author`. */
  async openPullRequests(
    pkg: string,
    author: string,
    signal?: AbortSignal,
  ): Promise<PagurePullRequest[]> {
    const body = await this.api.send(
      {
        method: 'GET',
        path: `/rpms/${seg(pkg)}/pull-requests`,
        query: { status: 'Open', author, per_page: 100 },
      },
      signal,
    );
    const requests = (body as { requests?: unknown } | null)?.requests;
    if (!Array.isArray(requests))
      throw badAnswer(`GET /rpms/${pkg}/pull-requests`, 'no "requests" list');
    return requests.map((request) => this.pullRequestOf(request, pkg));
  }

  /** `POST /api/0/rpms/<pkg>/pull-request/new` from `<user>`'s fork. */
  async openPullRequest(
    pkg: string,
    pr: { user: string; branchFrom: string; branchTo: string; title: string; comment: string },
    signal?: AbortSignal,
  ): Promise<PagurePullRequest> {
    const body = await this.api.send(
      {
        method: 'POST',
        path: `/rpms/${seg(pkg)}/pull-request/new`,
        form: {
          title: pr.title,
          branch_to: pr.branchTo,
          branch_from: pr.branchFrom,
          repo_from: pkg,
          repo_from_username: pr.user,
          repo_from_namespace: 'rpms',
          initial_comment: pr.comment,
        },
      },
      signal,
    );
    return this.pullRequestOf(body, pkg);
  }

  private pullRequestOf(body: unknown, pkg: string): PagurePullRequest {
    const id = numberField(body, 'id');
    const branch = stringField(body, 'branch');
    const from = stringField(body, 'branch_from');
    if (id === undefined || branch === undefined || from === undefined)
      throw badAnswer('pull request', 'no id, branch or branch_from');
    const url =
      stringField(body, 'full_url') ?? `${this.webUrl}/rpms/${seg(pkg)}/pull-request/${id}`;
    return {
      id,
      url,
      branch,
      branch_from: from,
      from_user: stringField(body, 'repo_from', 'user', 'name') ?? null,
    };
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

function badAnswer(what: string, detail: string): HandlerError {
  return new HandlerError('PagureBadResponse', `Pagure ${what}: ${detail} in the answer`);
}

function pagureError(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    return trimmed === '' || trimmed.startsWith('<') ? undefined : trimmed;
  }
  const found = body as { error?: unknown; errors?: unknown } | null;
  if (found?.error === undefined) return undefined;
  const errors = found.errors === undefined ? '' : ` ${JSON.stringify(found.errors)}`;
  const error = typeof found.error === 'string' ? found.error : JSON.stringify(found.error);
  return `${error}${errors}`;
}
