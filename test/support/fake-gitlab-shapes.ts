/**
 * GitLab's REST (v4) response bodies as the fake returns them: users, commit statuses, notes,
 * merge requests, branches, members and repository files, with GitLab's field names.
 */
import { createHash } from 'node:crypto';

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
}

export interface ProjectState {
  id: number;
  path: string;
  defaultBranch: string;
  /** sha → path → content */
  files: Map<string, Map<string, string>>;
  branches: Map<string, string>;
  mergeRequests: Map<number, MergeRequestState>;
  members: Map<number, MemberState>;
  /** Issues that exist, by iid. */
  issues: Set<number>;
  /** Releases, newest first, as `GET /projects/:id/releases` lists them. */
  releases: { tag_name: string; name: string | null }[];
  /** tag name → the commit it points at, and an annotated tag's own object sha. */
  tags: Map<string, { commit: string; object: string | null }>;
}

/** One changed file of a merge request, as `GET …/merge_requests/:iid/diffs` lists it. */
export interface DiffState {
  old_path: string;
  new_path: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
}

export interface MergeRequestState {
  iid: number;
  title: string;
  state: 'opened' | 'closed' | 'merged';
  sha: string;
  sourceBranch: string;
  targetBranch: string;
  baseSha: string;
  author: GitLabUser;
  diffs: DiffState[];
}

export interface MemberState {
  user: GitLabUser;
  accessLevel: number;
  /** Membership through a parent group: listed by members/all only. */
  inherited: boolean;
  state: 'active' | 'blocked' | 'awaiting';
}

export interface CommitStatusState {
  id: number;
  project: string;
  projectId: number;
  sha: string;
  ref: string | null;
  name: string;
  status: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  author: GitLabUser;
}

export interface NoteState {
  id: number;
  project: string;
  projectId: number;
  iid: number;
  /** A note on an issue `iid`, not on merge request `iid`. */
  onIssue?: true;
  body: string;
  author: GitLabUser;
  created_at: string;
  /** Set by an edit (PUT); GitLab answers created_at until then. */
  updated_at?: string;
}

/** An emoji awarded to a merge request's note. */
export interface AwardState {
  id: number;
  project: string;
  iid: number;
  noteId: number;
  name: string;
  user: GitLabUser;
  created_at: string;
}

export function userJson(web: string, user: GitLabUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: `https://secure.gravatar.com/avatar/${user.id}?s=80&d=identicon`,
    web_url: `${web}/${user.username}`,
  };
}

export function statusJson(web: string, status: CommitStatusState): Record<string, unknown> {
  return {
    id: status.id,
    sha: status.sha,
    ref: status.ref,
    status: status.status,
    name: status.name,
    target_url: status.target_url,
    description: status.description,
    created_at: status.created_at,
    started_at: status.started_at,
    finished_at: status.finished_at,
    allow_failure: false,
    coverage: null,
    pipeline_id: 10_000 + status.projectId,
    author: userJson(web, status.author),
  };
}

export function noteJson(web: string, note: NoteState, mrId: number): Record<string, unknown> {
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author: userJson(web, note.author),
    created_at: note.created_at,
    updated_at: note.updated_at ?? note.created_at,
    system: false,
    noteable_id: mrId,
    noteable_type: 'MergeRequest',
    project_id: note.projectId,
    resolvable: false,
    confidential: false,
    internal: false,
    noteable_iid: note.iid,
    commands_changes: {},
  };
}

/** https://docs.gitlab.com/api/emoji_reactions/ (an emoji reaction on a comment) */
export function awardJson(web: string, award: AwardState): Record<string, unknown> {
  return {
    id: award.id,
    name: award.name,
    user: userJson(web, award.user),
    created_at: award.created_at,
    updated_at: award.created_at,
    awardable_id: award.noteId,
    awardable_type: 'Note',
    url: null,
  };
}

