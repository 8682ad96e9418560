/**
 * GitHub's REST response bodies as the fake returns them: the fields GitHub documents for a
 * user, repository, commit status, check run, issue comment, pull request, branch and file.
 */
import { createHash } from 'node:crypto';

import type { FakeUser } from './fake-github-auth.js';

export const WEB = 'https://github.com';

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  /** sha → path → content */
  files: Map<string, Map<string, string>>;
  branches: Map<string, string>;
  pulls: Map<number, PullState>;
  /** Issues (not pull requests) that exist, by number. */
  issues: Set<number>;
  /** What `GET /releases/latest` answers; null: 404 (no published release). */
  latestRelease: { tag: string; name: string | null } | null;
  /** tag name → the commit it points at, and an annotated tag's own object sha. */
  tags: Map<string, { commit: string; object: string | null }>;
}

/** One changed file of a pull request, as `GET /pulls/{n}/files` lists it. */
export interface PullFileState {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
  patch?: string;
}

export interface PullState {
  number: number;
  title: string;
  state: 'open' | 'closed';
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  user: FakeUser;
  draft: boolean;
  files: PullFileState[];
}

export interface StatusState {
  id: number;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  creator: FakeUser;
}

export interface CheckRunState {
  id: number;
  repo: string;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  external_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  appId: number;
}

export interface CommentState {
  id: number;
  repo: string;
  issue: number;
  body: string;
  user: FakeUser;
  created_at: string;
  /** Set by an edit (PATCH); GitHub answers created_at until then. */
  updated_at?: string;
}

/** A reaction on an issue comment (the comment's id, who reacted, with what). */
export interface ReactionState {
  id: number;
  repo: string;
  commentId: number;
  content: string;
  user: FakeUser;
  created_at: string;
}

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
}

export function userJson(api: string, user: FakeUser): Record<string, unknown> {
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${user.login}`,
    html_url: `${WEB}/${user.login}`,
    type: user.type,
    site_admin: false,
  };
}

export function repoJson(api: string, repo: RepoState): Record<string, unknown> {
  const owner: FakeUser = { login: repo.owner, id: repo.id + 1_000_000, type: 'User' };
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userJson(api, owner),
    html_url: `${WEB}/${repo.fullName}`,
    url: `${api}/repos/${repo.fullName}`,
    clone_url: `${WEB}/${repo.fullName}.git`,
    default_branch: repo.defaultBranch,
    visibility: repo.private ? 'private' : 'public',
  };
}

export function statusJson(api: string, status: StatusState): Record<string, unknown> {
  return {
    url: `${api}/repos/${status.repo}/statuses/${status.sha}`,
    avatar_url: 'https://avatars.githubusercontent.com/oa/4808?v=4',
    id: status.id,
    node_id: nodeId('StatusContext', status.id),
    state: status.state,
    description: status.description,
    target_url: status.target_url,
    context: status.context,
    created_at: status.created_at,
    updated_at: status.created_at,
    creator: userJson(api, status.creator),
  };
}

export function appJson(api: string, id: number, slug: string): Record<string, unknown> {
  return {
    id,
    slug,
    node_id: nodeId('Integration', id),
    owner: userJson(api, { login: 'forgeflow-org', id: 9_000_001, type: 'User' }),
    name: slug,
    description: '',
    external_url: 'https://forgeflow.example',
    html_url: `${WEB}/apps/${slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'read', metadata: 'read', statuses: 'write' },
    events: ['check_run', 'pull_request', 'push'],
  };
}

export function checkRunJson(
  api: string,
  run: CheckRunState,
  slug: string,
): Record<string, unknown> {
  return {
    id: run.id,
    head_sha: run.head_sha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.external_id ?? '',
    url: `${api}/repos/${run.repo}/check-runs/${run.id}`,
    html_url: `${WEB}/${run.repo}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      ...run.output,
      annotations_count: 0,
      annotations_url: `${api}/repos/${run.repo}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: 5_000_000 + run.id },
    app: appJson(api, run.appId, slug),
    pull_requests: [],
  };
}

export function commentJson(
  api: string,
  comment: CommentState,
  association: string,
): Record<string, unknown> {
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${api}/repos/${comment.repo}/issues/comments/${comment.id}`,
    html_url: `${WEB}/${comment.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userJson(api, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at ?? comment.created_at,
    issue_url: `${api}/repos/${comment.repo}/issues/${comment.issue}`,
    author_association: association,
    performed_via_github_app: null,
  };
}

/** https://docs.github.com/en/rest/reactions/reactions#create-reaction-for-an-issue-comment */
export function reactionJson(api: string, reaction: ReactionState): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: nodeId('Reaction', reaction.id),
    user: userJson(api, reaction.user),
    content: reaction.content,
    created_at: reaction.created_at,
  };
}