export function mergeRequestJson(
  web: string,
  project: ProjectState,
  mr: MergeRequestState,
): Record<string, unknown> {
  return {
    id: project.id * 1000 + mr.iid,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title,
    description: '',
    state: mr.state,
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    merged_by: null,
    merged_at: null,
    closed_by: null,
    closed_at: null,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    user_notes_count: 0,
    upvotes: 0,
    downvotes: 0,
    author: userJson(web, mr.author),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: project.id,
    target_project_id: project.id,
    labels: [],
    draft: false,
    work_in_progress: false,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha: mr.sha,
    merge_commit_sha: null,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: true,
    reference: `!${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${project.path}!${mr.iid}` },
    web_url: `${web}/${project.path}/-/merge_requests/${mr.iid}`,
    squash: false,
    has_conflicts: false,
    blocking_discussions_resolved: true,
    diff_refs: { base_sha: mr.baseSha, head_sha: mr.sha, start_sha: mr.baseSha },
    // A string: past the diff limits GitLab says "1000+" (and lists no more files than that).
    changes_count:
      mr.diffs.length > DIFF_MAX_FILES ? `${DIFF_MAX_FILES}+` : String(mr.diffs.length),
  };
}

/**
 * GitLab's default diff limit on files (https://docs.gitlab.com/administration/diff_limits/):
 * a merge request changing more is "overflow", and its diffs stop there.
 */
export const DIFF_MAX_FILES = 1_000;

/** An entry of "List merge request diffs" (https://docs.gitlab.com/api/merge_requests/#list-merge-request-diffs). */
export function diffJson(diff: DiffState): Record<string, unknown> {
  return {
    old_path: diff.old_path,
    new_path: diff.new_path,
    a_mode: diff.new_file ? '0' : '100644',
    b_mode: diff.deleted_file ? '0' : '100644',
    diff: '@@ -1 +1 @@\n-old\n+new\n',
    new_file: diff.new_file,
    renamed_file: diff.renamed_file,
    deleted_file: diff.deleted_file,
    generated_file: false,
    collapsed: false,
    too_large: false,
  };
}

/** "Get a single repository tag" (https://docs.gitlab.com/api/tags/#get-a-single-repository-tag). */
export function tagJson(
  web: string,
  project: ProjectState,
  name: string,
  tag: { commit: string; object: string | null },
): Record<string, unknown> {
  return {
    name,
    message: tag.object === null ? '' : `Release ${name}`,
    target: tag.object ?? tag.commit,
    commit: {
      id: tag.commit,
      short_id: tag.commit.slice(0, 8),
      title: 'a commit',
      created_at: '2024-01-01T00:00:00.000+00:00',
      parent_ids: [],
      message: 'a commit',
      author_name: 'Example User',
      author_email: 'user@example.com',
      authored_date: '2024-01-01T00:00:00.000+00:00',
      committer_name: 'Example User',
      committer_email: 'user@example.com',
      committed_date: '2024-01-01T00:00:00.000+00:00',
      web_url: `${web}/${project.path}/-/commit/${tag.commit}`,
    },
    release: null,
    protected: false,
    created_at: tag.object === null ? null : '2024-01-01T00:00:00.000Z',
  };
}

export function branchJson(
  web: string,
  project: ProjectState,
  name: string,
  sha: string,
): Record<string, unknown> {
  return {
    name,
    commit: {
      id: sha,
      short_id: sha.slice(0, 8),
      created_at: '2024-01-01T00:00:00.000+00:00',
      parent_ids: [],
      title: 'a commit',
      message: 'a commit',
      author_name: 'Example User',
      author_email: 'user@example.com',
      authored_date: '2024-01-01T00:00:00.000+00:00',
      committer_name: 'Example User',
      committer_email: 'user@example.com',
      committed_date: '2024-01-01T00:00:00.000+00:00',
      trailers: {},
      extended_trailers: {},
      web_url: `${web}/${project.path}/-/commit/${sha}`,
    },
    merged: false,
    protected: name === project.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    default: name === project.defaultBranch,
    web_url: `${web}/${project.path}/-/tree/${encodeURIComponent(name)}`,
  };
}

export function memberJson(web: string, member: MemberState): Record<string, unknown> {
  return {
    ...userJson(web, member.user),
    state: member.state,
    access_level: member.accessLevel,
    created_at: '2024-01-01T00:00:00.000Z',
    expires_at: null,
    membership_state: 'active',
  };
}

export function fileJson(
  path: string,
  ref: string,
  sha: string,
  content: string,
): Record<string, unknown> {
  const bytes = Buffer.from(content, 'utf8');
  return {
    file_name: path.split('/').pop(),
    file_path: path,
    size: bytes.length,
    encoding: 'base64',
    content_sha256: createHash('sha256').update(bytes).digest('hex'),
    ref,
    blob_id: createHash('sha1').update(bytes).digest('hex'),
    commit_id: sha,
    last_commit_id: sha,
    execute_filemode: false,
    content: bytes.toString('base64'),
  };
}