export function pullJson(api: string, repo: RepoState, pull: PullState): Record<string, unknown> {
  const base = `${api}/repos/${repo.fullName}`;
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(api, { login: repo.owner, id: repo.id + 1_000_000, type: 'User' }),
    repo: repoJson(api, repo),
  });
  return {
    url: `${base}/pulls/${pull.number}`,
    id: 1_000_000 + pull.number,
    node_id: nodeId('PullRequest', pull.number),
    html_url: `${WEB}/${repo.fullName}/pull/${pull.number}`,
    diff_url: `${WEB}/${repo.fullName}/pull/${pull.number}.diff`,
    patch_url: `${WEB}/${repo.fullName}/pull/${pull.number}.patch`,
    issue_url: `${base}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(api, pull.user),
    body: null,
    labels: [],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    draft: pull.draft,
    head: side(pull.headRef, pull.headSha),
    base: side(pull.baseRef, pull.baseSha),
    author_association: 'CONTRIBUTOR',
    merged: false,
    mergeable: null,
    comments: 0,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

export function branchJson(
  api: string,
  repo: RepoState,
  name: string,
  sha: string,
): Record<string, unknown> {
  const base = `${api}/repos/${repo.fullName}`;
  return {
    name,
    commit: {
      sha,
      node_id: nodeId('Commit', parseInt(sha.slice(0, 6), 16) || 0),
      commit: {
        message: 'a commit',
        tree: { sha: sha.split('').reverse().join(''), url: `${base}/git/trees/${sha}` },
        url: `${base}/git/commits/${sha}`,
        comment_count: 0,
      },
      url: `${base}/commits/${sha}`,
      html_url: `${WEB}/${repo.fullName}/commit/${sha}`,
      parents: [],
    },
    _links: { self: `${base}/branches/${name}`, html: `${WEB}/${repo.fullName}/tree/${name}` },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
    },
    protection_url: `${base}/branches/${name}/protection`,
  };
}

/** The JSON form of a file (what GitHub answers without the raw media type). */
export function contentJson(
  api: string,
  repo: RepoState,
  path: string,
  ref: string,
  content: string,
): Record<string, unknown> {
  const bytes = Buffer.from(content, 'utf8');
  const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const url = `${api}/repos/${repo.fullName}/contents/${path}?ref=${ref}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: bytes.length,
    name: path.split('/').pop(),
    path,
    content: (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
    sha,
    url,
    git_url: `${api}/repos/${repo.fullName}/git/blobs/${sha}`,
    html_url: `${WEB}/${repo.fullName}/blob/${ref}/${path}`,
    download_url: `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${path}`,
    _links: { self: url, git: `${api}/repos/${repo.fullName}/git/blobs/${sha}` },
  };
}

/**
 * An entry of "List pull requests files"
 * (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files).
 */
export function pullFileJson(
  api: string,
  repo: RepoState,
  head: string,
  file: PullFileState,
): Record<string, unknown> {
  const patch = file.patch ?? '@@ -1 +1 @@\n-old\n+new';
  const blob = createHash('sha1').update(`${head}:${file.filename}`).digest('hex');
  return {
    sha: blob,
    filename: file.filename,
    status: file.status,
    additions: 1,
    deletions: file.status === 'added' ? 0 : 1,
    changes: 2,
    blob_url: `${WEB}/${repo.fullName}/blob/${head}/${file.filename}`,
    raw_url: `${WEB}/${repo.fullName}/raw/${head}/${file.filename}`,
    contents_url: `${api}/repos/${repo.fullName}/contents/${file.filename}?ref=${head}`,
    patch,
    ...(file.previous_filename === undefined ? {} : { previous_filename: file.previous_filename }),
  };
}

/** "Get a commit" (https://docs.github.com/en/rest/commits/commits#get-a-commit), without files. */
export function commitJson(api: string, repo: RepoState, sha: string): Record<string, unknown> {
  const base = `${api}/repos/${repo.fullName}`;
  const person = {
    name: 'Monalisa Octocat',
    email: 'mona@github.com',
    date: '2024-01-01T00:00:00Z',
  };
  return {
    url: `${base}/commits/${sha}`,
    sha,
    node_id: nodeId('Commit', parseInt(sha.slice(0, 6), 16) || 0),
    html_url: `${WEB}/${repo.fullName}/commit/${sha}`,
    comments_url: `${base}/commits/${sha}/comments`,
    commit: {
      url: `${base}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: 'a commit',
      tree: { url: `${base}/git/trees/${sha}`, sha: sha.split('').reverse().join('') },
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    },
    author: null,
    committer: null,
    parents: [],
    stats: { additions: 0, deletions: 0, total: 0 },
    files: [],
  };
}
